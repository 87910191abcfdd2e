"""The one filter for lists of suggestions: the workbench, its Excel export and the unit inbox.

Every list starts from `Suggestion.objects.visible_to(user)`, so a filter can only narrow what a
person may see; the choices offered are likewise limited to the person's jurisdictions.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.people import permissions as people
from minsheng.people.models import Organisation, Session
from minsheng.suggestions.models import Assignment, Category, CoSigner, Suggestion

S = Suggestion.State
IN_HANDLING = (S.ASSIGNED, S.HANDLING, S.REHANDLING)
OPEN = "open"

# "0123", "第0123号", "闭第12号", "#12": a number search also matches the title and the body.
NUMBER_RE = re.compile(r"^\s*(?P<between>闭)?\s*第?\s*#?0*(?P<n>\d{1,6})\s*号?\s*$")

SORTS = {
    "number": (F("series").asc(), F("number").asc(nulls_last=True), F("created_at").desc()),
    "-number": (F("series").desc(), F("number").desc(nulls_last=True), F("created_at").desc()),
    "reply_due": (F("reply_due").asc(nulls_last=True), F("number").asc(nulls_last=True)),
    "-reply_due": (F("reply_due").desc(nulls_last=True), F("number").asc(nulls_last=True)),
    "created": (F("created_at").asc(),),
    "-created": (F("created_at").desc(),),
    "state": (F("state").asc(), F("number").asc(nulls_last=True)),
    "-state": (F("state").desc(), F("number").asc(nulls_last=True)),
}
SORT_CHOICES = [
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
    ("reply_due", _("Reply due, earliest first")),
    ("-reply_due", _("Reply due, latest first")),
    ("state", _("State")),
]
YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
WARNING_CHOICES = [
    ("", _("Any")),
    ("green", _("Green: on time")),
    ("yellow", _("Yellow: due soon")),
    ("red", _("Red: overdue")),
]
DATE_FIELDS = {
    "submitted": "submitted_at__date",
    "registered": "registered_at__date",
    "assigned": "assigned_on",
    "answered": "answered_at__date",
    "closed": "closed_at__date",
    "reply_due": "reply_due",
}
DATE_FIELD_CHOICES = [
    ("submitted", _("Submitted")),
    ("registered", _("Registered")),
    ("assigned", _("Assigned")),
    ("answered", _("Answered")),
    ("closed", _("Closed")),
    ("reply_due", _("Reply due")),
]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def session_label(session: Session) -> str:
    """A session's name with its term, unless the name already says the term."""
    term = session.term.name
    return session.name if term in session.name else f"{term}{session.name}"


