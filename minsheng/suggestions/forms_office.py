"""Forms of the office's and the units' pages: the assignment meeting, the inbox, the import."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
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


UNIT_LIST_ID = "meeting-units"  # the page's one <datalist> of units, shared by every row


class UnitNames:
    """The units a meeting may choose from, by id and by the name shown in the page's list."""

    def __init__(self, units: dict[int, Any]) -> None:
        self.units = units
        self.label = {pk: u.short_name or u.name for pk, u in units.items()}
        self.by_name: dict[str, int] = {}
        for pk, u in units.items():
            for name in (u.name, u.short_name):
                if name:
                    self.by_name.setdefault(name.strip(), pk)

    def find(self, text: Any) -> int | None:
        """The unit a typed name or a submitted id names, or None."""
        text = str(text).strip()
        if text.isdigit() and int(text) in self.units:
            return int(text)
        return self.by_name.get(text)


class UnitInput(forms.TextInput):
    """A unit typed or picked from the page's one list (<datalist>): no list per row."""

    def __init__(self, names: UnitNames, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"list": UNIT_LIST_ID, "autocomplete": "off", **(attrs or {})})
        self.names = names

    def format_value(self, value: Any) -> str | None:
        found = self.names.find(value) if value not in (None, "") else None
        return self.names.label[found] if found is not None else super().format_value(value)


class UnitListInput(forms.Widget):
    """Several unit inputs under one name (the chosen ones and two empty), each using the page's
    one list; static/js/office.js adds another empty one when they are all filled."""

    SPARE = 2

    def __init__(self, names: UnitNames, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.names = names

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [v for v in data.getlist(name) if str(v).strip()]

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        attrs = self.build_attrs(self.attrs, attrs)
        base = attrs.pop("id", name)
        values = [v for v in (value or []) if v not in (None, "")]
        shown = [self.names.label.get(self.names.find(v) or -1, str(v)) for v in values]
        shown += [""] * self.SPARE
        # Django's error wiring (aria-describedby="…_error", aria-invalid) goes on every input.
        aria = flatatt({k: v for k, v in attrs.items() if k.startswith("aria-")})
        inputs = format_html_join(
            "",
            '<input type="text" name="{}" value="{}" id="{}" list="{}" autocomplete="off" '
            'aria-labelledby="{}-label"{}>',
            ((name, v, f"{base}_{i}", UNIT_LIST_ID, base, aria) for i, v in enumerate(shown)),
        )
        return format_html('<div class="unit-list" data-unit-list>{}</div>', inputs)


class UnitField(forms.Field):
    default_error_messages = {"unknown": _("Choose a unit from the list: “%(name)s” is not one.")}

    def __init__(self, *, names: UnitNames, **kwargs: Any) -> None:
        self.names = names
        super().__init__(widget=UnitInput(names), **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        found = self.names.find(value)
        if found is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"name": value}
            )
        return found


class UnitListField(forms.Field):
    default_error_messages = UnitField.default_error_messages

    def __init__(self, *, names: UnitNames, **kwargs: Any) -> None:
        self.names = names
        super().__init__(widget=UnitListInput(names), **kwargs)

    def to_python(self, value: Any) -> list[int]:
        found = []
        for text in value or []:
            pk = self.names.find(text)
            if pk is None:
                raise forms.ValidationError(
                    self.error_messages["unknown"], code="unknown", params={"name": text}
                )
            found.append(pk)
        return list(dict.fromkeys(found))


class AssignRowForm(forms.Form):
    """One suggestion at the meeting: the routing table's proposal, confirmed or changed.

    Units are typed or picked from the page's one list of units, so a row weighs a few inputs
    however many units the congress has (the page once sent every unit in every row)."""

    include = forms.BooleanField(label=_("Assign now"), required=False)
    mode = forms.ChoiceField(
        label=_("Handling mode"),
        choices=[
            (LEAD_AND_JOINT, _("Lead unit with joint units (主办/会办)")),
            (SEPARATE, _("Separate units, each answers (分办)")),
        ],
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, names: UnitNames, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = names.units
        self.fields["lead"] = UnitField(names=names, label=_("Lead unit"), required=False)
        self.fields["others"] = UnitListField(
            names=names,
            label=_("Other units"),
            required=False,
            help_text=_(
                "Joint units with a lead unit; with separate handling every unit chosen "
                "here and above answers separately."
            ),
        )
        self.order_fields(["include", "mode", "lead", "others", "version"])

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
