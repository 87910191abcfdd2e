"""Forms of the suggestion pages: the action form, and the deputy's own form.

The action forms are not written here: each is built from its action's declaration
(`actions.py`: inputs, checks, sub-object) by `minsheng.engine.forms.ActionForm`. An action form
only checks and converts what the person typed; the view hands `workflow_kwargs()` to the typed
function in `workflow.py`, whose runner checks the same declaration again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.engine import forms as engine_forms
from minsheng.lib.forms import clean_text_fields
from minsheng.people.models import Deputy, User
from minsheng.suggestions import idempotency
from minsheng.suggestions.actions import REGISTRY
from minsheng.suggestions.attachments import AttachmentsField
from minsheng.suggestions.models import (
    Assignment,
    Category,
    Suggestion,
)

A = Assignment.State
M = Assignment.Mode


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def active_categories(jurisdiction_id: int) -> QuerySet[Category]:
    return Category.objects.filter(jurisdiction_id=jurisdiction_id, is_active=True).select_related(
        "parent"
    )


class ActionForm(engine_forms.ActionForm):
    """The page form of one suggestion action, built from its declaration in `actions.py`
    (fields, choices, initial values, checks, the choice of sub-object)."""

    def __init__(
        self, *args: Any, suggestion: Suggestion, user: User, action: str, **kwargs: Any
    ) -> None:
        self.suggestion = suggestion
        super().__init__(
            *args, registry=REGISTRY, obj=suggestion, user=user, action=action, **kwargs
        )

    @property
    def assignments(self) -> list[Assignment]:
        """The person's assignments the action may act on (its sub-object's choices)."""
        subject = self.declaration.subject
        return self.options if subject is not None and subject.name == "assignment" else []

    def chosen_assignment(self) -> Assignment | None:
        found = self.chosen()
        return found if isinstance(found, Assignment) else None


# Every declared action has a page form (the one class, reading the declaration).
ACTION_FORMS: dict[str, type[ActionForm]] = dict.fromkeys(REGISTRY.actions, ActionForm)


# --- the deputy's own form ---------------------------------------------------------------------


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
