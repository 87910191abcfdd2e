"""The one form the wishes app writes by hand: posting a wish (its actions' forms are built from
their declarations, `minsheng.engine.forms.ActionForm`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from minsheng.lib.forms import clean_text_fields
from minsheng.people.models import Organisation
from minsheng.wishes.models import Wish
from minsheng.wishes.workflow import public_text_problem


class CommunityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WishForm(forms.Form):
    community = CommunityChoice(
        label=gettext_lazy("Community"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(
        label=gettext_lazy("What is needed"),
        max_length=100,
        help_text=gettext_lazy(
            "Shown on the public wish wall. No names, phone numbers or addresses here."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Public too: sizes, quantity, when it is needed."),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Wish.Category.choices)
    group = forms.ChoiceField(
        label=gettext_lazy("The wisher is"),
        choices=Wish.Group.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Wishes of vulnerable groups are shown first."),
    )
    wisher_name = forms.CharField(
        label=gettext_lazy("Wisher's name (private)"),
        max_length=50,
        help_text=gettext_lazy("Seen only by congress staff, your community and the claimant."),
    )
    wisher_phone = forms.CharField(
        label=gettext_lazy("Wisher's phone (private)"), max_length=30, required=False
    )
    wisher_address = forms.CharField(
        label=gettext_lazy("Wisher's address (private)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, communities: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[c.pk for c in communities])
        if len(communities) == 1:
            self.initial.setdefault("community", communities[0].pk)

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)
        for name in ("title", "description"):
            problem = public_text_problem(self.cleaned_data.get(name) or "")
            if problem:
                self.add_error(name, problem)
        return self.cleaned_data
