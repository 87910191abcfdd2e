"""The indicators a scheme may use: each one's words, direction and the rows it counts.

Every indicator is a set of **counted rows** (assignments, replies, ratings, commitments,
instructions), each belonging to one handling unit and one suggestion, and a condition that says
which of them **met** the indicator. The same declaration gives

- the grouped tally for every unit at once (`figures.tallies`: one aggregate query per part,
  grouped by unit; no loop over units), and
- the drill-down for one unit (`figures.members`: the suggestions behind the figure, each marked
  met or not).

The rows are read from the stored dates and from the event log (the `late` flag written when a
reply was signed), through the suggestions' own vocabulary (`Assignment.ACTIVE_STATES`,
`IN_HANDLING_STATES`, `commitments.solved_q`).

Reply-norm findings (答复规范, DOMAIN §3) come from the insight app's checker as it ran when the
head signed (`Reply.norm_check`): `reply_norms` counts the checked replies and meets those with
no finding to fix, or with the unit's justification of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.audit.models import Event
from minsheng.evaluation.scoring import Indicator, Period
from minsheng.ledger import commitments
from minsheng.ledger.models import LedgerItem
from minsheng.lib.workdays import Due, WorkCalendar
from minsheng.suggestions import deadlines
from minsheng.suggestions.models import (
    IN_HANDLING_STATES,
    Assignment,
    ContactLog,
    ExtensionRequest,
    Rating,
    Reply,
    RuleSet,
    Suggestion,
)
from minsheng.supervision.models import Instruction
from minsheng.workcalendar import work_calendar

A = Assignment.State
M = Assignment.Mode
ANSWERING = (M.LEAD, M.SEPARATE)
NOT_REPLIED = (A.AWAITING_SIGNATURE, A.SIGNED, A.ADJUSTMENT_REQUESTED)
NEVER = Q(pk__lt=0)  # a condition no row meets (an overdue item never met "on time")
FACE_TO_FACE = (
    ContactLog.Method.FACE_TO_FACE,
    ContactLog.Method.SITE_VISIT,
    ContactLog.Method.MEETING,
)


@dataclass(frozen=True)
class Scope:
    """Whose figures, over which days: one congress, one period, judged on `as_of`."""

    jurisdiction_id: int
    period: Period
    as_of: datetime.date


@dataclass(frozen=True)
class Part:
    """One set of counted rows: the queryset, where its unit and suggestion are, and when a
    row met the indicator."""

    rows: QuerySet
    unit: str
    suggestion: str
    met: Q


@dataclass(frozen=True)
class Declared:
    key: str
    label: Promise
    description: Promise
    parts: Callable[[Scope], list[Part]]
    higher_is_better: bool = True

    @property
    def pure(self) -> Indicator:
        return Indicator(self.key, self.higher_is_better)


def _within(field: str, period: Period) -> Q:
    """A date field in the period; for a moment (`sent_at__date`), the moment between the
    local midnights that bound it, so the column's index is used (no date cast per row)."""
    if field.endswith("__date"):
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(period.end, datetime.time(), tzinfo=zone)
        moment = field.removesuffix("__date")
        return Q(**{f"{moment}__gte": start, f"{moment}__lt": end + datetime.timedelta(days=1)})
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _answering(scope: Scope) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        suggestion__jurisdiction_id=scope.jurisdiction_id, mode__in=ANSWERING
    ).exclude(state=A.CANCELLED)


def _sent_replies(scope: Scope) -> QuerySet[Reply]:
    return (
        Reply.objects.filter(
            suggestion__jurisdiction_id=scope.jurisdiction_id,
            state=Reply.State.SENT,
            assignment__mode__in=ANSWERING,
        )
        .filter(_within("sent_at__date", scope.period))
        .annotate(sent_on=TruncDate("sent_at"))
    )


def _final(replies: QuerySet[Reply]) -> QuerySet[Reply]:
    """Each assignment's latest sent reply (a re-handling round's reply replaces the first)."""
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"), state=Reply.State.SENT, round__gt=OuterRef("round")
    )
    return replies.filter(~Exists(later))


def _reply_part(scope: Scope, met: Q, *, final: bool = True) -> list[Part]:
    rows = _sent_replies(scope)
    return [Part(_final(rows) if final else rows, "assignment__unit_id", "suggestion_id", met)]


# --- the indicators ----------------------------------------------------------------------------


