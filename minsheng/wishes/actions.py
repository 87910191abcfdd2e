"""The micro-wishes' actions, each declared once on the shared engine (as the suggestions' and
supervision's are): states, who, rules with their refusals, inputs. The typed functions are in
`workflow.py`; pages, the API and the demo all go through them.

    posted ──verify──▶ verified ──claim──▶ claimed ──fulfil──▶ fulfilled ──confirm──▶ confirmed
       │                  ▲                   │
       └──reject──▶ rejected                  └──release──▶ verified
    posted / verified / claimed ──withdraw (staff)──▶ withdrawn
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from minsheng.audit import log as audit_log
from minsheng.engine.actions import Action, Attempt, Registry, Rule, Words
from minsheng.engine.errors import Invalid
from minsheng.engine.inputs import Check, Input, Text
from minsheng.lib.schema_text import CleanStr
from minsheng.wishes import permissions as perms
from minsheng.wishes.models import Wish

W = Wish.State
STAFF, COMMUNITY, CLAIMANT, MAY_CLAIM = (
    perms.STAFF,
    perms.COMMUNITY,
    perms.CLAIMANT,
    perms.MAY_CLAIM,
)
MAX_EVIDENCE_FILES = 6

# Sent after a wish action commits (receivers get the wish and the event).
wish_changed = Signal()


def _notify(obj: Any, event: Any) -> None:
    wish_changed.send(sender=type(obj), obj=obj, event=event)


def _lock_wish(pk: int) -> Wish:
    return Wish.objects.select_for_update(of=("self",)).select_related("community").get(pk=pk)


WISHES: Registry[Wish] = Registry(
    model=Wish,
    capacities=perms.capacities,
    append=audit_log.append_record,
    notify=_notify,
    lock_row=_lock_wish,
    other_events={"create": gettext_lazy("Posted")},
    words=Words(
        not_allowed=gettext_lazy("You may not do this on this micro-wish."),
        stale=gettext_lazy(
            "Someone else changed this micro-wish while you were looking at it. "
            "Reload the page and try again."
        ),
        wrong_state=gettext_lazy("This cannot be done while the micro-wish is “%(state)s”."),
    ),
)

Try = Attempt[Any]


# --- the evidence: one declared input for the page form and the API body -------------------------


class EvidenceFile(BaseModel):
    """One file of evidence in an API body: its name and its bytes in base64."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[CleanStr, PydanticField(min_length=1, max_length=200)]
    content_base64: Annotated[str, PydanticField(max_length=4_000_000)]


def _evidence_field() -> forms.Field:
    from minsheng.suggestions.attachments import AttachmentsField

    return AttachmentsField(required=True, label=gettext_lazy("Photos or files of the delivery"))


