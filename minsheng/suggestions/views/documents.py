"""Documents generated from a suggestion: the Word reply letter and the joint opinion letter.

Each is fetched through `get_suggestion_for_user` first (404 when the suggestion is not visible),
then checked against the document's own rule; anything the person may not read is a 404 too, so
the URL does not reveal that a draft exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from minsheng.lib.letters import docx_response
from minsheng.people import permissions as people
from minsheng.suggestions import letters
from minsheng.suggestions.models import Assignment, JointOpinion, Reply, Suggestion
from minsheng.suggestions.permissions import get_suggestion_for_user

if TYPE_CHECKING:
    from minsheng.people.permissions import Person


def can_read_reply(user: Person, s: Suggestion, reply: Reply) -> bool:
    """A sent reply is read by everyone who sees the suggestion; a draft only by its own unit's
    clerks and heads and by congress staff."""
    if reply.state == Reply.State.SENT:
        return True
    return people.is_staff_of(user, s.jurisdiction_id) or (
        reply.assignment.unit_id in people.unit_ids(user)
    )


def can_read_joint_opinion(user: Person, s: Suggestion, opinion: JointOpinion) -> bool:
    """A joint opinion goes to the lead unit: staff, the lead unit and the joint unit itself."""
    if people.is_staff_of(user, s.jurisdiction_id):
        return True
    units = people.unit_ids(user)
    if opinion.assignment.unit_id in units:
        return True
    return (
        s.assignments.filter(mode=Assignment.Mode.LEAD, unit_id__in=units)
        .exclude(state=Assignment.State.CANCELLED)
        .exists()
    )


@login_required
@require_GET
def reply_letter(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    s = get_suggestion_for_user(request.user, pk)
    reply = (
        Reply.objects.select_related("assignment__unit").filter(pk=reply_pk, suggestion=s).first()
    )
    if reply is None or not can_read_reply(request.user, s, reply):
        raise Http404("No such reply.")
    # ?format=letterhead: the 函 format, the unit's red letterhead on page one.
    letterhead = request.GET.get("format") == "letterhead"
    return docx_response(
        letters.reply_letter(reply, letterhead=letterhead), letters.reply_letter_filename(reply)
    )


@login_required
@require_GET
def joint_opinion_letter(request: HttpRequest, pk: int, opinion_pk: int) -> HttpResponse:
    s = get_suggestion_for_user(request.user, pk)
    opinion = (
        JointOpinion.objects.select_related("assignment__unit", "assignment__suggestion")
        .filter(pk=opinion_pk, assignment__suggestion=s)
        .first()
    )
    if opinion is None or not can_read_joint_opinion(request.user, s, opinion):
        raise Http404("No such joint opinion.")
    return docx_response(
        letters.joint_opinion_letter(opinion), letters.joint_opinion_filename(opinion)
    )