def sign_on_time(scope: Scope) -> list[Part]:
    """Assignments whose sign-for date falls in the period: signed by it, or past it unsigned."""
    rows = (
        Assignment.objects.filter(suggestion__jurisdiction_id=scope.jurisdiction_id)
        .exclude(state=A.CANCELLED)
        .filter(_within("sign_due", scope.period))
        .filter(Q(signed_at__isnull=False) | Q(sign_due__lt=scope.as_of))
    )
    met = Q(signed_at__isnull=False) & Q(signed_at__date__lte=F("sign_due"))
    return [Part(rows, "unit_id", "suggestion_id", met)]


def _overdue_open(scope: Scope) -> QuerySet[Assignment]:
    """Answering assignments not replied whose suggestion's reply due date fell in the period
    and has passed: overdue, so not on time."""
    return (
        _answering(scope)
        .filter(state__in=NOT_REPLIED, suggestion__state__in=IN_HANDLING_STATES)
        .filter(_within("suggestion__reply_due", scope.period))
        .filter(suggestion__reply_due__lt=scope.as_of)
    )


def reply_on_time(scope: Scope) -> list[Part]:
    """Replies signed in the period by the due date in force (the event log's `late` flag at
    signing: the 3 months, an approved extension, a re-handling round's month), plus the
    replies overdue now."""
    suggestion_type = ContentType.objects.get_for_model(Suggestion)
    signed = Event.objects.filter(
        subject_type=suggestion_type,
        action="sign_reply",
        assignment__suggestion__jurisdiction_id=scope.jurisdiction_id,
    ).filter(_within("at__date", scope.period))
    return [
        Part(signed, "assignment__unit_id", "subject_id", ~Q(data__late=True)),
        Part(_overdue_open(scope), "unit_id", "suggestion_id", NEVER),
    ]


def _limit_parts(
    scope: Scope, limit_of: Callable[[datetime.date, deadlines.Rules, WorkCalendar], Due]
) -> list[Part]:
    """First-round answers sent in the period within N months of assignment (the rule set's 3
    or 6), the last day moved to a working day (Civil Code art. 203); and first-round items
    unanswered whose limit fell in the period and has passed. The limit depends on the
    assignment date only: computed once per distinct date of the months that can matter (an
    answer sent in the period to an assignment older than the longest limit is late anyway)."""
    rules = RuleSet.rules_for(scope.jurisdiction_id)
    calendar = work_calendar()
    oldest = scope.period.start - datetime.timedelta(days=31 * (rules.reply_cap_months + 1))
    dates = (
        _answering(scope)
        .filter(assigned_on__gte=oldest, assigned_on__lte=scope.period.end)
        .order_by()
        .values_list("assigned_on", flat=True)
        .distinct()
    )
    limit = {day: limit_of(day, rules, calendar).date for day in set(dates)}
    within = NEVER
    for day, due in limit.items():
        within |= Q(assignment__assigned_on=day, sent_at__lt=_midnight_after(due))
    replies = _sent_replies(scope).filter(round=1)
    past = [
        day
        for day, due in limit.items()
        if scope.period.start <= due <= scope.period.end and due < scope.as_of
    ]
    late_open = (
        _answering(scope)
        .filter(state__in=NOT_REPLIED, suggestion__state__in=IN_HANDLING_STATES)
        .filter(suggestion__round=1, assigned_on__in=past)
    )
    return [
        Part(replies, "assignment__unit_id", "suggestion_id", within),
        Part(late_open, "unit_id", "suggestion_id", NEVER),
    ]


def _midnight_after(day: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)


def reply_within_limit(scope: Scope) -> list[Part]:
    return _limit_parts(scope, deadlines.reply_due)


def reply_within_cap(scope: Scope) -> list[Part]:
    return _limit_parts(scope, deadlines.reply_cap)


def extensions(scope: Scope) -> list[Part]:
    """Answering assignments made in the period that needed an approved extension."""
    approved = ExtensionRequest.objects.filter(
        assignment=OuterRef("pk"), decision=ExtensionRequest.Decision.APPROVED
    )
    rows = _answering(scope).filter(_within("assigned_on", scope.period))
    return [Part(rows, "unit_id", "suggestion_id", Q(Exists(approved)))]


def _contact(**extra: object) -> Exists:
    return Exists(
        ContactLog.objects.filter(
            assignment=OuterRef("assignment"),
            round=OuterRef("round"),
            contacted_on__lte=OuterRef("sent_on"),
            **extra,
        )
    )


def contact_before_reply(scope: Scope) -> list[Part]:
    """Replies sent in the period with a contact logged in their round before the reply."""
    return _reply_part(scope, Q(_contact()), final=False)


def face_to_face(scope: Scope) -> list[Part]:
    """Replies whose round had a face-to-face contact (in person, site visit, meeting)."""
    return _reply_part(scope, Q(_contact(method__in=FACE_TO_FACE)), final=False)


