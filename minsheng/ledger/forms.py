"""The one ledger form written by hand: entering a new item (its later changes go through the
declared `request_change` action, whose inputs label the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from minsheng.engine.inputs import DateInput
from minsheng.ledger import progress
from minsheng.ledger.actions import LABELS
from minsheng.ledger.models import LedgerItem
from minsheng.lib.forms import clean_text_fields
from minsheng.people.models import Organisation, Role, User


class _Units(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _Unit(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _Person(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=LedgerItem.Kind.choices)
    title = forms.CharField(label=LABELS["title"], max_length=200)
    description = forms.CharField(
        label=LABELS["description"], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(
        label=gettext_lazy("Source"), choices=LedgerItem.Source.choices, initial="plan"
    )
    source_note = forms.CharField(
        label=gettext_lazy("About the source"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Such as the plan's name or the community that asked."),
    )
    starts_on = forms.DateField(label=LABELS["starts_on"], widget=DateInput())
    ends_on = forms.DateField(label=LABELS["ends_on"], required=False, widget=DateInput())
    pace = forms.ChoiceField(
        label=LABELS["pace"], choices=LedgerItem.Pace.choices, initial=LedgerItem.Pace.YEAR
    )
    responsible_unit = _Unit(
        label=LABELS["responsible_unit"], queryset=Organisation.objects.none(), required=False
    )
    responsible_person = forms.CharField(
        label=LABELS["responsible_person"], required=False, max_length=60
    )
    lead_leader = forms.CharField(label=LABELS["lead_leader"], required=False, max_length=60)
    leader_in_charge = forms.CharField(
        label=LABELS["leader_in_charge"], required=False, max_length=60
    )
    co_units = _Units(
        label=LABELS["co_units"],
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = _Person(
        label=gettext_lazy("Owner at the congress"),
        queryset=User.objects.none(),
        required=False,
        help_text=gettext_lazy("Approves the item's changes; you, when left empty."),
    )
    budget = forms.DecimalField(
        label=LABELS["budget"], required=False, min_value=0, decimal_places=2, max_digits=14
    )
    location = forms.CharField(label=LABELS["location"], required=False, max_length=200)
    weight = forms.IntegerField(
        label=gettext_lazy("Weight in the parent item"),
        min_value=0,
        max_value=1000,
        initial=1,
        help_text=gettext_lazy("How much this sub-item counts in its parent's progress."),
    )
    milestones = forms.CharField(
        label=LABELS["milestones"],
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One per line: date | title | weight, such as “2027-03-31 | 完成选址 | 20”; "
            "the weights add up to 100."
        ),
    )

    def __init__(
        self, *args: Any, jurisdiction_id: int, parent: LedgerItem | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.parent = parent
        today = timezone.localdate()
        self.initial.setdefault("year", parent.year if parent else today.year)
        self.initial.setdefault("starts_on", today)
        units = Organisation.objects.handling_units().filter(jurisdiction_id=jurisdiction_id)
        for name in ("responsible_unit", "co_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(
            is_active=True,
            pk__in=Role.objects.filter(
                jurisdiction_id=jurisdiction_id, kind=Role.Kind.STAFF, is_active=True
            ).values("user_id"),
        ).order_by("real_name", "pk")
        if parent is None:
            del self.fields["weight"]
        else:
            self.initial.setdefault("kind", parent.kind)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_text_fields(self)
        try:
            steps = progress.parse_milestones(data.get("milestones") or "")
        except progress.PlanError as error:
            self.add_error("milestones", error.message)
            return data
        for problem in progress.check_plan(
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), steps=steps
        ):
            if problem.field not in self.errors:
                self.add_error(problem.field, problem.message)
        return data
