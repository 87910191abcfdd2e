"""Who hears of a micro-wish's progress, of the practical-matter vote and of a rectification's
report and acceptance, in one place (events, as `notifications/ledger.py` does for the ledger).

- A wish: the community worker who posted it hears that it was rejected, claimed, released or
  fulfilled (and is asked to confirm); the claimant hears that the community confirmed it, or
  that staff withdrew a wish they had claimed. Nobody hears of their own step.
- The vote: every serving deputy of the congress hears that the voting opened (until when) and,
  at the close, that the results are published; the staff member who opened a round hears,
  once, when its voting time is over and it still waits to be closed (a reminder kind).
- A rectification: the team leader hears that the owner unit reported it fixed; the owner
  unit's clerks and heads hear that the team accepted it or sent it back.

Every handler is one or two queries, whatever the number of recipients."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.ledger.actions_teams import rectification_changed
from minsheng.ledger.actions_vote import vote_changed
from minsheng.ledger.models_teams import Rectification
from minsheng.ledger.models_vote import VoteRound
from minsheng.notifications import delivery
from minsheng.notifications.delivery import Draft
from minsheng.notifications.events import UNIT_PEOPLE, _quiet
from minsheng.notifications.kinds import Kind, declare
from minsheng.notifications.reminders import Window, reminder
from minsheng.people.models import Deputy, Role
from minsheng.wishes.actions import wish_changed
from minsheng.wishes.models import Wish

log = logging.getLogger(__name__)


def _subject(obj: Any) -> tuple[int, int]:
    return ContentType.objects.get_for_model(type(obj)).pk, obj.pk


def _deliver(build: Callable[[], list[Draft]], event: Any) -> None:
    """Record the drafts; a failure is logged, never raised: the action has committed."""
    try:
        delivery.record(build())
    except Exception:  # noqa: BLE001 - a lost message must not undo the person's action
        log.exception("notifications for event %s (%s) failed", event.pk, event.action)


# --- micro-wishes --------------------------------------------------------------------------------

WISH_PROGRESS = declare(
    Kind(
        "wish_progress",
        _("Micro-wish progress"),
        _("Wish claimed: %(title)s"),
        _("%(claimant)s claimed the wish “%(title)s” of %(community)s."),
        _("the community worker who posted the wish; the claimant when it is confirmed"),
        variants=(
            (
                "rejected",
                _("Wish not accepted: %(title)s"),
                _("The wish “%(title)s” was not accepted: %(note)s"),
            ),
            (
                "released",
                _("Wish open again: %(title)s"),
                _("%(claimant)s released the wish “%(title)s”; it is open for claiming again."),
            ),
            (
                "fulfilled",
                _("Wish fulfilled, please confirm: %(title)s"),
                _(
                    "%(claimant)s recorded the wish “%(title)s” as fulfilled: %(note)s "
                    "Please check with the wisher and confirm it on the wish's page."
                ),
            ),
            (
                "confirmed",
                _("Wish confirmed: %(title)s"),
                _("%(community)s confirmed that the wish “%(title)s” came true. Thank you."),
            ),
            (
                "withdrawn",
                _("Wish withdrawn: %(title)s"),
                _("The wish “%(title)s” you claimed was withdrawn: %(note)s"),
            ),
        ),
    )
)

# action → (variant, who hears: the poster or the claimant)
WISH_AUDIENCE: dict[str, tuple[str, str]] = {
    "reject": ("rejected", "poster"),
    "claim": ("", "poster"),
    "release": ("released", "poster"),
    "fulfil": ("fulfilled", "poster"),
    "confirm": ("confirmed", "claimant"),
    "withdraw": ("withdrawn", "claimant"),
}


def wish_drafts(wish: Wish, event: Any) -> list[Draft]:
    found = WISH_AUDIENCE.get(event.action)
    if found is None:
        return []
    variant, audience = found
    recipient: int | None
    if audience == "poster":
        recipient = wish.posted_by_id
    else:
        # At a withdrawal the claim is cleared by the action; the event keeps who held it.
        recipient = wish.claimed_by_id or (event.data or {}).get("claimed_by")
    if not recipient or recipient == event.actor_id:
        return []
    return [
        Draft(
            recipient_id=recipient,
            kind=WISH_PROGRESS.name,
            key=f"{WISH_PROGRESS.name}:e{event.pk}",
            params={
                "title": wish.title,
                "community": wish.community.name,
                "claimant": wish.claimant_name or (event.data or {}).get("claimant", ""),
                "note": (event.note or "")[:200],
                "variant": variant,
            },
            link=reverse("wishes:detail", args=[wish.pk]),
            subject=_subject(wish),
        )
    ]


@receiver(wish_changed, dispatch_uid="notifications.on_wish_changed")
def on_wish_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or not isinstance(obj, Wish) or event.action not in WISH_AUDIENCE:
        return
    _deliver(lambda: wish_drafts(obj, event), event)


# --- the practical-matter vote ----------------------------------------------------------------

VOTE_NEWS = declare(
    Kind(
        "vote_news",
        _("Practical-matter vote"),
        _("Vote open: %(title)s"),
        _(
            "The deputies' vote “%(title)s” is open until %(closes)s: for, against or abstain "
            "on each shortlisted project, changeable until the close."
        ),
        _("every serving deputy of the congress, when a vote opens and when it closes"),
        variants=(
            (
                "closed",
                _("Vote results: %(title)s"),
                _(
                    "The deputies' vote “%(title)s” is closed; %(voters)s deputies voted. "
                    "The results are published on the vote's page."
                ),
            ),
        ),
    )
)


def vote_drafts(r: VoteRound, event: Any) -> list[Draft]:
    if event.action not in ("open_voting", "close"):
        return []
    deputies = (
        Deputy.objects.filter(
            jurisdiction_id=r.jurisdiction_id, is_active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    closes = timezone.localtime(r.closes_at).date().isoformat() if r.closes_at else ""
    variant = "closed" if event.action == "close" else ""
    return [
        Draft(
            recipient_id=user_id,
            kind=VOTE_NEWS.name,
            key=f"{VOTE_NEWS.name}:e{event.pk}:u{user_id}",
            params={
                "title": r.title,
                "closes": closes,
                "voters": (event.data or {}).get("voters", ""),
                "variant": variant,
            },
            link=reverse("ledger:vote_round", args=[r.pk]),
            subject=_subject(r),
        )
        for user_id in sorted(set(deputies))
        if user_id != event.actor_id
    ]


@receiver(vote_changed, dispatch_uid="notifications.on_vote_changed")
def on_vote_changed(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if (
        _quiet.get()
        or not isinstance(obj, VoteRound)
        or event.action not in ("open_voting", "close")
    ):
        return
    _deliver(lambda: vote_drafts(obj, event), event)


@reminder(
    Kind(
        "vote_time_over",
        _("Vote waiting to be closed"),
        _("Close the vote: %(title)s"),
        _(
            "The voting time of “%(title)s” ended on %(closes)s; ballots are no longer taken. "
            "Close it to count the ballots and publish the results."
        ),
        _("the staff member who opened the round, once its voting time is over"),
        reminder=True,
    )
)
def vote_time_over(w: Window) -> list[Draft]:
    rows = VoteRound.objects.filter(
        state=VoteRound.State.VOTING, closes_at__isnull=False, closes_at__lt=w.now
    ).values("pk", "title", "closes_at", "created_by_id")
    return [
        Draft(
            recipient_id=row["created_by_id"],
            kind=vote_time_over.kind.name,
            # One reminder per round and closing time: it is sent once, not every run.
            key=f"vote_time_over:v{row['pk']}:{row['closes_at']:%Y%m%d%H%M}",
            params={
                "title": row["title"],
                "closes": timezone.localtime(row["closes_at"]).date().isoformat(),
            },
            link=reverse("ledger:vote_round", args=[row["pk"]]),
            subject=(ContentType.objects.get_for_model(VoteRound).pk, row["pk"]),
        )
        for row in rows
    ]


# --- rectifications: reported, accepted, sent back ----------------------------------------------

RECTIFICATION_PROGRESS = declare(
    Kind(
        "rectification_progress",
        _("Rectification reported or decided"),
        _("Rectification reported: %(title)s"),
        _("%(unit)s reports the problem found in “%(title)s” fixed: %(note)s"),
        _("the team leader when the unit reports; the unit's clerks and heads when it is decided"),
        variants=(
            (
                "closed",
                _("Rectification accepted: %(title)s"),
                _("%(team)s accepted the rectification of “%(title)s” and closed it."),
            ),
            (
                "reopened",
                _("Rectification sent back: %(title)s"),
                _("%(team)s sent the rectification of “%(title)s” back: %(note)s"),
            ),
        ),
    )
)


def rectification_drafts(rect: Rectification, event: Any) -> list[Draft]:
    if event.action == "report":
        recipients = [rect.team.leader_id]
        variant = ""
    elif event.action in ("close", "reopen"):
        recipients = list(
            Role.objects.filter(
                organisation_id=rect.owner_unit_id, kind__in=list(UNIT_PEOPLE), is_active=True
            ).values_list("user_id", flat=True)
        )
        variant = "closed" if event.action == "close" else "reopened"
    else:
        return []
    params = {
        "title": rect.item.title,
        "team": rect.team.name,
        "unit": rect.owner_unit.name,
        "note": (event.note or "")[:200],
        "variant": variant,
    }
    return [
        Draft(
            recipient_id=user_id,
            kind=RECTIFICATION_PROGRESS.name,
            key=f"{RECTIFICATION_PROGRESS.name}:e{event.pk}:u{user_id}",
            params=params,
            link=reverse("ledger:rectification", args=[rect.pk]),
            subject=_subject(rect),
        )
        for user_id in sorted(set(recipients))
        if user_id != event.actor_id
    ]


@receiver(rectification_changed, dispatch_uid="notifications.on_rectification_progress")
def on_rectification_progress(sender: Any, obj: Any, event: Any, **kwargs: Any) -> None:
    if _quiet.get() or not isinstance(obj, Rectification):
        return
    if event.action not in ("report", "close", "reopen"):
        return
    _deliver(lambda: rectification_drafts(obj, event), event)
