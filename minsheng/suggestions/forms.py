"""Forms of the suggestion pages: one per workflow action, and the deputy's own form.

An action form only checks and converts what the person typed; the rules themselves live in
`workflow.py`, which the view calls with `workflow_kwargs()`. Every action form carries the
suggestion's version so that a change made by someone else in the meantime is a clear conflict.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.lib.forms import clean_text_fields
from minsheng.people.models import Deputy, Organisation, User
from minsheng.suggestions import idempotency, workflow
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.attachments import AttachmentsField
from minsheng.suggestions.models import (
    Assignment,
    Category,
    ContactLog,
    DeclineReason,
    Rating,
    Reply,
    Suggestion,
)
from minsheng.suggestions.numbers import SESSION, parse_number

A = Assignment.State
M = Assignment.Mode


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def handling_units(suggestion: Suggestion) -> QuerySet[Organisation]:
    return Organisation.objects.handling_units().filter(jurisdiction_id=suggestion.jurisdiction_id)


def active_categories(jurisdiction_id: int) -> QuerySet[Category]:
    return Category.objects.filter(jurisdiction_id=jurisdiction_id, is_active=True).select_related(
        "parent"
    )


class ActionForm(forms.Form):
    """Base of the action forms. The sub-object the action acts on (which of the person's
    units, which reply, which request) is chosen as the action's declaration chooses it
    (`actions.py`): when more than one may be chosen (or the declaration always asks), the form
    asks which, with the declaration's choices; otherwise the workflow takes the same first
    one."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, suggestion: Suggestion, user: User, action: str, **kwargs: Any
    ) -> None:
        self.suggestion, self.user, self.action = suggestion, user, action
        self.declaration = REGISTRY[action]
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        subject = self.declaration.subject
        self.options: list[Any] = (
            subject.options(REGISTRY.attempt(action, suggestion, user)) if subject else []
        )
        self.assignments: list[Assignment] = (
            self.options if subject is not None and subject.name == "assignment" else []
        )
        initial = {"expected_version": suggestion.version, **self.initial_values()}
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if subject is not None and (subject.required or len(self.options) > 1):
            self.fields[subject.name] = forms.TypedChoiceField(
                label=subject.label,
                coerce=int,
                choices=[(obj.pk, subject.describe(obj)) for obj in self.options],
            )
            if self.options:
                self.initial.setdefault(subject.name, self.options[0].pk)
            self.order_fields([subject.name])
        self.setup()

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)  # control characters removed at the door (minsheng.lib.text)
        return self.cleaned_data

    def initial_values(self) -> dict[str, Any]:
        return {}

    def setup(self) -> None:
        """Per-suggestion choices and prefills."""

    def subject_kwargs(self) -> dict[str, Any]:
        """The chosen sub-object, as the workflow function's keyword (`assignment_id`…)."""
        subject = self.declaration.subject
        if subject is None:
            return {}
        chosen = self.cleaned_data.get(subject.name)
        return {subject.field: chosen} if chosen else {}

    assignment_kwargs = subject_kwargs

    def chosen(self) -> Any:
        """The sub-object the person chose (or the first one offered)."""
        subject = self.declaration.subject
        if subject is None:
            return None
        picked = self.cleaned_data.get(subject.name) if hasattr(self, "cleaned_data") else None
        if picked is None and self.is_bound:
            try:
                picked = int(self.data.get(subject.name, ""))
            except (TypeError, ValueError):
                picked = None
        for obj in self.options:
            if obj.pk == picked:
                return obj
        return self.options[0] if self.options else None

    def chosen_assignment(self) -> Assignment | None:
        found = self.chosen()
        return found if isinstance(found, Assignment) else None

    def workflow_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the workflow function, besides `by` and `expected_version`."""
        return self.subject_kwargs()

    @property
    def needs_input(self) -> bool:
        return bool(self.visible_fields())


class SubmitForm(ActionForm):
    pass


class ConfirmCosignForm(ActionForm):
    accept = forms.TypedChoiceField(
        label=gettext_lazy("Your answer"),
        coerce=lambda value: value == "yes",
        choices=[("yes", gettext_lazy("Co-sign")), ("no", gettext_lazy("Decline to co-sign"))],
        widget=forms.RadioSelect,
    )

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"accept": self.cleaned_data["accept"]}


class WithdrawForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("Why you withdraw it"), widget=textarea(3))

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class RegisterForm(ActionForm):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False
    )
    is_complex = forms.BooleanField(
        label=gettext_lazy("Complex (may need up to 6 months)"), required=False
    )

    def initial_values(self) -> dict[str, Any]:
        return {"category": self.suggestion.category_id, "is_complex": self.suggestion.is_complex}

    def setup(self) -> None:
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = active_categories(self.suggestion.jurisdiction_id)

    def workflow_kwargs(self) -> dict[str, Any]:
        return {
            "is_complex": self.cleaned_data["is_complex"],
            "category": self.cleaned_data["category"],
        }


class DeclineForm(ActionForm):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=gettext_lazy("Note to the deputy"),
        widget=textarea(3),
        required=False,
        help_text=gettext_lazy("Required when the reason is “other”."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == DeclineReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Explain the reason in the note."))
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "note": self.cleaned_data["note"]}


class NoteForm(ActionForm):
    note = forms.CharField(label=gettext_lazy("Note"), widget=textarea(3))

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class ReturnForRevisionForm(NoteForm):
    def setup(self) -> None:
        self.fields["note"].label = _("What the deputy should revise")


class RehandleForm(NoteForm):
    def setup(self) -> None:
        self.fields["note"].label = _("Why it is handled again")


class CloseForm(NoteForm):
    def setup(self) -> None:
        self.fields["note"].label = _("Closing note")


ID_RE = re.compile(r"^(?:#|id\s*[:：]?\s*)(\d+)$", re.IGNORECASE)


class MergeForm(ActionForm):
    into = forms.CharField(
        label=gettext_lazy("Merge into suggestion"),
        max_length=30,
        help_text=gettext_lazy(
            "Its number in this session (such as 第0012号 or 12; 闭第0003号 "
            "for between sessions), or #id."
        ),
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=textarea(2), required=False)

    def clean_into(self) -> Suggestion:
        text = self.cleaned_data["into"].strip()
        visible = Suggestion.objects.visible_to(self.user).exclude(pk=self.suggestion.pk)
        found = None
        by_id = ID_RE.match(text)
        by_number = parse_number(text)
        if by_id:
            found = visible.filter(pk=int(by_id.group(1))).first()
        elif by_number:
            found = visible.filter(
                session_id=self.suggestion.session_id,
                series=by_number.series or SESSION,
                number=by_number.number,
            ).first()
            if found is None and text.isdigit():
                found = visible.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(
                _("No suggestion “%(text)s” was found in this session.") % {"text": text}
            )
        return found

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"into": self.cleaned_data["into"], "note": self.cleaned_data["note"]}


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UnitsChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FieldGroup:
    """Some of a form's fields, for templates that lay a form out in parts."""

    def __init__(self, form: forms.Form, names: list[str]) -> None:
        self.form, self.names = form, names

    def hidden_fields(self) -> list[Any]:
        return []

    def visible_fields(self) -> list[Any]:
        return [self.form[name] for name in self.names if name in self.form.fields]


