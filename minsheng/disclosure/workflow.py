"""The publication's typed functions: each holds its action's own change and hands it to the
one runner (`minsheng.engine.actions.run`), which checks the declaration in `actions.py` (who,
state, rules, inputs), locks the row, saves, logs one event and notifies on commit.

`prepare` is the one change outside a declared action (there is no row yet): it runs after a
reply is sent (`hooks.on_suggestion_changed`, after the commit), creates the record with the
automatic detections, logs the `prepare` event, and, once the suggestion is answered, queues
it as the system would any other step: through the engine, which refuses a confidential one,
so the system withholds it instead (with the refusal as the reason).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.disclosure import redaction
from minsheng.disclosure.actions import CONFIDENTIAL_REFUSAL, PUBLICATIONS
from minsheng.disclosure.models import Publication
from minsheng.engine import actions as engine
from minsheng.engine.errors import Conflict, Invalid, WorkflowError
from minsheng.people.models import User
from minsheng.suggestions.models import Assignment, CoSigner, Reply, Suggestion

Try = engine.Attempt[Any]
P = Publication.State
S = Suggestion.State


# --- the pieces of a publication and what is masked in them --------------------------------------


def sent_replies(suggestion: Suggestion | int) -> list[Reply]:
    pk = suggestion if isinstance(suggestion, int) else suggestion.pk
    return list(
        Reply.objects.filter(suggestion_id=pk, state=Reply.State.SENT)
        .select_related("assignment__unit")
        .order_by("round", "pk")
    )


def pieces(suggestion: Suggestion, replies: Iterable[Reply] | None = None) -> dict[str, str]:
    """The texts a publication covers, by key: the title, the body, each sent reply."""
    found = {"title": suggestion.title, "body": suggestion.body}
    for reply in sent_replies(suggestion) if replies is None else replies:
        found[f"reply:{reply.pk}"] = reply.text
    return found


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def known_values(suggestion: Suggestion, replies: Iterable[Reply] = ()) -> list[str]:
    """The contact details the database knows of the people on this suggestion: the lead
    deputy's and every co-signer's phone, e-mail and address, and each reply's contact phones
    (DOMAIN §2.8: remove deputies' contact details)."""
    deputies = [suggestion.lead_deputy] + [
        c.deputy for c in CoSigner.objects.filter(suggestion=suggestion).select_related("deputy")
    ]
    values = []
    for d in deputies:
        values += [d.contact_phone, d.contact_email, d.contact_address]
    for r in replies:
        values += [r.contact_leader_phone, r.case_officer_phone]
    return [v for v in values if v]


def detected(text: str, known: Iterable[str]) -> list[list[Any]]:
    return [[s.start, s.end, s.kind] for s in redaction.detect(text, known)]


def public_text(pub: Publication, key: str, original: str) -> str | None:
    """What the public sees of one piece: its summary if it has one, else the original with
    every stored span masked; None when the piece was never reviewed or its text changed
    since (a piece is never shown unreviewed)."""
    if key not in pub.shown or pub.fingerprints.get(key) != fingerprint(original):
        return None
    summary = pub.summaries.get(key)
    if summary:
        return str(summary)
    return redaction.apply(original, pub.spans.get(key, ()))


# --- the automatic step ---------------------------------------------------------------------------


def _due(replies: list[Reply]) -> tuple[datetime.date | None, bool]:
    dated = [r for r in replies if r.publication_due is not None]
    if not dated:
        return None, False
    last = max(dated, key=lambda r: r.publication_due)  # type: ignore[arg-type, return-value]
    return last.publication_due, last.publication_due_uncertain


def _add_pieces(pub: Publication, suggestion: Suggestion, replies: list[Reply]) -> list[str]:
    """New pieces (a first reply, a later round's reply) get their automatic detections."""
    known = known_values(suggestion, replies)
    added = []
    for key, text in pieces(suggestion, replies).items():
        if key in pub.fingerprints:
            continue
        pub.spans[key] = detected(text, known)
        pub.fingerprints[key] = fingerprint(text)
        added.append(key)
    return added


def prepare(suggestion: Suggestion | int) -> Publication | None:
    """Prepare (or bring up to date) the publication record of a suggestion with a sent reply.
    Idempotent: run it again and nothing changes. Returns None when there is nothing to
    publish (no reply sent)."""
    pk = suggestion if isinstance(suggestion, int) else suggestion.pk
    with transaction.atomic():
        s = (
            Suggestion.objects.select_for_update(of=("self",))
            .select_related("lead_deputy", "session")
            .get(pk=pk)
        )
        replies = sent_replies(s)
        if not replies:
            return None
        due, uncertain = _due(replies)
        pub = Publication.objects.select_for_update().filter(suggestion=s).first()
        if pub is None:
            try:
                with transaction.atomic():
                    pub = Publication(
                        suggestion=s,
                        jurisdiction_id=s.jurisdiction_id,
                        confidential=s.is_confidential,
                        due=due,
                        due_uncertain=uncertain,
                    )
                    added = _add_pieces(pub, s, replies)
                    pub.save()
            except IntegrityError:  # prepared meanwhile by another worker
                pub = Publication.objects.select_for_update().get(suggestion=s)
            else:
                PUBLICATIONS.record(
                    pub,
                    "prepare",
                    None,
                    from_state="",
                    to_state=pub.state,
                    data={"due": due.isoformat() if due else None, "pieces": added},
                )
        else:
            added = _add_pieces(pub, s, replies)
            fields = []
            if added:
                fields += ["spans", "fingerprints"]
            if pub.state in Publication.REVIEWABLE and (pub.due, pub.due_uncertain) != (
                due,
                uncertain,
            ):
                pub.due, pub.due_uncertain = due, uncertain
                fields += ["due", "due_uncertain"]
            if pub.confidential != s.is_confidential and s.is_confidential:
                pub.confidential = True
                fields.append("confidential")
            if added:
                PUBLICATIONS.record(
                    pub,
                    "refresh",
                    None,
                    from_state=pub.state,
                    to_state=pub.state,
                    data={"pieces": added},
                    update_fields=fields,
                )
            elif fields:
                pub.save(update_fields=fields)
    if pub.state == P.NOT_DUE and s.state in (S.ANSWERED, S.CLOSED):
        try:
            pub = queue(pub, by=None)
        except Conflict as refused:
            if pub.confidential or s.is_confidential:
                pub = withhold(pub, by=None, reason=str(refused.message))
            else:
                raise
    if pub.state == P.PUBLISHED:
        refresh_listing(pub)
    return pub


def prepare_all(jurisdiction_id: int | None = None) -> int:
    """Prepare every suggestion with a sent reply that has no record yet (the demo, and an
    existing database's first run). Idempotent."""
    rows = Suggestion.objects.filter(
        state__in=[S.ANSWERED, S.CLOSED, S.REHANDLING], publication__isnull=True
    )
    if jurisdiction_id is not None:
        rows = rows.filter(jurisdiction_id=jurisdiction_id)
    count = 0
    for pk in rows.values_list("pk", flat=True).order_by("pk"):
        if prepare(pk) is not None:
            count += 1
    return count


def follow_confidential(suggestion: Suggestion | int) -> Publication | None:
    """Staff marked the suggestion confidential (`set_flags`): the system withdraws its
    published record, or withholds one under review, and marks it confidential, so no count or
    list of the public site includes it (the public queries test the suggestion's flag too)."""
    pk = suggestion if isinstance(suggestion, int) else suggestion.pk
    pub = Publication.objects.filter(suggestion_id=pk).select_related("suggestion").first()
    if pub is None or not pub.suggestion.is_confidential or pub.confidential:
        return pub
    reason = str(CONFIDENTIAL_REFUSAL)
    if pub.state == P.PUBLISHED:
        return withdraw(pub, by=None, reason=reason, confidential=True)
    if pub.state in Publication.REVIEWABLE:
        return withhold(pub, by=None, reason=reason, confidential=True)
    Publication.objects.filter(pk=pub.pk).update(confidential=True)
    pub.refresh_from_db()
    return pub


# --- the public listing's columns ---------------------------------------------------------------


def listing(s: Suggestion, replies: list[Reply] | None = None) -> dict[str, Any]:
    """The public list's columns of a suggestion, read from its replies and ratings."""
    from minsheng.suggestions.models import Rating

    replies = sent_replies(s) if replies is None else replies
    answering = [r for r in replies if r.assignment.mode != Assignment.Mode.JOINT]
    latest_round = max((r.round for r in answering), default=1)
    current = [r for r in answering if r.round == latest_round]
    lead = next(
        (r for r in current if r.assignment.mode == Assignment.Mode.LEAD),
        current[0] if current else None,
    )
    rating = ""
    if lead is not None:
        found = Rating.objects.filter(reply=lead).values_list("overall", flat=True).first()
        rating = found or ""
    due = s.reply_due
    sent_days = [timezone.localtime(r.sent_at).date() for r in answering if r.sent_at]
    on_time = due is None or all(day <= due for day in sent_days)
    answered = timezone.localtime(s.answered_at).date() if s.answered_at else None
    return {
        "year": s.session.start_date.year,
        "session_id": s.session_id,
        "category_id": s.category_id,
        "unit_id": lead.assignment.unit_id if lead else None,
        "delegation_id": s.lead_deputy.delegation_id,
        "result": lead.category if lead else "",
        "rating": rating,
        "on_time": on_time,
        "answered_on": answered,
    }


def refresh_listing(pub: Publication) -> None:
    """A rating given after publication (or a closed suggestion) updates the public columns;
    not a step of the publication, so no event."""
    s = Suggestion.objects.select_related("session", "lead_deputy").get(pk=pub.suggestion_id)
    values = listing(s)
    Publication.objects.filter(pk=pub.pk, state=P.PUBLISHED).update(**values)


# --- the declared actions ------------------------------------------------------------------------


def _run(
    action: str,
    pub: Publication | int,
    by: User | None,
    change: Callable[[Try], Any],
    expected_version: int | None,
    inputs: dict[str, Any],
) -> Publication:
    result: Publication = engine.run(
        PUBLICATIONS,
        action,
        pub,
        by=by,
        change=change,
        expected_version=expected_version,
        inputs=inputs,
    )
    return result


def queue(
    pub: Publication | int,
    *,
    by: User | None,
    note: str = "",
    expected_version: int | None = None,
) -> Publication:
    def change(t: Try) -> Publication:
        t.log(note=note.strip(), data={"due": t.obj.due.isoformat() if t.obj.due else None})
        return t.obj

    return _run("queue", pub, by, change, expected_version, {"note": note})


def _piece_text(pub: Publication, key: str) -> str:
    s = pub.suggestion
    if key == "title":
        return s.title
    if key == "body":
        return s.body
    if key.startswith("reply:") and key in pub.fingerprints:
        reply = Reply.objects.filter(
            pk=key.removeprefix("reply:"), suggestion_id=s.pk, state=Reply.State.SENT
        ).first()
        if reply is not None:
            return reply.text
    raise Invalid(_("There is no text “%(piece)s” in this publication.") % {"piece": key})


def mask(
    pub: Publication | int,
    *,
    by: User,
    piece: str,
    text: str,
    expected_version: int | None = None,
) -> Publication:
    """Mask every occurrence of `text` in one piece (the spans are stored; the original is
    kept)."""

    def change(t: Try) -> Publication:
        p: Publication = t.obj
        key = piece.strip()
        original = _piece_text(p, key)
        found = redaction.occurrences(original, text)
        if not found:
            raise Invalid(_("That text does not occur in this part: nothing was masked."))
        spans = [[s.start, s.end, s.kind] for s in redaction.merge([*p.spans.get(key, []), *found])]
        p.spans = {**p.spans, key: spans}
        t.set(spans=p.spans)
        t.log(
            data={
                "piece": key,
                "spans": [[s.start, s.end] for s in found],
                "length": len(text.strip()),
            }
        )
        return p

    return _run("mask", pub, by, change, expected_version, {"piece": piece, "text": text})


def _parse_span(span: str) -> tuple[str, int, int]:
    try:
        key, start, end = span.strip().rsplit(":", 2)
        return key, int(start), int(end)
    except ValueError:
        raise Invalid(
            _("“%(span)s” is not a masked span of this publication.") % {"span": span}
        ) from None


def unmask(
    pub: Publication | int,
    *,
    by: User,
    span: str,
    expected_version: int | None = None,
) -> Publication:
    """Show a masked span again (a detection that is not personal data)."""

    def change(t: Try) -> Publication:
        p: Publication = t.obj
        key, start, end = _parse_span(span)
        current = p.spans.get(key, [])
        kept = [s for s in current if not (s[0] == start and s[1] == end)]
        if len(kept) == len(current):
            raise Invalid(
                _("“%(span)s” is not a masked span of this publication.") % {"span": span}
            )
        kind = next(s[2] for s in current if s[0] == start and s[1] == end)
        p.spans = {**p.spans, key: kept}
        t.set(spans=p.spans)
        t.log(data={"piece": key, "span": [start, end], "kind": kind})
        return p

    return _run("unmask", pub, by, change, expected_version, {"span": span})


def summarise(
    pub: Publication | int,
    *,
    by: User,
    piece: str,
    summary: str = "",
    expected_version: int | None = None,
) -> Publication:
    """A summary replaces a long reply in public. It is checked by the same detectors: a
    summary carrying a phone number or an identity number is refused."""

    def change(t: Try) -> Publication:
        p: Publication = t.obj
        key = piece.strip()
        if not key.startswith("reply:"):
            raise Invalid(_("Only a reply can be replaced by a summary."))
        _piece_text(p, key)
        text = summary.strip()
        if text:
            found = redaction.detect(text, known_values(p.suggestion, sent_replies(p.suggestion)))
            if found:
                raise Invalid(
                    _(
                        "The summary contains personal data (%(kinds)s): write it without, or "
                        "mask it in the reply instead."
                    )
                    % {
                        "kinds": ", ".join(
                            sorted({str(KIND_LABELS.get(s.kind, s.kind)) for s in found})
                        )
                    }
                )
            p.summaries = {**p.summaries, key: text}
        else:
            p.summaries = {k: v for k, v in p.summaries.items() if k != key}
        t.set(summaries=p.summaries)
        t.log(data={"piece": key, "summary": bool(text)})
        return p

    return _run(
        "summarise", pub, by, change, expected_version, {"piece": piece, "summary": summary}
    )


def publish(
    pub: Publication | int,
    *,
    by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Publication:
    def change(t: Try) -> Publication:
        p: Publication = t.obj
        s = p.suggestion
        replies = sent_replies(s)
        # Pieces prepared for a text that has changed since are not shown.
        shown = [
            key
            for key, text in pieces(s, replies).items()
            if p.fingerprints.get(key) == fingerprint(text)
        ]
        t.set(
            shown=shown,
            public=1,
            published_at=timezone.now(),
            withdrawn_at=None,
            reason="",
            **listing(s, replies),
        )
        t.log(note=note.strip(), data={"pieces": shown})
        return p

    return _run("publish", pub, by, change, expected_version, {"note": note})


def publish_batch(ids: Iterable[int], *, by: User) -> tuple[list[Publication], dict[int, str]]:
    """Publish several reviewed records (the queue's batch): each is its own action and event;
    one that is refused (confidential, not in review, not the person's) does not stop the
    others. Returns the published ones and the refusals by id."""
    from minsheng.disclosure.permissions import get_publication_for_user

    done, refused = [], {}
    for pk in dict.fromkeys(ids):
        try:
            pub = get_publication_for_user(by, pk)
            done.append(publish(pub, by=by))
        except WorkflowError as error:
            refused[pk] = error.message
        except Http404:
            refused[pk] = _("No such publication.")
    return done, refused


def withhold(
    pub: Publication | int,
    *,
    by: User | None,
    reason: str,
    expected_version: int | None = None,
    confidential: bool = False,
) -> Publication:
    def change(t: Try) -> Publication:
        t.set(reason=reason.strip())
        if confidential:
            t.set(confidential=True)
        t.log(note=reason.strip())
        return t.obj

    return _run("withhold", pub, by, change, expected_version, {"reason": reason})


def withdraw(
    pub: Publication | int,
    *,
    by: User | None,
    reason: str,
    expected_version: int | None = None,
    confidential: bool = False,
) -> Publication:
    def change(t: Try) -> Publication:
        t.set(public=0, withdrawn_at=timezone.now(), reason=reason.strip())
        if confidential:
            t.set(confidential=True)
        t.log(note=reason.strip())
        return t.obj

    return _run("withdraw", pub, by, change, expected_version, {"reason": reason})


def reopen(
    pub: Publication | int,
    *,
    by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Publication:
    def change(t: Try) -> Publication:
        t.set(reason="", public=0)
        t.log(note=note.strip())
        return t.obj

    return _run("reopen", pub, by, change, expected_version, {"note": note})


KIND_LABELS: dict[str, Any] = {}


def _kind_labels() -> None:
    from django.utils.translation import gettext_lazy

    KIND_LABELS.update(
        {
            "phone": gettext_lazy("phone number"),
            "id_card": gettext_lazy("identity card number"),
            "bank_card": gettext_lazy("bank card number"),
            "email": gettext_lazy("e-mail address"),
            "address": gettext_lazy("house address"),
            "plate": gettext_lazy("licence plate"),
            "contact": gettext_lazy("a deputy's or officer's contact detail"),
            "manual": gettext_lazy("masked by the reviewer"),
        }
    )


_kind_labels()

# The typed function of every declared action.
ACTIONS: dict[str, Callable[..., Publication]] = {
    "queue": queue,
    "mask": mask,
    "unmask": unmask,
    "summarise": summarise,
    "publish": publish,
    "withhold": withhold,
    "withdraw": withdraw,
    "reopen": reopen,
}
assert set(ACTIONS) == set(PUBLICATIONS.actions)
__all__ = ["CONFIDENTIAL_REFUSAL", "ACTIONS"]