def follow_up_contact(scope: Scope) -> list[Part]:
    """Replies whose round had an after-handling contact (办后问效)."""
    stage = ContactLog.Stage.AFTER
    exists = Exists(
        ContactLog.objects.filter(
            assignment=OuterRef("assignment"), round=OuterRef("round"), stage=stage
        )
    )
    return _reply_part(scope, Q(exists), final=False)


def joint_on_time(scope: Scope) -> list[Part]:
    """Joint units' opinions due in the period: submitted by the due date, or past it missing."""
    rows = (
        Assignment.objects.filter(
            suggestion__jurisdiction_id=scope.jurisdiction_id,
            mode=M.JOINT,
            joint_opinion_due__isnull=False,
        )
        .exclude(state=A.CANCELLED)
        .filter(_within("joint_opinion_due", scope.period))
        .filter(Q(joint_opinion__isnull=False) | Q(joint_opinion_due__lt=scope.as_of))
    )
    met = Q(joint_opinion__isnull=False) & Q(
        joint_opinion__submitted_at__date__lte=F("joint_opinion_due")
    )
    return [Part(rows, "unit_id", "suggestion_id", met)]


def final_ratings(jurisdiction_id: int) -> QuerySet[Rating]:
    """Each assignment's last rating (a re-handling round's rating is the deputy's last word)."""
    later = Rating.objects.filter(
        reply__assignment=OuterRef("reply__assignment"), round__gt=OuterRef("round")
    )
    return Rating.objects.filter(suggestion__jurisdiction_id=jurisdiction_id).filter(~Exists(later))


SATISFIED = (Rating.Overall.SATISFIED, Rating.Overall.BASICALLY)


def _rating_part(scope: Scope, met: Q, field: str = "overall") -> list[Part]:
    rows = final_ratings(scope.jurisdiction_id).filter(_within("rated_at__date", scope.period))
    if field == "overall":
        rows = rows.filter(overall__in=Rating.RATED)  # not rated is never counted as satisfied
    else:
        rows = rows.exclude(**{field: ""})
    return [Part(rows, "reply__assignment__unit_id", "suggestion_id", met)]


def satisfaction(scope: Scope) -> list[Part]:
    return _rating_part(scope, Q(overall__in=SATISFIED))


def satisfied_share(scope: Scope) -> list[Part]:
    return _rating_part(scope, Q(overall=Rating.Overall.SATISFIED))


def unsatisfied_share(scope: Scope) -> list[Part]:
    return _rating_part(scope, Q(overall=Rating.Overall.UNSATISFIED))


def process_satisfaction(scope: Scope) -> list[Part]:
    return _rating_part(scope, Q(process__in=SATISFIED), "process")


def result_satisfaction(scope: Scope) -> list[Part]:
    return _rating_part(scope, Q(result__in=SATISFIED), "result")


def _category(*codes: str) -> Callable[[Scope], list[Part]]:
    def parts(scope: Scope) -> list[Part]:
        return _reply_part(scope, Q(category__in=codes))

    return parts


def commitments_fulfilled(scope: Scope) -> list[Part]:
    """B commitments whose target date fell in the period and has passed: solved (a second
    reply said so and it was not reopened since) or not."""
    rows = (
        LedgerItem.objects.filter(jurisdiction_id=scope.jurisdiction_id)
        .filter(commitments.commitments_q())
        .filter(_within("ends_on", scope.period))
        .filter(Q(ends_on__lt=scope.as_of) | commitments.solved_q())
    )
    return [Part(rows, "responsible_unit_id", "source_suggestion_id", commitments.solved_q())]


def rehandling(scope: Scope) -> list[Part]:
    """First-round replies sent in the period that led to re-handling (an unsatisfied rating
    or a later round's reply). Lower is better."""
    later = Reply.objects.filter(assignment=OuterRef("assignment"), round__gt=1)
    met = Q(rating__overall=Rating.Overall.UNSATISFIED) | Q(Exists(later))
    return [Part(_sent_replies(scope).filter(round=1), "assignment__unit_id", "suggestion_id", met)]


def reply_norms(scope: Scope) -> list[Part]:
    """Replies sent in the period that the reply-norm checker saw when they were signed: met
    when it found nothing to fix, or the unit justified what it found. Replies signed before
    the checker are not counted (no data, never a pass)."""
    met = Q(norm_check__error_count=0) | Q(norm_check__justified=True)
    rows = _sent_replies(scope).filter(norm_check__isnull=False)
    return [Part(rows, "assignment__unit_id", "suggestion_id", met)]