class AssignForm(ActionForm):
    LEAD_JOINT, SEPARATE = "lead", "separate"
    mode = forms.ChoiceField(
        label=gettext_lazy("How it is handled"),
        widget=forms.RadioSelect,
        initial=LEAD_JOINT,
        choices=[
            (LEAD_JOINT, gettext_lazy("One lead unit, with joint units (主办 + 会办)")),
            (SEPARATE, gettext_lazy("Several units, each answering its part (分办)")),
        ],
    )
    lead_unit = UnitChoice(
        label=gettext_lazy("Lead unit (主办)"), queryset=Organisation.objects.none(), required=False
    )
    joint_units = UnitsChoice(
        label=gettext_lazy("Joint units (会办)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    separate_units = UnitsChoice(
        label=gettext_lazy("Units handling separately (分办)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=textarea(2), required=False)

    def initial_values(self) -> dict[str, Any]:
        from minsheng.insight import proposals

        plan = proposals.propose(self.suggestion)
        self.proposed = bool(plan)
        lead = [p.unit.pk for p in plan if p.mode == M.LEAD]
        return {
            "lead_unit": lead[0] if lead else None,
            "joint_units": [p.unit.pk for p in plan if p.mode == M.JOINT],
        }

    @property
    def mode_part(self) -> FieldGroup:
        return FieldGroup(self, ["assignment", "mode"])

    @property
    def lead_part(self) -> FieldGroup:
        return FieldGroup(self, ["lead_unit", "joint_units"])

    @property
    def separate_part(self) -> FieldGroup:
        return FieldGroup(self, ["separate_units"])

    @property
    def note_part(self) -> FieldGroup:
        return FieldGroup(self, ["note"])

    def setup(self) -> None:
        units = handling_units(self.suggestion)
        for name in ("lead_unit", "joint_units", "separate_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == self.SEPARATE:
            if not data.get("separate_units"):
                self.add_error("separate_units", _("Choose the units that handle it."))
        elif data.get("mode") == self.LEAD_JOINT:
            lead = data.get("lead_unit")
            if lead is None:
                self.add_error("lead_unit", _("Choose the lead unit."))
            elif lead in (data.get("joint_units") or []):
                self.add_error("joint_units", _("The lead unit cannot also be a joint unit."))
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["mode"] == self.SEPARATE:
            plan = [workflow.UnitPlan(u, M.SEPARATE) for u in data["separate_units"]]
        else:
            plan = [workflow.UnitPlan(data["lead_unit"], M.LEAD)]
            plan += [workflow.UnitPlan(u, M.JOINT) for u in data["joint_units"]]
        return {"plan": plan, "note": data["note"]}


class SignForm(ActionForm):
    pass


class RequestAdjustmentForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Why your unit should not handle it"), widget=textarea(3)
    )
    proposed_unit = UnitChoice(
        label=gettext_lazy("Unit you propose instead"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def setup(self) -> None:
        field = self.fields["proposed_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        mine = [a.unit_id for a in self.assignments]
        field.queryset = handling_units(self.suggestion).exclude(pk__in=mine)

    def workflow_kwargs(self) -> dict[str, Any]:
        return {
            **self.assignment_kwargs(),
            "reason": self.cleaned_data["reason"],
            "proposed_unit": self.cleaned_data["proposed_unit"],
        }


class DecideAdjustmentForm(ActionForm):
    KEEP, MOVE = "keep", "move"
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (KEEP, gettext_lazy("Keep it with the unit")),
            (MOVE, gettext_lazy("Move it to another unit")),
        ],
    )
    move_to = UnitChoice(
        label=gettext_lazy("Move to"), queryset=Organisation.objects.none(), required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=textarea(2), required=False)

    def initial_values(self) -> dict[str, Any]:
        first = self.options[0] if self.options else None
        return {"move_to": first.proposed_unit_id} if first is not None else {}

    def setup(self) -> None:
        field = self.fields["move_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handling_units(self.suggestion)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.MOVE and not data.get("move_to"):
            self.add_error("move_to", _("Choose the unit to move it to."))
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.subject_kwargs(),
            "note": data["note"],
            "move_to": data["move_to"] if data["decision"] == self.MOVE else None,
        }


class LogContactForm(ActionForm):
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=ContactLog.Method.choices)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=ContactLog.Stage.choices)
    contacted_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    people = forms.CharField(label=gettext_lazy("People present"), max_length=200)
    summary = forms.CharField(label=gettext_lazy("What was discussed"), widget=textarea(3))

    def initial_values(self) -> dict[str, Any]:
        return {"contacted_on": timezone.localdate()}

    def clean_contacted_on(self) -> Any:
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The contact date cannot be in the future."))
        return day

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.assignment_kwargs(),
            "method": data["method"],
            "stage": data["stage"],
            "contacted_on": data["contacted_on"],
            "people": data["people"],
            "summary": data["summary"],
        }


class SubmitJointOpinionForm(ActionForm):
    text = forms.CharField(label=gettext_lazy("Joint opinion"), widget=textarea(6))

    def workflow_kwargs(self) -> dict[str, Any]:
        return {**self.assignment_kwargs(), "text": self.cleaned_data["text"]}


class ExplainOverdueForm(ActionForm):
    text = forms.CharField(
        label=gettext_lazy("Why the reply is late"),
        widget=textarea(4),
        help_text=gettext_lazy(
            "Overdue items need a written explanation; it is kept in the suggestion's history."
        ),
    )

    def workflow_kwargs(self) -> dict[str, Any]:
        return {**self.assignment_kwargs(), "text": self.cleaned_data["text"]}


class RequestExtensionForm(ActionForm):
    until = forms.DateField(label=gettext_lazy("Extend to"), widget=DateInput())
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=textarea(3))
    deputy_told = forms.BooleanField(
        label=gettext_lazy("The deputy has been told why"), required=False
    )

    def clean_deputy_told(self) -> bool:
        if not self.cleaned_data.get("deputy_told"):
            raise forms.ValidationError(_("Tell the deputy why before asking for an extension."))
        return True

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.assignment_kwargs(),
            "until": data["until"],
            "reason": data["reason"],
            "deputy_told": data["deputy_told"],
        }


