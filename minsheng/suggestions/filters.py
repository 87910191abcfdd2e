"""The one filter for lists of suggestions: the workbench, its Excel export, the unit inbox, the
home panels and the API list.

A list's criteria are one `Criteria` value, whichever way they arrive (the workbench's form, the
API's query parameters); `apply()` turns them into a query in the vocabulary of
`SuggestionQuerySet`. Every list starts from `Suggestion.objects.visible_to(user)`, so a filter can
only narrow what a person may see; the choices offered are likewise limited to the person's
jurisdictions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.people import permissions as people
from minsheng.people.models import Organisation, Session
from minsheng.suggestions.models import (
    Assignment,
    Category,
    CoSigner,
    Suggestion,
    WarningColour,
    overdue_q,
    warning_q,
)
from minsheng.suggestions.numbers import parse_number

if TYPE_CHECKING:
    from minsheng.people.permissions import Person

S = Suggestion.State
OPEN = "open"

# Every order ends on the primary key, so a page boundary never repeats or skips a row; each has
# an index (Suggestion.Meta.indexes) so a page reads its rows, not the table.
SORTS = {
    "number": (F("series").asc(), F("number").asc(nulls_last=True), F("pk").asc()),
    "-number": (F("series").desc(), F("number").desc(nulls_last=True), F("pk").desc()),
    "reply_due": (F("reply_due").asc(nulls_last=True), F("pk").asc()),
    "-reply_due": (F("reply_due").desc(nulls_last=True), F("pk").desc()),
    "created": (F("created_at").asc(), F("pk").asc()),
    "-created": (F("created_at").desc(), F("pk").desc()),
    "state": (F("state").asc(), F("pk").asc()),
    "-state": (F("state").desc(), F("pk").desc()),
}
RELEVANCE = "relevance"  # with a search: title hits first (minsheng/search), then newest
SORT_CHOICES = [
    (RELEVANCE, _("Relevance (when searching)")),
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
    (WarningColour.GREEN.value, _("Green: on time")),
    (WarningColour.YELLOW.value, _("Yellow: due soon")),
    (WarningColour.RED.value, _("Red: overdue")),
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

    def __init__(self, data: Any = None, *, user: Person, **kwargs: Any) -> None:
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

    def criteria(self) -> Criteria:
        v = self.values()
        state = v.get("state") or ""
        q = (v.get("q") or "").strip()
        return Criteria(
            q=q,
            open=state == OPEN,
            states=(state,) if state and state != OPEN else (),
            session=_pk(v.get("session")),
            category=_pk(v.get("category")),
            unit=_pk(v.get("unit")),
            deputy_name=(v.get("deputy") or "").strip(),
            overdue=True if v.get("overdue") else None,
            warning=v.get("warning") or "",
            key=YES_NO_VALUE.get(v.get("key") or ""),
            confidential=YES_NO_VALUE.get(v.get("confidential") or ""),
            date_field=v.get("date_field") or "submitted",
            date_from=v.get("date_from"),
            date_to=v.get("date_to"),
            sort=v.get("sort") or (RELEVANCE if q else "-created"),
        )


YES_NO_VALUE = {"yes": True, "no": False}


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


@dataclass(frozen=True)
class Criteria:
    """What a list of suggestions is narrowed to and sorted by; every field optional."""

    q: str = ""  # title, content, lead deputy's name or a number of either series
    states: tuple[str, ...] = ()
    open: bool = False  # registered or in handling
    session: int | None = None
    category: int | None = None  # includes its sub-categories
    unit: int | None = None  # with an active assignment of this unit
    deputy: int | None = None  # deputy id, as lead or co-signer
    deputy_name: str = ""  # part of a lead's or co-signer's name
    overdue: bool | None = None
    warning: str = ""
    key: bool | None = None
    confidential: bool | None = None
    date_field: str = "submitted"
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "-created"


def base_queryset(user: Person) -> QuerySet[Suggestion]:
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


def text_q(text: str) -> Q:
    """A search box: the title, the content, the lead deputy's name, or a number (闭第3号 too).
    A number is looked for in the text and among the numbers, not in people's names. The title
    and content through the search index (minsheng/search: words, not substrings of bytes; a
    query of punctuation only matches no text); the caller's queryset keeps it to what the
    person may see."""
    from minsheng.search import index, tokens

    if index.available():
        ids = index.staff_ids(tokens.parse(text))
        found = Q(pk__in=ids) if ids is not None else Q(pk__in=[])
    else:
        found = Q(title__icontains=text) | Q(body__icontains=text)
    number = parse_number(text)
    if number is None:
        # The deputies as an id list (a small table): with the index's ids, both sides of the
        # OR are look-ups, so the list does not scan every suggestion for a name.
        from minsheng.people.models import Deputy

        named = Deputy.objects.filter(user__real_name__icontains=text).values("pk")
        return found | Q(lead_deputy_id__in=named)
    return found | number.q()


def apply(
    qs: QuerySet[Suggestion], c: Criteria, today: datetime.date | None = None
) -> QuerySet[Suggestion]:
    """Narrow `qs` (already limited to what the person may see) by `c`, and sort it."""
    today = today or timezone.localdate()
    here = OuterRef("pk")
    if c.q:
        qs = qs.filter(text_q(c.q))
    if c.open:
        qs = qs.filter(state__in=Suggestion.OPEN_STATES)
    if c.states:
        qs = qs.filter(state__in=c.states)
    if c.session is not None:
        qs = qs.filter(session_id=c.session)
    if c.category is not None:
        qs = qs.filter(Q(category_id=c.category) | Q(category__parent_id=c.category))
    if c.unit is not None:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(suggestion=here, unit_id=c.unit).exclude(
                    state=Assignment.State.CANCELLED
                )
            )
        )
    if c.deputy is not None:
        cosigned = CoSigner.objects.filter(suggestion=here, deputy_id=c.deputy)
        qs = qs.filter(Q(lead_deputy_id=c.deputy) | Exists(cosigned))
    if c.deputy_name:
        named = CoSigner.objects.filter(
            suggestion=here, deputy__user__real_name__icontains=c.deputy_name
        )
        qs = qs.filter(Q(lead_deputy__user__real_name__icontains=c.deputy_name) | Exists(named))
    if c.overdue is not None:
        qs = qs.filter(overdue_q(today)) if c.overdue else qs.exclude(overdue_q(today))
    if c.warning in WarningColour.values:
        qs = qs.filter(warning_q(c.warning, today))
    if c.key is not None:
        qs = qs.filter(is_key=c.key)
    if c.confidential is not None:
        qs = qs.filter(is_confidential=c.confidential)
    lookup = DATE_FIELDS.get(c.date_field, DATE_FIELDS["submitted"])
    if c.date_from:
        qs = qs.filter(**{f"{lookup}__gte": c.date_from})
    if c.date_to:
        qs = qs.filter(**{f"{lookup}__lte": c.date_to})
    if c.sort == RELEVANCE and c.q:
        from minsheng.search import index, tokens

        rank = index.staff_rank(tokens.parse(c.q))
        if rank is not None:
            return qs.annotate(search_rank=rank).order_by(
                "search_rank", F("created_at").desc(), F("pk").desc()
            )
    return qs.order_by(*SORTS.get(c.sort, SORTS["-created"]))


def filtered(user: Person, data: Any) -> tuple[SuggestionFilterForm, QuerySet[Suggestion]]:
    """The bound form and the visible, filtered, sorted suggestions for a request's GET data."""
    form = SuggestionFilterForm(data or None, user=user)
    return form, apply(base_queryset(user), form.criteria())
