"""Forms of the office's and the units' pages: the assignment meeting, the inbox, the import."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.people.models import Session
from minsheng.suggestions.filters import session_label
from minsheng.suggestions.models import Assignment
from minsheng.suggestions.workflow import UnitPlan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

LEAD_AND_JOINT = "lead"
SEPARATE = "separate"


class AssignMeetingForm(forms.Form):
    on = forms.DateField(label=_("Assignment date"), widget=DATE_WIDGET)

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The assignment date cannot be in the future."))
        return on


class AssignRowForm(forms.Form):
    """One suggestion at the meeting: the routing table's proposal, confirmed or changed."""

    include = forms.BooleanField(label=_("Assign now"), required=False)
    mode = forms.ChoiceField(
        label=_("Handling mode"),
        choices=[
            (LEAD_AND_JOINT, _("Lead unit with joint units (主办/会办)")),
            (SEPARATE, _("Separate units, each answers (分办)")),
        ],
        widget=forms.RadioSelect,
    )
    lead = forms.TypedChoiceField(
        label=_("Lead unit"), required=False, coerce=int, empty_value=None
    )
    others = forms.TypedMultipleChoiceField(
        label=_("Other units"),
        required=False,
        coerce=int,
        help_text=_(
            "Joint units with a lead unit; with separate handling every unit chosen "
            "here and above answers separately."
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, units: dict[int, Any], choices: list[tuple[Any, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        fields: Any = self.fields
        fields["lead"].choices = [("", _("— choose —")), *choices]
        # The chosen units come first, so a long list never hides what is ticked.
        chosen = {str(v) for v in self._chosen_others()}
        fields["others"].choices = sorted(choices, key=lambda c: str(c[0]) not in chosen)

    def _chosen_others(self) -> list[Any]:
        if self.is_bound:
            data: Any = self.data
            return list(data.getlist(self.add_prefix("others")))
        return list(self.initial.get("others") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("include"):
            return data
        lead, others = data.get("lead"), list(data.get("others") or [])
        if data.get("mode") == SEPARATE:
            chosen = ([lead] if lead else []) + [u for u in others if u != lead]
            if len(chosen) < 2:
                self.add_error(
                    "others",
                    _("Separate handling needs at least two units; otherwise choose a lead unit."),
                )
        else:
            if not lead:
                self.add_error("lead", _("Choose the lead unit."))
            elif lead in others:
                self.add_error("others", _("The lead unit cannot also be a joint unit."))
        return data

    def plan(self) -> list[UnitPlan]:
        data = self.cleaned_data
        lead, others = data.get("lead"), [u for u in data.get("others") or [] if u]
        if data.get("mode") == SEPARATE:
            ids = list(dict.fromkeys(([lead] if lead else []) + others))
            return [UnitPlan(self.units[i], Assignment.Mode.SEPARATE) for i in ids]
        plan = [UnitPlan(self.units[lead], Assignment.Mode.LEAD)] if lead else []
        plan += [UnitPlan(self.units[i], Assignment.Mode.JOINT) for i in others if i != lead]
        return plan


class InboxFilterForm(forms.Form):
    """What only the unit inbox filters on: the assignment's own state and its clocks."""

    astate = forms.ChoiceField(
        label=_("Assignment state"),
        required=False,
        choices=[
            ("", _("All")),
            (Assignment.State.AWAITING_SIGNATURE, _("Awaiting sign-for")),
            (Assignment.State.SIGNED, _("Signed for")),
            (Assignment.State.ADJUSTMENT_REQUESTED, _("Adjustment requested")),
            (Assignment.State.REPLIED, _("Replied")),
        ],
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
    )

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return self.cleaned_data


def _staff_sessions(jurisdiction_ids: list[int]) -> Any:
    return (
        Session.objects.filter(term__jurisdiction_id__in=jurisdiction_ids)
        .select_related("term__jurisdiction")
        .order_by("-term__is_current", "-term__number", "-number")
    )


class _SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = session_label(obj)
        jurisdiction = obj.term.jurisdiction.name
        return label if jurisdiction in label else f"{jurisdiction} · {label}"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    session = _SessionChoice(label=_("Session"), queryset=Session.objects.none())
    register = forms.BooleanField(
        label=_("Register on import"),
        required=False,
        help_text=_("Register every imported suggestion at once, numbered in the file's order."),
    )

    def __init__(self, *args: Any, jurisdiction_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = _staff_sessions(jurisdiction_ids)
        fields: Any = self.fields
        fields["session"].queryset = sessions
        if not self.is_bound:
            first = sessions.first()
            if first is not None:
                self.initial.setdefault("session", first.pk)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.FILE_UPLOAD_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.FILE_UPLOAD_MAX_MB}
            )
        return upload


class ImportConfirmForm(forms.Form):
    ALL, VALID_ONLY, CANCEL = "all", "valid", "cancel"

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    session = _SessionChoice(queryset=Session.objects.none(), widget=forms.HiddenInput)
    register = forms.BooleanField(required=False, widget=forms.HiddenInput)
    choice = forms.ChoiceField(choices=[(ALL, ALL), (VALID_ONLY, VALID_ONLY), (CANCEL, CANCEL)])

    def __init__(self, *args: Any, jurisdiction_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["session"].queryset = _staff_sessions(jurisdiction_ids)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN_RE.match(token):
            raise forms.ValidationError(_("Unknown upload."))
        return token