class SuggestionFilterForm(forms.Form):
    """Bound to request.GET. Unknown or bad values are dropped, never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Title, content or number such as 第0123号"),
            }
        ),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("All sessions"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    deputy = forms.CharField(label=_("Deputy"), required=False, max_length=50)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    warning = forms.ChoiceField(label=_("Warning"), required=False, choices=WARNING_CHOICES)
    key = forms.ChoiceField(label=_("Key suggestion"), required=False, choices=YES_NO)
    confidential = forms.ChoiceField(label=_("Confidential"), required=False, choices=YES_NO)
    date_field = forms.ChoiceField(
        label=_("Date"), required=False, choices=DATE_FIELD_CHOICES, initial="submitted"
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    # Fields that narrow the list (sort does not): used to open the filter bar and say so.
    FILTER_FIELDS = (
        "q",
        "state",
        "session",
        "category",
        "unit",
        "deputy",
        "overdue",
        "warning",
        "key",
        "confidential",
        "date_from",
        "date_to",
    )

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        jurisdictions = people.jurisdiction_ids(user)
        superuser = getattr(user, "is_superuser", False)
        sessions = Session.objects.select_related("term").order_by("-term__number", "-number")
        categories = Category.objects.filter(is_active=True).select_related("parent")
        units = Organisation.objects.handling_units()
        if not superuser:
            sessions = sessions.filter(term__jurisdiction_id__in=jurisdictions)
            categories = categories.filter(jurisdiction_id__in=jurisdictions)
            units = units.filter(jurisdiction_id__in=jurisdictions)
        fields: Any = self.fields
        fields["session"].queryset = sessions
        fields["session"].label_from_instance = session_label
        fields["category"].queryset = categories.order_by(
            "parent__sort_order", "sort_order", "name"
        )
        fields["unit"].queryset = units.order_by("sort_order", "name")
        fields["state"].choices = [
            ("", _("All states")),
            (OPEN, _("Open (registered or being handled)")),
            *S.choices,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    @property
    def active(self) -> bool:
        """Whether any narrowing filter is set (the bar opens itself and says so)."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.FILTER_FIELDS)

    def values(self) -> dict[str, Any]:
        """The valid values; a field with a bad value is ignored rather than failing the page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


def base_queryset(user: Any) -> QuerySet[Suggestion]:
    """What a list row needs, fetched in a fixed number of queries per page."""
    active = Assignment.objects.exclude(state=Assignment.State.CANCELLED).select_related("unit")
    return (
        Suggestion.objects.visible_to(user)
        .select_related(
            "lead_deputy__user",
            "lead_deputy__delegation",
            "category__parent",
            "session",
        )
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
    )


def number_query(text: str) -> Q | None:
    match = NUMBER_RE.match(text)
    if not match:
        return None
    number = Q(number=int(match["n"]))
    if match["between"]:
        return number & Q(series="B")
    return number


def apply(
    qs: QuerySet[Suggestion], values: dict[str, Any], today: datetime.date | None = None
) -> QuerySet[Suggestion]:
    """Narrow `qs` (already limited to what the person may see) by the cleaned filter values."""
    today = today or timezone.localdate()
    text = (values.get("q") or "").strip()
    if text:
        found = Q(title__icontains=text) | Q(body__icontains=text)
        by_number = number_query(text)
        if by_number is not None:
            found |= by_number
        qs = qs.filter(found)
    state = values.get("state")
    if state == OPEN:
        qs = qs.filter(state__in=Suggestion.OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if values.get("session"):
        qs = qs.filter(session=values["session"])
    if values.get("category"):
        category = values["category"]
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if values.get("unit"):
        # A subquery, not a join: a join would repeat rows and fight the distinct() of visible_to.
        units = Assignment.objects.filter(unit=values["unit"]).exclude(
            state=Assignment.State.CANCELLED
        )
        qs = qs.filter(pk__in=units.values("suggestion_id"))
    name = (values.get("deputy") or "").strip()
    if name:
        cosigned = CoSigner.objects.filter(deputy__user__real_name__icontains=name)
        qs = qs.filter(
            Q(lead_deputy__user__real_name__icontains=name)
            | Q(pk__in=cosigned.values("suggestion_id"))
        )
    if values.get("overdue"):
        qs = qs.filter(state__in=IN_HANDLING, reply_due__lt=today)
    qs = _warning(qs, values.get("warning"), today)
    qs = _yes_no(qs, "is_key", values.get("key"))
    qs = _yes_no(qs, "is_confidential", values.get("confidential"))
    lookup = DATE_FIELDS.get(values.get("date_field") or "submitted", DATE_FIELDS["submitted"])
    if values.get("date_from"):
        qs = qs.filter(**{f"{lookup}__gte": values["date_from"]})
    if values.get("date_to"):
        qs = qs.filter(**{f"{lookup}__lte": values["date_to"]})
    return qs.order_by(*SORTS.get(values.get("sort") or "-created", SORTS["-created"]))


def _warning(qs: QuerySet[Suggestion], colour: str | None, today: datetime.date) -> QuerySet:
    """The same colours as Suggestion.warning(), from the stored dates (one indexed query)."""
    if not colour:
        return qs
    running = Q(state__in=IN_HANDLING, reply_due__isnull=False)
    if colour == "red":
        return qs.filter(running, reply_due__lt=today)
    if colour == "yellow":
        return qs.filter(running, reply_due__gte=today, warn_from__lte=today)
    if colour == "green":
        return qs.filter(running, reply_due__gte=today).filter(
            Q(warn_from__isnull=True) | Q(warn_from__gt=today)
        )
    return qs


def _yes_no(qs: QuerySet[Suggestion], field: str, value: str | None) -> QuerySet[Suggestion]:
    if value == "yes":
        return qs.filter(**{field: True})
    if value == "no":
        return qs.filter(**{field: False})
    return qs


def filtered(user: Any, data: Any) -> tuple[SuggestionFilterForm, QuerySet[Suggestion]]:
    """The bound form and the visible, filtered, sorted suggestions for a request's GET data."""
    form = SuggestionFilterForm(data or None, user=user)
    return form, apply(base_queryset(user), form.values())
