"""Notifications about what just happened to a suggestion (the receiver of `suggestion_changed`,
which the workflow sends once a transition has committed), to supervision (the receiver of
`supervision_changed`, sent the same way by the supervision actions) and to B commitments (the
receiver of the ledger's `ledger_changed`).

Each handled action maps to a function that says who hears of it and with what words; the
kinds are declared here beside them. The person who acted is never told of their own act. A
receiver that fails logs the error and returns: the action has committed and stands.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from minsheng.ledger.actions import ledger_changed
from minsheng.notifications import delivery
from minsheng.notifications.delivery import Draft
from minsheng.notifications.kinds import Kind, declare
from minsheng.people.models import Role
from minsheng.suggestions.actions import suggestion_changed
from minsheng.suggestions.models import Assignment, CoSigner, ExtensionRequest, Suggestion
from minsheng.supervision.actions import supervision_changed
from minsheng.supervision.models import Instruction, KeyItem

log = logging.getLogger(__name__)
UNIT_PEOPLE = (Role.Kind.CLERK, Role.Kind.HEAD)

_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_quiet", default=False)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No event notifications inside (the demo replays a whole year of work)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


# --- the kinds ---------------------------------------------------------------------------------

ASSIGNED = declare(
    Kind(
        "assigned",
        _("New assignment"),
        _("New assignment: %(number)s"),
        _("“%(title)s” was assigned to %(unit)s. Sign for it by %(sign_date)s."),
        _("clerks and heads of the unit"),
    )
)
ADJUSTMENT_DECIDED = declare(
    Kind(
        "adjustment_decided",
        _("Adjustment request decided"),
        _("Adjustment decided: %(number)s"),
        _("The congress office kept “%(title)s” with %(unit)s."),
        _("clerks and heads of the unit that asked"),
        variants=(
            (
                "moved",
                _("Adjustment decided: %(number)s"),
                _("The congress office moved “%(title)s” from %(unit)s to %(moved_to)s."),
            ),
        ),
    )
)
REPLY_RECEIVED = declare(
    Kind(
        "reply_received",
        _("Reply received"),
        _("Reply received: %(number)s"),
        _("%(unit)s replied to “%(title)s”. Please read it and rate the reply."),
        _("the lead deputy"),
    )
)
COSIGN_ANSWERED = declare(
    Kind(
        "cosign_answered",
        _("Co-signer answered"),
        _("%(name)s co-signed %(title)s"),
        _("%(name)s confirmed co-signing “%(title)s”."),
        _("the lead deputy"),
        variants=(
            (
                "declined",
                _("%(name)s declined to co-sign"),
                _("%(name)s declined to co-sign “%(title)s”."),
            ),
        ),
    )
)
READY_TO_SUBMIT = declare(
    Kind(
        "ready_to_submit",
        _("Ready to submit"),
        _("Ready to submit: %(title)s"),
        _("Every co-signer has answered; “%(title)s” can now be submitted."),
        _("the lead deputy"),
    )
)
REHANDLING_OPENED = declare(
    Kind(
        "rehandling_opened",
        _("Re-handling opened"),
        _("Re-handling: %(number)s"),
        _("“%(title)s” is to be handled again (round %(round)s); reply by %(due_date)s."),
        _("clerks and heads of the unit"),
    )
)
EXTENSION_DECIDED = declare(
    Kind(
        "extension_decided",
        _("Extension request decided"),
        _("Extension approved: %(number)s"),
        _("The reply to “%(title)s” is now due on %(until_date)s."),
        _("clerks and heads of the unit that asked"),
        variants=(
            (
                "rejected",
                _("Extension rejected: %(number)s"),
                _("The extension to %(until_date)s for “%(title)s” was rejected."),
            ),
        ),
    )
)
DRAFT_TO_SIGN = declare(
    Kind(
        "draft_to_sign",
        _("Draft reply to sign"),
        _("Draft reply to sign: %(number)s"),
        _("%(unit)s drafted the reply to “%(title)s”; it waits for your signature."),
        _("heads of the unit"),
    )
)


# --- who hears of it ---------------------------------------------------------------------------


def unit_people(unit_ids: Iterable[int], kinds: Iterable[str] = UNIT_PEOPLE) -> dict[int, set[int]]:
    """unit id → the users acting for it in these roles (one query)."""
    found: dict[int, set[int]] = {}
    rows = Role.objects.filter(
        organisation_id__in=set(unit_ids), kind__in=list(kinds), is_active=True
    ).values_list("organisation_id", "user_id")
    for unit_id, user_id in rows:
        found.setdefault(unit_id, set()).add(user_id)
    return found


def _base(s: Suggestion) -> dict[str, Any]:
    return {"number": s.display_number, "title": s.title}


def _link(s: Suggestion) -> str:
    return reverse("suggestions:detail", args=[s.pk])


def _to_units(
    s: Suggestion,
    event: Any,
    kind: Kind,
    assignments: Iterable[Assignment],
    extra: Callable[[Assignment], dict[str, Any]] = lambda a: {},
    roles: Iterable[str] = UNIT_PEOPLE,
) -> list[Draft]:
    assignments = list(assignments)
    people = unit_people((a.unit_id for a in assignments), roles)
    drafts = []
    for a in assignments:
        for user_id in sorted(people.get(a.unit_id, ())):
            if user_id == event.actor_id:
                continue
            drafts.append(
                Draft(
                    recipient_id=user_id,
                    kind=kind.name,
                    key=f"{kind.name}:e{event.pk}:a{a.pk}",
                    params={**_base(s), "unit": str(a.unit), **extra(a)},
                    link=_link(s),
                    suggestion_id=s.pk,
                )
            )
    return drafts


def _to_deputy(s: Suggestion, event: Any, kind: Kind, params: dict[str, Any]) -> list[Draft]:
    user_id = s.lead_deputy.user_id
    if user_id == event.actor_id:
        return []
    return [
        Draft(
            recipient_id=user_id,
            kind=kind.name,
            key=f"{kind.name}:e{event.pk}",
            params={**_base(s), **params},
            link=_link(s),
            suggestion_id=s.pk,
        )
    ]


def _active(s: Suggestion) -> Any:
    return s.assignments.exclude(state=Assignment.State.CANCELLED).select_related("unit")


def _assigned(s: Suggestion, event: Any) -> list[Draft]:
    unit_ids = [item[0] for item in event.data.get("units", [])]
    return _to_units(
        s,
        event,
        ASSIGNED,
        _active(s).filter(unit_id__in=unit_ids),
        lambda a: {"sign_date": a.sign_due.isoformat()},
    )


def _part(event: Any) -> Assignment | None:
    if event.part_id is None:
        return None
    return Assignment.objects.select_related("unit").filter(pk=event.part_id).first()


def _adjustment_decided(s: Suggestion, event: Any) -> list[Draft]:
    a = _part(event)
    if a is None:
        return []
    moved = event.data.get("decision") == "moved"
    params = {"variant": "moved", "moved_to": event.data.get("moved_to", "")} if moved else {}
    drafts = _to_units(s, event, ADJUSTMENT_DECIDED, [a], lambda a: params)
    new_id = event.data.get("new_assignment")
    if moved and new_id:
        new = _active(s).filter(pk=new_id)
        drafts += _to_units(
            s, event, ASSIGNED, new, lambda a: {"sign_date": a.sign_due.isoformat()}
        )
    return drafts


def _reply_sent(s: Suggestion, event: Any) -> list[Draft]:
    a = _part(event)
    return _to_deputy(s, event, REPLY_RECEIVED, {"unit": str(a.unit) if a else ""})


def _cosign_answered(s: Suggestion, event: Any) -> list[Draft]:
    actor = event.actor
    name = actor.display_name if actor is not None else ""
    params = {"name": name} if event.data.get("accepted") else {"name": name, "variant": "declined"}
    drafts = _to_deputy(s, event, COSIGN_ANSWERED, params)
    waiting = s.cosigners.filter(state=CoSigner.State.INVITED).exists()
    if not waiting and s.state in (Suggestion.State.DRAFT, Suggestion.State.RETURNED):
        drafts += _to_deputy(s, event, READY_TO_SUBMIT, {})
    return drafts


def _rehandling(s: Suggestion, event: Any) -> list[Draft]:
    names = set(event.data.get("units", []))
    reopened = [a for a in _active(s).filter(state=Assignment.State.SIGNED) if str(a.unit) in names]
    due = s.reply_due.isoformat() if s.reply_due else ""
    return _to_units(
        s, event, REHANDLING_OPENED, reopened, lambda a: {"round": s.round, "due_date": due}
    )


def _extension_decided(s: Suggestion, event: Any) -> list[Draft]:
    request = (
        ExtensionRequest.objects.select_related("assignment__unit")
        .filter(pk=event.data.get("request"))
        .first()
    )
    if request is None:
        return []
    params = {"until_date": request.requested_until.isoformat()}
    if not event.data.get("approved"):
        params["variant"] = "rejected"
    return _to_units(s, event, EXTENSION_DECIDED, [request.assignment], lambda a: params)


def _drafted(s: Suggestion, event: Any) -> list[Draft]:
    a = _part(event)
    if a is None or not event.data.get("new"):
        return []
    return _to_units(s, event, DRAFT_TO_SIGN, [a], roles=(Role.Kind.HEAD,))


HANDLERS: dict[str, Callable[[Suggestion, Any], list[Draft]]] = {
    "assign": _assigned,
    "decide_adjustment": _adjustment_decided,
    "sign_reply": _reply_sent,
    "confirm_cosign": _cosign_answered,
    "rehandle": _rehandling,
    "decide_extension": _extension_decided,
    "draft_reply": _drafted,
}


def drafts_for(suggestion: Suggestion, event: Any) -> list[Draft]:
    handler = HANDLERS.get(event.action)
    return handler(suggestion, event) if handler is not None else []


@receiver(suggestion_changed, dispatch_uid="notifications.on_suggestion_changed")
def on_suggestion_changed(sender: Any, suggestion: Suggestion, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or event.action not in HANDLERS:
        return
    try:
        delivery.record(drafts_for(suggestion, event))
    except Exception:  # noqa: BLE001 - the action committed; a lost message must not undo it
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)


# --- supervision (督办) --------------------------------------------------------------------------

INSTRUCTION_RECEIVED = declare(
    Kind(
        "instruction_received",
        _("Supervision instruction received"),
        _("Instruction to %(unit)s: %(about)s"),
        _("%(by)s gave %(unit)s a written instruction on “%(about)s”; respond by %(due_date)s."),
        _("clerks and heads of the unit it is addressed to"),
    )
)
INSTRUCTION_RESPONDED = declare(
    Kind(
        "instruction_responded",
        _("Instruction responded"),
        _("%(unit)s responded: %(about)s"),
        _("%(unit)s responded to your instruction on “%(about)s”."),
        _("the person who gave the instruction"),
    )
)
KEY_ITEM_DECIDED = declare(
    Kind(
        "key_item_decided",
        _("Key item chosen"),
        _("Key supervision: %(title)s"),
        _(
            "The chair's council chose “%(title)s” for key supervision; it is to be concluded "
            "by %(due_date)s."
        ),
        _("the key item's supervisors and the clerks and heads of its lead unit"),
    )
)
SUPERVISOR_NAMED = declare(
    Kind(
        "supervisor_named",
        _("Named a supervisor"),
        _("You supervise: %(title)s"),
        _("You were named on “%(title)s” at tier %(tier)s: %(duty)s."),
        _("the person named"),
    )
)


def _item_link(item_id: int) -> str:
    return reverse("supervision:detail", args=[item_id])


def _instruction_place(row: Instruction) -> tuple[str, str, int | None]:
    """What an instruction is about (its key item's or suggestion's title), its page, and the
    suggestion it concerns."""
    if row.key_item_id is not None:
        assert row.key_item is not None
        return row.key_item.title, _item_link(row.key_item_id), row.suggestion_id
    assert row.suggestion is not None
    link = reverse("suggestions:detail", args=[row.suggestion_id]) + "#supervision"
    return row.suggestion.title, link, row.suggestion_id


def _subject(row: Any) -> tuple[int, int]:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(row)).pk, row.pk


def _instruction_received(obj: Any, event: Any) -> list[Draft]:
    row = (
        Instruction.objects.select_related("unit", "issued_by", "key_item", "suggestion")
        .filter(pk=event.data.get("instruction"))
        .first()
    )
    if row is None:
        return []
    about, link, suggestion_id = _instruction_place(row)
    people = unit_people([row.unit_id]).get(row.unit_id, set())
    params = {
        "unit": str(row.unit),
        "about": about,
        "by": row.issued_by.display_name,
        "due_date": row.due.isoformat(),
    }
    return [
        Draft(
            recipient_id=user_id,
            kind=INSTRUCTION_RECEIVED.name,
            key=f"{INSTRUCTION_RECEIVED.name}:e{event.pk}",
            params=params,
            link=link,
            suggestion_id=suggestion_id,
            subject=_subject(row),
        )
        for user_id in sorted(people)
        if user_id != event.actor_id
    ]


def _instruction_responded(row: Instruction, event: Any) -> list[Draft]:
    row = Instruction.objects.select_related("unit", "key_item", "suggestion").get(pk=row.pk)
    if row.issued_by_id == event.actor_id:
        return []
    about, link, suggestion_id = _instruction_place(row)
    return [
        Draft(
            recipient_id=row.issued_by_id,
            kind=INSTRUCTION_RESPONDED.name,
            key=f"{INSTRUCTION_RESPONDED.name}:e{event.pk}",
            params={"unit": str(row.unit), "about": about},
            link=link,
            suggestion_id=suggestion_id,
            subject=_subject(row),
        )
    ]


def _key_item_decided(item: KeyItem, event: Any) -> list[Draft]:
    people = set(item.supervisors.values_list("user_id", flat=True))
    if item.lead_unit_id is not None:
        people |= unit_people([item.lead_unit_id]).get(item.lead_unit_id, set())
    params = {"title": item.title, "due_date": item.due.isoformat() if item.due else ""}
    return [
        Draft(
            recipient_id=user_id,
            kind=KEY_ITEM_DECIDED.name,
            key=f"{KEY_ITEM_DECIDED.name}:e{event.pk}",
            params=params,
            link=_item_link(item.pk),
            subject=_subject(item),
        )
        for user_id in sorted(people)
        if user_id != event.actor_id
    ]


def _supervisor_named(item: KeyItem, event: Any) -> list[Draft]:
    from minsheng.supervision.models import Supervisor, Tier

    user_id = event.data.get("user")
    if user_id is None or user_id == event.actor_id:
        return []
    tier = Tier.objects.filter(number=event.data.get("tier")).first()
    # The duty's label as the site says it (params are stored words, as unit names are).
    with translation.override(settings.LANGUAGE_CODE):
        duty = str(dict(Supervisor.Duty.choices).get(event.data.get("duty", ""), ""))
    return [
        Draft(
            recipient_id=user_id,
            kind=SUPERVISOR_NAMED.name,
            key=f"{SUPERVISOR_NAMED.name}:e{event.pk}",
            params={"title": item.title, "tier": str(tier or ""), "duty": duty},
            link=_item_link(item.pk),
            subject=_subject(item),
        )
    ]


# (model, action) → who hears of it. An instruction on one suggestion is sent with the
# suggestion as its sender; on a key item, with the key item.
SUPERVISION_HANDLERS: dict[tuple[type[Any], str], Callable[[Any, Any], list[Draft]]] = {
    (KeyItem, "instruct"): _instruction_received,
    (Suggestion, "instruct"): _instruction_received,
    (Instruction, "respond"): _instruction_responded,
    (KeyItem, "decide"): _key_item_decided,
    (KeyItem, "add_supervisor"): _supervisor_named,
}


def supervision_drafts_for(sender: type[Any], obj: Any, event: Any) -> list[Draft]:
    handler = SUPERVISION_HANDLERS.get((sender, event.action))
    return handler(obj, event) if handler is not None else []


@receiver(supervision_changed, dispatch_uid="notifications.on_supervision_changed")
def on_supervision_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or (sender, event.action) not in SUPERVISION_HANDLERS:
        return
    try:
        delivery.record(supervision_drafts_for(sender, obj, event))
    except Exception:  # noqa: BLE001 - the action committed; a lost message must not undo it
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)


# --- B commitments (ledger) ----------------------------------------------------------------------

COMMITMENT_ANSWERED = declare(
    Kind(
        "commitment_answered",
        _("Second reply on a commitment"),
        _("Solved: %(number)s"),
        _(
            "%(unit)s sent its second reply on “%(title)s”: the problem it promised to solve "
            "is solved."
        ),
        _("the lead deputy of the suggestion"),
        variants=(
            (
                "not_solved",
                _("Second reply: %(number)s"),
                _(
                    "%(unit)s sent its second reply on “%(title)s”: it cannot be solved now "
                    "(conditions do not allow)."
                ),
            ),
        ),
    )
)
COMMITMENT_REOPENED = declare(
    Kind(
        "commitment_reopened",
        _("Commitment reopened"),
        _("Commitment reopened: %(number)s"),
        _(
            "The congress office reopened the commitment on “%(title)s” (look-back); the new "
            "target date is %(due_date)s."
        ),
        _("clerks and heads of the responsible unit"),
    )
)


def _commitment_link(item: Any) -> str:
    return reverse("commitments:detail", args=[item.pk])


def _commitment_answered(item: Any, event: Any) -> list[Draft]:
    s = item.source_suggestion
    if s is None:
        return []
    user_id = s.lead_deputy.user_id
    if user_id == event.actor_id:
        return []
    params = {**_base(s), "unit": str(item.responsible_unit or "")}
    if event.data.get("category") != "A":
        params["variant"] = "not_solved"
    return [
        Draft(
            recipient_id=user_id,
            kind=COMMITMENT_ANSWERED.name,
            key=f"{COMMITMENT_ANSWERED.name}:e{event.pk}",
            params=params,
            link=_commitment_link(item),
            suggestion_id=s.pk,
            subject=_subject(item),
        )
    ]


def _commitment_reopened(item: Any, event: Any) -> list[Draft]:
    s = item.source_suggestion
    if s is None or item.responsible_unit_id is None:
        return []
    people = unit_people([item.responsible_unit_id]).get(item.responsible_unit_id, set())
    params = {**_base(s), "due_date": event.data.get("new_ends_on", "")}
    return [
        Draft(
            recipient_id=user_id,
            kind=COMMITMENT_REOPENED.name,
            key=f"{COMMITMENT_REOPENED.name}:e{event.pk}",
            params=params,
            link=_commitment_link(item),
            suggestion_id=s.pk,
            subject=_subject(item),
        )
        for user_id in sorted(people)
        if user_id != event.actor_id
    ]


LEDGER_HANDLERS: dict[str, Callable[[Any, Any], list[Draft]]] = {
    "sign_follow_up": _commitment_answered,
    "reopen": _commitment_reopened,
}


# The ledger's own events (change requests) are heard in notifications/ledger.py; these are
# the commitments' (their second reply and reopening).
@receiver(ledger_changed, dispatch_uid="notifications.on_commitment_changed")
def on_commitment_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or event.action not in LEDGER_HANDLERS:
        return
    try:
        item = (
            type(obj)
            .objects.select_related("source_suggestion__lead_deputy", "responsible_unit")
            .get(pk=obj.pk)
        )
        delivery.record(LEDGER_HANDLERS[event.action](item, event))
    except Exception:  # noqa: BLE001 - the action committed; a lost message must not undo it
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)
