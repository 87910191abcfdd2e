"""The Django side of the reply-norm checker (`minsheng.insight.norms`, no Django there).

- `findings(reply)`: the checker's findings for a stored reply, with what the database knows
  (the contact log of its round, the joint units of a lead reply, the names and phones of the
  responsible leader and case officer) passed in so that the rules do not guess them from text.
- `record(reply, by)`: the hook run inside the head's signing (`workflow.on_reply_signed`):
  it keeps the findings as they stood on the reply (`Reply.norm_check`), so the congress office
  and the evaluation see what was signed, with the unit's justification, even after the rules
  change.
- `panel(request, s)`: the suggestion page's "reply norms" section for the unit that wrote a
  reply and for the congress office; the deputy does not see it (it is the unit's working paper,
  like the draft itself).

The checker advises; it never stops a signature. A finding is fixed in the draft or answered
with a justification in the draft form (`norm_justification`); the head signs with both in view.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone, translation

from minsheng.insight import norms
from minsheng.people import permissions as people
from minsheng.suggestions import permissions as perms
from minsheng.suggestions.models import Assignment, ContactLog, Reply, Suggestion

__all__ = [
    "advice",
    "findings",
    "may_see",
    "panel",
    "record",
    "reply_findings",
    "reply_text",
    "shown",
    "snapshot",
]

# The version of the rules a snapshot was taken with: a later reader knows what it is reading.
RULES_VERSION = 1


def _language() -> str:
    return "en" if (translation.get_language() or "zh").startswith("en") else "zh"


def reply_text(reply: Reply) -> norms.ReplyText:
    """The reply as the checker reads it, with the facts the database holds."""
    a = reply.assignment
    joint_units: list[str] = []
    if a.mode == Assignment.Mode.LEAD:
        joint_units = [
            j.unit.name
            for j in Assignment.objects.filter(suggestion_id=reply.suggestion_id)
            .filter(mode=Assignment.Mode.JOINT)
            .exclude(state=Assignment.State.CANCELLED)
            .select_related("unit")
            .order_by("pk")
        ]
    contacted = ContactLog.objects.filter(assignment=a, round=reply.round).exists()
    signer = reply.signed_by.display_name if reply.signed_by else reply.contact_leader
    return norms.ReplyText(
        text=reply.text,
        category=reply.category,
        plan=reply.plan,
        target_date=reply.target_date,
        contact_logged=contacted,
        joint_units=tuple(joint_units),
        # Whether the reply states them is read from its text (会办/经商 or the units' names).
        joint_opinions_stated=None,
        signer=signer or "",
        contact_person=reply.case_officer,
        contact_phone=reply.case_officer_phone,
    )


@functools.lru_cache(maxsize=256)
def _checked(reply: norms.ReplyText, suggestion: norms.SuggestionText) -> tuple[norms.Finding, ...]:
    # One page asks for the same draft up to three times (the section, the draft and sign
    # forms' line); the inputs are frozen dataclasses, so equal inputs give the kept answer.
    return tuple(norms.check(reply, suggestion))


def findings(reply: Reply) -> list[norms.Finding]:
    s = reply.suggestion
    return list(_checked(reply_text(reply), norms.SuggestionText(title=s.title, body=s.body)))


def snapshot(found: Iterable[norms.Finding], justification: str) -> dict[str, Any]:
    found = list(found)
    return {
        "version": RULES_VERSION,
        "checked_at": timezone.now().isoformat(timespec="seconds"),
        "errors": [f.code for f in found if f.severity == norms.ERROR],
        # Counted by the evaluation (a key both databases compare without JSON array support).
        "error_count": sum(1 for f in found if f.severity == norms.ERROR),
        "warnings": [f.code for f in found if f.severity == norms.WARNING],
        "justified": bool(justification.strip()),
        "findings": [
            {"code": f.code, "severity": f.severity, "params": f.params, "items": list(f.items)}
            for f in found
        ],
    }


def record(reply: Reply, by: Any) -> None:
    """Keep the findings on the signed reply (inside the signing's transaction)."""
    kept = snapshot(findings(reply), reply.norm_justification)
    Reply.objects.filter(pk=reply.pk).update(norm_check=kept)
    reply.norm_check = kept


def shown(found: Iterable[norms.Finding]) -> list[dict[str, Any]]:
    lang = _language()
    return [
        {
            "code": f.code,
            "severity": f.severity,
            "error": f.severity == norms.ERROR,
            "message": f.message(lang),
            "items": list(f.items),
        }
        for f in found
    ]


def _kept(check: dict[str, Any]) -> list[norms.Finding]:
    """The findings of a snapshot, to explain again in today's language."""
    return [
        norms.Finding(
            code=f["code"],
            severity=f["severity"],
            params=dict(f.get("params") or {}),
            items=tuple(f.get("items") or ()),
        )
        for f in check.get("findings", [])
        if f.get("code") in norms.MESSAGES
    ]


def reply_findings(reply: Reply) -> tuple[list[norms.Finding], bool]:
    """The findings to show for a reply and whether they are the ones kept at signing."""
    if reply.state == Reply.State.SENT:
        if reply.norm_check:
            return _kept(reply.norm_check), True
        return [], False
    return findings(reply), False


def may_see(user: Any, s: Suggestion, reply: Reply, caps: set[str]) -> bool:
    if perms.STAFF in caps:
        return True
    return bool(caps & {perms.CLERK, perms.HEAD}) and reply.assignment.unit_id in set(
        people.unit_ids(user)
    )


def panel(request: HttpRequest, s: Suggestion) -> dict[str, Any] | None:
    """This round's replies the person may see the check of: drafts checked now, sent replies
    as they were checked at signing."""
    user = request.user
    caps = perms.capacities(user, s)
    if not caps & {perms.STAFF, perms.CLERK, perms.HEAD}:
        return None
    rows = []
    replies = (
        s.replies.filter(round=s.round)
        .select_related("assignment__unit", "signed_by", "suggestion")
        .order_by("pk")
    )
    for reply in replies:
        if not may_see(user, s, reply, caps):
            continue
        found, kept = reply_findings(reply)
        if reply.state == Reply.State.SENT and not kept:
            continue  # signed before the checker existed
        explained = shown(found)
        rows.append(
            {
                "reply": reply,
                "draft": reply.state == Reply.State.DRAFT,
                "findings": explained,
                "errors": sum(1 for f in explained if f["error"]),
                "warnings": sum(1 for f in explained if not f["error"]),
                "justification": reply.norm_justification,
            }
        )
    if not rows:
        return None
    return {"rows": rows}


def advice(s: Suggestion, assignment: Assignment) -> list[str]:
    """One line for the draft and sign forms: how many findings this unit's draft has."""
    draft = (
        Reply.objects.filter(assignment=assignment, round=s.round, state=Reply.State.DRAFT)
        .select_related("assignment__unit", "suggestion", "signed_by")
        .first()
    )
    if draft is None:
        return []
    found = findings(draft)
    if not found:
        return []
    errors = sum(1 for f in found if f.severity == norms.ERROR)
    warnings = len(found) - errors
    justified = bool(draft.norm_justification.strip())
    return [
        translation.gettext(
            "The reply-norm check finds %(errors)d to fix and %(warnings)d to review in this "
            "draft (see “Reply norms” below)%(justified)s."
        )
        % {
            "errors": errors,
            "warnings": warnings,
            "justified": translation.gettext("; the unit has given a justification")
            if justified
            else "",
        }
    ]
