"""The micro-wishes' typed functions: each holds its action's own change and hands it to the one
runner (`minsheng.engine.actions.run`), which checks the declaration in `actions.py` (who,
state, rules, inputs), locks the row, saves, logs one event and notifies on commit.

Posting is the one change outside a declared action (there is no row yet): it checks who may
post for the community and logs the `create` event itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.engine import actions as engine
from minsheng.engine.errors import Invalid, NotAllowed
from minsheng.people.models import Organisation, User
from minsheng.wishes import permissions as perms
from minsheng.wishes.actions import WISHES
from minsheng.wishes.models import Evidence, Wish

Try = engine.Attempt[Any]

# An 11-digit mainland mobile, or a landline with its area code, in the public text.
_PHONE = re.compile(r"(?<!\d)(1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def public_text_problem(text: str) -> str | None:
    """The public text must not carry a phone number (the private fields are for that)."""
    if _PHONE.search(text or ""):
        return _(
            "The public text must not contain a phone number: put the wisher's phone in the "
            "private field below."
        )
    return None


def post(
    *,
    by: User,
    community: Organisation,
    title: str,
    category: str,
    group: str,
    wisher_name: str,
    description: str = "",
    wisher_phone: str = "",
    wisher_address: str = "",
) -> Wish:
    """A community worker (or congress staff for a community) posts a wish; staff verify it."""
    if community.pk not in {c.pk for c in perms.postable_communities(by)}:
        raise NotAllowed(_("You may not post wishes for this community."))
    title, description = title.strip(), description.strip()
    if not title:
        raise Invalid(_("Say what is needed."))
    if not wisher_name.strip():
        raise Invalid(_("Give the wisher's name (it is never shown in public)."))
    if category not in Wish.Category.values:
        raise Invalid(_("Choose a category from the list."))
    if group not in Wish.Group.values:
        raise Invalid(_("Choose the group from the list."))
    for text in (title, description):
        problem = public_text_problem(text)
        if problem:
            raise Invalid(problem)
    with transaction.atomic():
        wish = Wish.objects.create(
            jurisdiction_id=community.jurisdiction_id,
            community=community,
            title=title,
            description=description,
            category=category,
            group=group,
            wisher_name=wisher_name.strip(),
            wisher_phone=wisher_phone.strip(),
            wisher_address=wisher_address.strip(),
            posted_by=by,
        )
        WISHES.record(wish, "create", by, from_state="", to_state=wish.state)
    return wish


def _run(
    action: str,
    wish: Wish | int,
    by: User,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
) -> Wish:
    result: Wish = engine.run(
        WISHES,
        action,
        wish,
        by=by,
        change=change,
        expected_version=expected_version,
        inputs=inputs,
    )
    return result


def verify(
    wish: Wish | int, *, by: User, note: str = "", expected_version: int | None = None
) -> Wish:
    def change(t: Try) -> Wish:
        t.set(verified_at=timezone.now())
        t.log(note=note.strip())
        return t.obj

    return _run("verify", wish, by, change, expected_version, {"note": note})


def reject(wish: Wish | int, *, by: User, reason: str, expected_version: int | None = None) -> Wish:
    def change(t: Try) -> Wish:
        t.log(note=reason.strip())
        return t.obj

    return _run("reject", wish, by, change, expected_version, {"reason": reason})


def claim(
    wish: Wish | int, *, by: User, note: str = "", expected_version: int | None = None
) -> Wish:
    """Exactly one claimant: the runner locks the row, so of two claims at once the second
    finds the wish claimed and is refused with the first claimant's name."""

    def change(t: Try) -> Wish:
        w: Wish = t.obj
        name = perms.claimant_name(by, w.jurisdiction_id)
        t.set(claimed_by=by, claimant_name=name, claimed_at=timezone.now())
        t.log(note=note.strip(), data={"claimant": name})
        return w

    return _run("claim", wish, by, change, expected_version, {"note": note})


def release(
    wish: Wish | int, *, by: User, note: str = "", expected_version: int | None = None
) -> Wish:
    def change(t: Try) -> Wish:
        w: Wish = t.obj
        t.log(note=note.strip(), data={"claimant": w.claimant_name})
        t.set(claimed_by=None, claimant_name="", claimed_at=None)
        return w

    return _run("release", wish, by, change, expected_version, {"note": note})


def fulfil(
    wish: Wish | int,
    *,
    by: User,
    note: str,
    evidence: Sequence[Any],
    expected_version: int | None = None,
) -> Wish:
    """The claimant records the delivery; the evidence (accepted `(upload, kind)` pairs) is
    stored in the same transaction, so a fulfilment never lacks its evidence."""
    from minsheng.suggestions.attachments import save_upload

    files = list(evidence)

    def change(t: Try) -> Wish:
        w: Wish = t.obj
        saved = [
            save_upload(Evidence(wish=w, uploaded_by=by), upload, kind) for upload, kind in files
        ]
        t.set(fulfilled_at=timezone.now(), fulfilment_note=note.strip())
        t.log(note=note.strip(), data={"evidence": [e.original_name for e in saved]})
        return w

    return _run("fulfil", wish, by, change, expected_version, {"note": note, "evidence": files})


def confirm(
    wish: Wish | int, *, by: User, note: str = "", expected_version: int | None = None
) -> Wish:
    def change(t: Try) -> Wish:
        t.set(confirmed_at=timezone.now())
        t.log(note=note.strip())
        return t.obj

    return _run("confirm", wish, by, change, expected_version, {"note": note})


def withdraw(
    wish: Wish | int, *, by: User, reason: str, expected_version: int | None = None
) -> Wish:
    def change(t: Try) -> Wish:
        w: Wish = t.obj
        # Who held the claim, so that they can be told (the claim is cleared here).
        t.log(
            note=reason.strip(),
            data={"claimant": w.claimant_name, "claimed_by": w.claimed_by_id},
        )
        t.set(claimed_by=None, claimant_name="", claimed_at=None)
        return w

    return _run("withdraw", wish, by, change, expected_version, {"reason": reason})


# The typed function of every declared action.
ACTIONS: dict[str, Callable[..., Wish]] = {
    "verify": verify,
    "reject": reject,
    "claim": claim,
    "release": release,
    "fulfil": fulfil,
    "confirm": confirm,
    "withdraw": withdraw,
}
assert set(ACTIONS) == set(WISHES.actions)
