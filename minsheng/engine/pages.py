"""One way to offer and run a declared action on a page (CONVENTIONS habit 4: views stay thin).

`action_views` builds the buttons and forms of the actions a person may take on a record (from
the registry's declarations: label, confirmation, danger, what stops it now); a form that was
posted and refused is shown again, open, in place of a fresh one.

Every app's action view did the same seven steps: refuse an action it does not declare, build
the page form from the declaration, explain a refused attempt (a stale page, a state that moved
on, a person who may not) in the action's own words instead of field errors, run the typed
workflow function with the version the page was drawn at, turn a workflow refusal into the
form's error, and say "Done". `post_action` does them once; the view fetches the record with its
access check before, and afterwards either redraws its page with the outcome's form, error and
status or redirects.

A refusal is shown on the record's own page with its HTTP status (403, 409, 422), never as a
bare error page: the person can see the page (the view fetched it with the access check), so
they read why, in their language, beside the form they filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.engine.actions import Registry
from minsheng.engine.errors import WorkflowError
from minsheng.engine.forms import ActionForm

__all__ = ["ActionView", "Outcome", "action_views", "post_action"]


@dataclass
class ActionView:
    """One action as a page shows it: its button, its form, where the form posts."""

    name: str
    label: str
    form: ActionForm
    url: str
    open: bool = False
    confirm: str = ""
    danger: bool = False
    problems: list[str] = field(default_factory=list)


def action_views(
    registry: Registry[Any],
    obj: Any,
    user: Any,
    url_name: str,
    failed: ActionForm | None = None,
    *,
    names: Iterable[str] | None = None,
) -> list[ActionView]:
    """The actions `user` may take on `obj` (or those of `names`), each posting to
    `reverse(url_name, args=[obj.pk, name])`; `failed` is the refused form to show again."""
    found = []
    for name in registry.offered(user, obj) if names is None else names:
        again = (
            failed is not None
            and failed.action == name
            and getattr(failed.obj, "pk", None) == obj.pk
        )
        form = failed if again and failed is not None else None
        if form is None:
            form = ActionForm(registry=registry, obj=obj, user=user, action=name)
        declared = registry[name]
        found.append(
            ActionView(
                name=name,
                label=str(declared.label),
                form=form,
                url=reverse(url_name, args=[obj.pk, name]),
                open=again,
                confirm=str(declared.confirm),
                danger=declared.danger,
                problems=registry.problems(name, user, obj),
            )
        )
    return found


@dataclass
class Outcome:
    """What happened to a posted action: done (with the workflow's result) or refused."""

    form: ActionForm
    ok: bool
    result: Any = None
    error: str = ""
    status: int = 200
    data: dict[str, Any] = field(default_factory=dict)  # the form's cleaned data when it was done


def post_action(
    request: HttpRequest,
    registry: Registry[Any],
    obj: Any,
    action: str,
    typed: Callable[..., Any] | None,
) -> Outcome:
    """Run `typed` (the workflow function of `action`) on `obj` for the request's user, from the
    posted form. Raises Http404 for an action the registry does not declare."""
    if typed is None or action not in registry.actions:
        raise Http404("No such action.")
    user = request.user
    form = ActionForm(
        request.POST, request.FILES, registry=registry, obj=obj, user=user, action=action
    )
    if not form.is_valid():
        cleaned = getattr(form, "cleaned_data", {})
        refused = registry.refusal(action, user, obj, cleaned.get("expected_version"))
        if refused is not None:
            form.add_error(None, refused.message)
            return Outcome(form, ok=False, error=refused.message, status=refused.status)
        return Outcome(form, ok=False, status=422)
    version = form.cleaned_data.get("expected_version") if registry.versioned else None
    try:
        result = typed(obj, by=user, expected_version=version, **form.workflow_kwargs())
    except WorkflowError as error:
        form.add_error(None, error.message)
        return Outcome(form, ok=False, error=error.message, status=error.status)
    messages.success(request, _("Done: %(action)s.") % {"action": registry[action].label})
    return Outcome(form, ok=True, result=result, data=form.cleaned_data)