class DecideExtensionForm(ActionForm):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", gettext_lazy("Approve")), ("no", gettext_lazy("Reject"))],
    )
    note = forms.CharField(label=gettext_lazy("Note"), widget=textarea(2), required=False)

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**self.subject_kwargs(), "approve": data["approve"], "note": data["note"]}


class DraftReplyForm(ActionForm):
    category = forms.ChoiceField(
        label=gettext_lazy("Result category"),
        choices=Reply.Category.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Reply text"),
        widget=textarea(10),
        help_text=gettext_lazy("Answer point by point."),
    )
    plan = forms.CharField(
        label=gettext_lazy("Plan and steps"),
        widget=textarea(4),
        required=False,
        help_text=gettext_lazy("Required for category B."),
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Required for category B."),
    )
    contact_leader = forms.CharField(label=gettext_lazy("Responsible leader"), max_length=50)
    contact_leader_phone = forms.CharField(label=gettext_lazy("Leader's phone"), max_length=30)
    case_officer = forms.CharField(label=gettext_lazy("Case officer"), max_length=50)
    case_officer_phone = forms.CharField(label=gettext_lazy("Case officer's phone"), max_length=30)
    attachments = AttachmentsField()

    def setup(self) -> None:
        draft = self.existing_draft()
        if draft is not None:
            for name in workflow.REPLY_FIELDS:
                self.initial[name] = getattr(draft, name)

    def existing_draft(self) -> Reply | None:
        mine = self.chosen_assignment()
        if mine is None:
            return None
        return Reply.objects.filter(assignment=mine, round=self.suggestion.round).first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == Reply.Category.B:
            if not data.get("plan", "").strip():
                self.add_error("plan", _("A B reply must give the plan and its steps."))
            if not data.get("target_date"):
                self.add_error("target_date", _("A B reply must give a target date."))
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **self.assignment_kwargs(),
            **{name: data.get(name) for name in workflow.REPLY_FIELDS},
        }


