"""The campaign's hand-written forms: a new campaign, a step (added or changed before it
starts), and the deputy's opinion form (its overall ratings are the declared inputs of the
`submit` action; the per-suggestion ratings are one group of fields per suggestion). The
step actions' forms are built from their declarations (`engine.forms.ActionForm`)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from minsheng.engine.inputs import DateInput
from minsheng.evaluation.campaigns import ItemAnswer, suggestion_label
from minsheng.evaluation.models import Scheme
from minsheng.evaluation.models_campaign import Opinion, OpinionForm, OpinionItem
from minsheng.people.models import Organisation, User


class _Named(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, User):
            return str(obj.display_name)
        return str(obj)


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=150)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    scheme = _Named(
        label=gettext_lazy("Evaluation scheme"), queryset=Scheme.objects.none(), required=False
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts"), widget=DateInput())
    period_start = forms.DateField(
        label=gettext_lazy("Replies from"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Default: 1 January of the year."),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Replies until"),
        widget=DateInput(),
        required=False,
        help_text=gettext_lazy("Default: 31 December of the year."),
    )

    def __init__(self, *args: Any, jurisdiction_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(jurisdiction_id=jurisdiction_id)  # type: ignore[attr-defined]


def owner_people(jurisdiction_id: int) -> Any:
    """Who may be named a step's owner: the congress's people other than deputies only."""
    return (
        User.objects.filter(
            is_active=True,
            roles__jurisdiction_id=jurisdiction_id,
            roles__is_active=True,
            roles__kind__in=["staff", "admin", "clerk", "head", "supervisor", "committee"],
        )
        .distinct()
        .order_by("real_name", "username")
    )


class StepForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_organisation = _Named(
        label=gettext_lazy("Owner (organisation)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    owner_person = _Named(
        label=gettext_lazy("Owner (person)"), queryset=User.objects.none(), required=False
    )
    planned_start = forms.DateField(label=gettext_lazy("Planned start"), widget=DateInput())
    planned_end = forms.DateField(label=gettext_lazy("Planned end"), widget=DateInput())

    def __init__(self, *args: Any, jurisdiction_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            jurisdiction_id=jurisdiction_id, is_active=True
        ).exclude(kind=Organisation.Kind.DELEGATION)
        self.fields["owner_person"].queryset = owner_people(jurisdiction_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("planned_start")
        end: datetime.date | None = data.get("planned_end")
        if start and end and end < start:
            self.add_error(
                "planned_end", gettext_lazy("The planned end cannot be before the planned start.")
            )
        return data


RATINGS = [("", gettext_lazy("Not rated")), *Opinion.choices]


class OpinionAnswerForm(forms.Form):
    """The overall ratings (required) and, per suggestion, optional ratings and a comment."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    handling = forms.ChoiceField(
        label=gettext_lazy("The handling of your suggestions"),
        choices=Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Rate the handling.")},
    )
    communication = forms.ChoiceField(
        label=gettext_lazy("The units' communication with you"),
        choices=Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Rate the communication.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self, *args: Any, form: OpinionForm, items: list[OpinionItem], **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "expected_version": form.version,
                "handling": form.handling,
                "communication": form.communication,
                "comment": form.comment,
            },
        )
        super().__init__(*args, **kwargs)
        self.items = items
        self.groups: list[tuple[str, list[str]]] = []
        for item in items:
            prefix = f"s{item.suggestion_id}_"
            label = suggestion_label(item.suggestion)
            self.fields[prefix + "handling"] = forms.ChoiceField(
                label=gettext_lazy("Handling"),
                choices=RATINGS,
                required=False,
                initial=item.handling,
            )
            self.fields[prefix + "communication"] = forms.ChoiceField(
                label=gettext_lazy("Communication"),
                choices=RATINGS,
                required=False,
                initial=item.communication,
            )
            self.fields[prefix + "comment"] = forms.CharField(
                label=gettext_lazy("Comment"),
                required=False,
                max_length=2000,
                initial=item.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.groups.append(
                (label, [prefix + "handling", prefix + "communication", prefix + "comment"])
            )

    def overall_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("handling", "communication", "comment")]

    def item_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.groups]

    def answers(self) -> list[ItemAnswer]:
        data = self.cleaned_data
        return [
            ItemAnswer(
                suggestion_id=item.suggestion_id,
                handling=data.get(f"s{item.suggestion_id}_handling", ""),
                communication=data.get(f"s{item.suggestion_id}_communication", ""),
                comment=data.get(f"s{item.suggestion_id}_comment", ""),
            )
            for item in self.items
        ]