@dataclass(frozen=True, kw_only=True)
class Evidence(Input):
    """Photos or files showing the wish fulfilled, checked by content as every upload is
    (`suggestions.attachments.check_upload`): files on the page, base64 in the API."""

    empty: Any = ()

    def form_field(self, attempt: Try) -> forms.Field:
        return _evidence_field()

    def api_type(self) -> Any:
        return Annotated[list[EvidenceFile], PydanticField(max_length=MAX_EVIDENCE_FILES)]

    def from_api(self, value: Any, attempt: Try) -> Any:
        from minsheng.suggestions.attachments import check_upload

        accepted = []
        for item in value or ():
            try:
                content = base64.b64decode(item.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise Invalid(_("“%(name)s” is not valid base64.") % {"name": item.name}) from None
            upload = SimpleUploadedFile(item.name, content)
            try:
                accepted.append((upload, check_upload(upload)))
            except ValidationError as error:
                raise Invalid(" ".join(error.messages)) from None
        return accepted

    def is_blank(self, value: Any) -> bool:
        return not value


def _few_files(values: Mapping[str, Any], attempt: Try) -> str | None:
    if len(values.get("evidence") or ()) > MAX_EVIDENCE_FILES:
        return str(_("Attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES})
    return None


# --- rules ----------------------------------------------------------------------------------------


def _not_claimed_yet(attempt: Try) -> str | None:
    wish: Wish = attempt.obj
    if wish.claimed_by_id is not None:
        if wish.claimed_by_id == attempt.by.pk:
            return str(_("You have already claimed this wish."))
        return str(
            _("This wish is already claimed by %(name)s.")
            % {"name": wish.claimant_name or _("someone else")}
        )
    return None


def _open_for_claims(attempt: Try) -> str | None:
    if attempt.obj.state != W.VERIFIED:
        return str(_("Only a verified wish can be claimed."))
    return None


# --- the declarations ---------------------------------------------------------------------------

WISHES.declare(
    Action(
        "verify",
        sources=frozenset({W.POSTED}),
        target=W.VERIFIED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Verify"),
        done=gettext_lazy("Verified: open for claiming"),
        summary="Verify the wish: it goes on the public wall, open for claiming",
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
    Action(
        "reject",
        sources=frozenset({W.POSTED}),
        target=W.REJECTED,
        who=frozenset({STAFF}),
        label=gettext_lazy("Reject"),
        done=gettext_lazy("Not accepted"),
        summary="Reject the wish, with the reason",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why"),
                blank=gettext_lazy("Say why the wish is not accepted."),
            ),
        ),
        confirm=gettext_lazy("Reject this wish?"),
        danger=True,
    ),
    Action(
        "claim",
        sources=frozenset({W.VERIFIED, *Wish.CLAIMED_STATES}),
        target=W.CLAIMED,
        who=frozenset({MAY_CLAIM}),
        label=gettext_lazy("Claim this wish"),
        done=gettext_lazy("Claimed"),
        summary="Claim the wish (exactly one claimant)",
        rules=(Rule(_not_claimed_yet), Rule(_open_for_claims)),
        inputs=(
            Text(
                "note",
                label=gettext_lazy("How you will help"),
                rows=2,
                required=False,
            ),
        ),
    ),
    Action(
        "release",
        sources=frozenset({W.CLAIMED}),
        target=W.VERIFIED,
        who=frozenset({CLAIMANT}),
        label=gettext_lazy("Release the claim"),
        done=gettext_lazy("Claim released: open for claiming again"),
        summary="Give the claim up: the wish is open for claiming again",
        inputs=(Text("note", label=gettext_lazy("Why"), rows=2, required=False),),
        confirm=gettext_lazy("Release your claim on this wish?"),
    ),
    Action(
        "fulfil",
        sources=frozenset({W.CLAIMED}),
        target=W.FULFILLED,
        who=frozenset({CLAIMANT}),
        label=gettext_lazy("Record the fulfilment"),
        done=gettext_lazy("Fulfilled"),
        summary="Record the wish fulfilled, with a note and evidence (photos or files)",
        inputs=(
            Text(
                "note",
                label=gettext_lazy("What was done"),
                rows=3,
                blank=gettext_lazy("Say what was delivered or done, and when."),
            ),
            Evidence(
                "evidence",
                label=gettext_lazy("Photos or files of the delivery"),
                blank=gettext_lazy("Attach at least one photo or file showing the delivery."),
                doc="Photos or files (PNG, JPEG, GIF, PDF, Word, Excel), each checked by content.",
            ),
        ),
        checks=(Check("evidence", _few_files),),
    ),
    Action(
        "confirm",
        sources=frozenset({W.FULFILLED}),
        target=W.CONFIRMED,
        who=frozenset({COMMUNITY}),
        label=gettext_lazy("Confirm the wish came true"),
        done=gettext_lazy("Confirmed by the community"),
        summary="The community confirms the wish came true",
        inputs=(Text("note", label=gettext_lazy("Note"), rows=2, required=False),),
    ),
    Action(
        "withdraw",
        sources=frozenset({W.POSTED, W.VERIFIED, W.CLAIMED}),
        target=W.WITHDRAWN,
        who=frozenset({STAFF}),
        label=gettext_lazy("Withdraw"),
        done=gettext_lazy("Withdrawn"),
        summary="Withdraw the wish (it leaves the public wall)",
        inputs=(
            Text(
                "reason",
                label=gettext_lazy("Why"),
                blank=gettext_lazy("Say why the wish is withdrawn."),
            ),
        ),
        confirm=gettext_lazy("Withdraw this wish?"),
        danger=True,
    ),
)