class SignReplyForm(ActionForm):
    pass


class RateForm(ActionForm):
    PART_CHOICES = [("", gettext_lazy("Not rated separately")), *Rating.PART_CHOICES]
    overall = forms.ChoiceField(
        label=gettext_lazy("Overall"), widget=forms.RadioSelect, choices=Rating.PART_CHOICES
    )
    process = forms.ChoiceField(
        label=gettext_lazy("The handling process"), choices=PART_CHOICES, required=False
    )
    result = forms.ChoiceField(
        label=gettext_lazy("The result"), choices=PART_CHOICES, required=False
    )
    reasons = forms.CharField(
        label=gettext_lazy("Your reasons"),
        widget=textarea(3),
        required=False,
        help_text=gettext_lazy(
            "Required when you are not satisfied: the unit must handle it again."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("overall") == Rating.Overall.UNSATISFIED
            and not data.get("reasons", "").strip()
        ):
            self.add_error(
                "reasons", _("Say why you are not satisfied: the unit must handle it again.")
            )
        return data

    def workflow_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            "overall": data["overall"],
            "process": data["process"],
            "result": data["result"],
            "reasons": data["reasons"],
            **self.subject_kwargs(),
        }
        return kwargs


class EndOfTermForm(ActionForm):
    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"),
        widget=forms.RadioSelect,
        choices=[
            (workflow.TermEndRule.CARRY_OVER, gettext_lazy("Carry over into the next term")),
            (workflow.TermEndRule.CLOSE, gettext_lazy("Close")),
        ],
    )
    note = forms.CharField(label=gettext_lazy("Under which rule"), widget=textarea(2))

    def workflow_kwargs(self) -> dict[str, Any]:
        return {"rule": self.cleaned_data["rule"], "note": self.cleaned_data["note"]}


