"""The one form supervision writes by hand: proposing a key item (its actions' forms are built
from their declarations, `minsheng.engine.forms.ActionForm`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.lib.forms import clean_text_fields
from minsheng.people.models import Organisation, User
from minsheng.suggestions.models import Suggestion
from minsheng.suggestions.numbers import SESSION, parse_number
from minsheng.supervision.models import KeyItem

SPLIT_RE = re.compile(r"[\s,，、;；]+")


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class KeyItemForm(forms.Form):
    """Staff propose a key suggestion or topic; a unit marks an internal key item."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=KeyItem.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    numbers = forms.CharField(
        label=gettext_lazy("Suggestions"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "Their numbers in the current session, separated by spaces or 、 (such as "
            "第0012号、15、闭第0003号), or #id."
        ),
    )
    lead_unit = UnitChoice(
        label=gettext_lazy("Lead unit"), queryset=Organisation.objects.none(), required=False
    )
    owner_unit = UnitChoice(
        label=gettext_lazy("Your unit"), queryset=Organisation.objects.none(), required=False
    )
    is_complex = forms.BooleanField(label=gettext_lazy("Complex"), required=False)

    def __init__(
        self, *args: Any, user: User, jurisdiction_id: int, staff: bool, units: Any, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.user, self.jurisdiction_id, self.staff = user, jurisdiction_id, staff
        self.initial.setdefault("year", timezone.localdate().year)
        handling = Organisation.objects.handling_units().filter(jurisdiction_id=jurisdiction_id)
        lead = self.fields["lead_unit"]
        assert isinstance(lead, forms.ModelChoiceField)
        lead.queryset = handling
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Organisation.objects.filter(pk__in=units)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        if staff:
            kind.choices = [c for c in KeyItem.Kind.choices if c[0] != KeyItem.Kind.INTERNAL]
            self.initial.setdefault("kind", KeyItem.Kind.TOPIC)
            del self.fields["owner_unit"]
        else:
            kind.choices = [c for c in KeyItem.Kind.choices if c[0] == KeyItem.Kind.INTERNAL]
            self.initial["kind"] = KeyItem.Kind.INTERNAL
            if len(units) == 1:
                self.initial["owner_unit"] = next(iter(units))

    def clean_numbers(self) -> list[Suggestion]:
        text = self.cleaned_data.get("numbers") or ""
        visible = Suggestion.objects.visible_to(self.user).filter(
            jurisdiction_id=self.jurisdiction_id, registered_at__isnull=False
        )
        current = visible.order_by("-session__start_date", "-pk").values("session_id")[:1]
        found: list[Suggestion] = []
        missing: list[str] = []
        for part in [p for p in SPLIT_RE.split(text.strip()) if p]:
            match: Suggestion | None = None
            if part.startswith("#") and part[1:].isdigit():
                match = visible.filter(pk=int(part[1:])).first()
            else:
                number = parse_number(part)
                if number is not None:
                    match = visible.filter(
                        session_id__in=current,
                        series=number.series or SESSION,
                        number=number.number,
                    ).first()
            if match is None:
                missing.append(part)
            elif match not in found:
                found.append(match)
        if missing:
            raise forms.ValidationError(
                _("No registered suggestion found for: %(parts)s")
                % {"parts": _(", ").join(missing)}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_text_fields(self)
        kind = data.get("kind")
        members = data.get("numbers") or []
        if kind == KeyItem.Kind.SUGGESTION and len(members) != 1 and "numbers" not in self.errors:
            self.add_error("numbers", _("A key suggestion is exactly one suggestion."))
        if kind == KeyItem.Kind.INTERNAL and not data.get("owner_unit"):
            self.add_error("owner_unit", _("Choose your unit."))
        return data