def instruction_response(scope: Scope) -> list[Part]:
    """Supervision instructions (批示) due in the period: answered by the due date, or open
    past it."""
    rows = (
        Instruction.objects.filter(jurisdiction_id=scope.jurisdiction_id)
        .filter(_within("due", scope.period))
        .filter(Q(responded_at__isnull=False) | Q(due__lt=scope.as_of))
    )
    met = Q(responded_at__isnull=False) & Q(responded_at__date__lte=F("due"))
    return [Part(rows, "unit_id", "suggestion_id", met)]


INDICATORS: dict[str, Declared] = {
    d.key: d
    for d in (
        Declared(
            "sign_on_time",
            _("Signed for on time"),
            _("Assignments signed for by their sign-for date (or past it unsigned)."),
            sign_on_time,
        ),
        Declared(
            "reply_on_time",
            _("Replied on time"),
            _("Replies signed by the due date in force (with extensions), and overdue ones."),
            reply_on_time,
        ),
        Declared(
            "reply_within_limit",
            _("Answered within the standard limit"),
            _("First answers within the rule set's reply limit (3 months) of assignment."),
            reply_within_limit,
        ),
        Declared(
            "reply_within_cap",
            _("Answered within the longest limit"),
            _("First answers within the longest limit (6 months) of assignment."),
            reply_within_cap,
        ),
        Declared(
            "extensions",
            _("Extended"),
            _("Lead and separate assignments that needed an approved extension."),
            extensions,
            higher_is_better=False,
        ),
        Declared(
            "contact_before_reply",
            _("Contact before reply"),
            _("Replies with a contact with the deputy logged in their round before the reply."),
            contact_before_reply,
        ),
        Declared(
            "face_to_face",
            _("Face-to-face contact"),
            _("Replies whose round had a contact in person, on site or at a meeting."),
            face_to_face,
        ),
        Declared(
            "follow_up_contact",
            _("Follow-up contact"),
            _("Replies whose round had an after-handling contact (办后问效)."),
            follow_up_contact,
        ),
        Declared(
            "joint_on_time",
            _("Joint opinions on time"),
            _("Joint units' opinions submitted by their due date (or past it missing)."),
            joint_on_time,
        ),
        Declared(
            "reply_norms",
            _("Replies to the norms"),
            _(
                "Replies the reply-norm checker saw at signing with nothing to fix, or with the "
                "unit's justification."
            ),
            reply_norms,
        ),
        Declared(
            "satisfaction",
            _("Satisfied or basically satisfied"),
            _("The deputies' last ratings: satisfied or basically satisfied; not rated apart."),
            satisfaction,
        ),
        Declared(
            "satisfied_share",
            _("Satisfied"),
            _("The deputies' last ratings that are 满意."),
            satisfied_share,
        ),
        Declared(
            "unsatisfied_share",
            _("Unsatisfied"),
            _("The deputies' last ratings that are 不满意."),
            unsatisfied_share,
            higher_is_better=False,
        ),
        Declared(
            "process_satisfaction",
            _("Satisfied with the process"),
            _("Where the process was rated separately: satisfied or basically satisfied."),
            process_satisfaction,
        ),
        Declared(
            "result_satisfaction",
            _("Satisfied with the result"),
            _("Where the result was rated separately: satisfied or basically satisfied."),
            result_satisfaction,
        ),
        Declared(
            "share_a", _("Category A"), _("Last replies of category A (solved)."), _category("A")
        ),
        Declared(
            "share_b",
            _("Category B"),
            _("Last replies of category B (being solved)."),
            _category("B"),
        ),
        Declared(
            "share_c",
            _("Category C"),
            _("Last replies of category C (later, conditions do not allow)."),
            _category("C"),
        ),
        Declared(
            "share_d",
            _("Category D"),
            _("Last replies of category D (for reference)."),
            _category("D"),
        ),
        Declared(
            "share_ab",
            _("Solved or being solved"),
            _("Last replies of category A or B."),
            _category("A", "B"),
        ),
        Declared(
            "commitments_fulfilled",
            _("Commitments fulfilled"),
            _("B commitments due in the period that were solved by a second reply."),
            commitments_fulfilled,
        ),
        Declared(
            "rehandling",
            _("Re-handled"),
            _("First replies that led to re-handling (unsatisfied, or answered again)."),
            rehandling,
            higher_is_better=False,
        ),
        Declared(
            "instruction_response",
            _("Instructions answered on time"),
            _("Supervision instructions answered by their due date (or past it open)."),
            instruction_response,
        ),
    )
}

PURE = {key: d.pure for key, d in INDICATORS.items()}