def _form_class(name: str) -> type[ActionForm]:
    found: type[ActionForm] = globals()["".join(p.title() for p in name.split("_")) + "Form"]
    return found


# Each declared action's page form is `<Name>Form` above (a missing one fails at import).
ACTION_FORMS: dict[str, type[ActionForm]] = {name: _form_class(name) for name in REGISTRY.actions}


# --- the deputy's own form ------------------------------------------------------------------


class CosignerChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        # The Chinese catalogue gives the full-width brackets: 林建国（青川市代表团）.
        return _("%(name)s (%(delegation)s)") % {
            "name": obj.user.display_name,
            "delegation": obj.delegation.name,
        }


class SuggestionForm(forms.Form):
    """Write or edit a draft. Co-signers are the other serving deputies of the same term."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("One matter per suggestion."),
    )
    body = forms.CharField(label=gettext_lazy("Content"), widget=textarea(12))
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(), required=False
    )
    cosigners = CosignerChoice(
        label=gettext_lazy("Co-signers"),
        queryset=Deputy.objects.none(),
        required=False,
        help_text=gettext_lazy("Each co-signer confirms before the suggestion can be submitted."),
    )
    is_confidential = forms.BooleanField(
        label=gettext_lazy("Confidential (涉密): never published"), required=False
    )
    attachments = AttachmentsField()
    # One submission per form: a one-time token issued with the new-suggestion form
    # (minsheng/suggestions/idempotency.py).
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, deputy: Deputy, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deputy = deputy
        if editing:
            del self.fields["form_token"]
        elif not self.is_bound:
            self.initial.setdefault("form_token", idempotency.new_form_token())
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = active_categories(deputy.jurisdiction_id)
        cosigners = self.fields["cosigners"]
        assert isinstance(cosigners, forms.ModelMultipleChoiceField)
        cosigners.queryset = (
            Deputy.objects.filter(
                jurisdiction_id=deputy.jurisdiction_id, term_id=deputy.term_id, is_active=True
            )
            .exclude(pk=deputy.pk)
            .select_related("user", "delegation")
            .order_by("delegation__sort_order", "delegation__name", "user__real_name")
        )
        if editing:
            # The workflow's edit keeps the confidentiality chosen when the draft was made.
            del self.fields["is_confidential"]

    def clean_form_token(self) -> str:
        token = self.cleaned_data.get("form_token") or ""
        # A token we did not issue (tampered) is no token: the post is simply not deduplicated.
        return token if idempotency.FORM_TOKEN_RE.match(token) else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)  # control characters removed at the door (minsheng.lib.text)
        return self.cleaned_data
