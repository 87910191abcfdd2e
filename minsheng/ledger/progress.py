"""Pure rules of a ledger item's progress: its status, the roll-up from child items, the next
deadline, and the checks on a plan (dates, milestones and their weights). No Django models
here, so the rules are read and tested on their own; `workflow.refresh` stores the results."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minsheng.ledger.models import Status


def status_of(
    *,
    stopped: bool,
    progress: int,
    due: datetime.date | None,
    reported_on: datetime.date | None,
    today: datetime.date,
) -> Status:
    """Stopped beats everything; 100 % is done; a running item past its next deadline lags;
    one nobody has reported on yet has not started; the rest is in progress."""
    if stopped:
        return Status.STOPPED
    if progress >= 100:
        return Status.DONE
    if due is not None and due < today:
        return Status.LAGGING
    if reported_on is None and progress == 0:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


@dataclass(frozen=True)
class Step:
    """A milestone as the rules see it."""

    title: str
    due: datetime.date
    weight: int
    done: bool = False


@dataclass(frozen=True)
class Child:
    weight: int
    progress: int
    due: datetime.date | None
    reported_on: datetime.date | None
    done_on: datetime.date | None
    stopped: bool


@dataclass(frozen=True)
class Derived:
    progress: int
    due: datetime.date | None
    reported_on: datetime.date | None
    done_on: datetime.date | None
    all_stopped: bool = False


def next_deadline(
    steps: Iterable[Step], ends_on: datetime.date | None, pace_due: datetime.date
) -> datetime.date:
    """The earliest date the item still has to meet: an open milestone, its planned end or its
    710 due date."""
    dates = [s.due for s in steps if not s.done]
    if ends_on is not None:
        dates.append(ends_on)
    dates.append(pace_due)
    return min(dates)


def done_share(steps: Iterable[Step]) -> int:
    """The weight of the milestones already done (of 100)."""
    return sum(s.weight for s in steps if s.done)


def leaf(
    *,
    steps: Sequence[Step],
    reported: int | None,
    reported_on: datetime.date | None,
    done_on: datetime.date | None,
    ends_on: datetime.date | None,
    pace_due: datetime.date,
) -> Derived:
    """An item without children: its progress is the last reported percent (never less than
    its done milestones' weight)."""
    progress = max(reported or 0, done_share(steps))
    progress = min(progress, 100)
    if progress >= 100:
        return Derived(100, None, reported_on, done_on or reported_on)
    return Derived(progress, next_deadline(steps, ends_on, pace_due), reported_on, None)


def roll_up(children: Sequence[Child], *, own_due: datetime.date | None) -> Derived:
    """A parent's figures from its children (as Decidim's accountability results): the
    progress is the weighted mean over the children still running or done; the next deadline
    is the earliest of theirs (and the parent's own); it is done when every child that was not
    stopped is done, and stopped when all of them were."""
    live = [c for c in children if not c.stopped]
    if not children:
        return Derived(0, own_due, None, None)
    if not live:
        return Derived(0, None, None, None, all_stopped=True)
    total = sum(c.weight for c in live)
    if total == 0:
        progress = round(sum(c.progress for c in live) / len(live))
    else:
        progress = round(sum(c.weight * c.progress for c in live) / total)
    reported = [c.reported_on for c in live if c.reported_on is not None]
    reported_on = max(reported) if reported else None
    if all(c.progress >= 100 for c in live):
        finished = [c.done_on for c in live if c.done_on is not None]
        return Derived(100, None, reported_on, max(finished) if finished else reported_on)
    dues = [c.due for c in live if c.due is not None and c.progress < 100]
    if own_due is not None:
        dues.append(own_due)
    # A parent is never shown done before all its children are.
    return Derived(min(progress, 99), min(dues) if dues else None, reported_on, None)


# --- a plan: dates and milestones --------------------------------------------------------------

LINE_RE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*[|｜]\s*(.+?)\s*[|｜]\s*(\d{1,3})\s*%?\s*$")


class PlanError(ValueError):
    """A plan that cannot stand, with the field it concerns and the message to show."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def parse_milestones(text: str) -> list[Step]:
    """Milestones written one per line as `2027-03-31 | 完成选址 | 20` (date, title, weight)."""
    steps: list[Step] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE_RE.match(line)
        if match is None:
            raise PlanError(
                "milestones",
                _(
                    "Line %(line)s: write a milestone as “date | title | weight”, such as "
                    "“2027-03-31 | 完成选址 | 20”."
                )
                % {"line": number},
            )
        day, title, weight = match.groups()
        try:
            due = datetime.date.fromisoformat("-".join(part.zfill(2) for part in day.split("-")))
        except ValueError:
            raise PlanError(
                "milestones",
                _("Line %(line)s: %(date)s is not a date.") % {"line": number, "date": day},
            ) from None
        steps.append(Step(title[:200], due, int(weight)))
    return steps


def format_milestones(steps: Iterable[Step]) -> str:
    return "\n".join(f"{s.due.isoformat()} | {s.title} | {s.weight}" for s in steps)


def check_plan(
    *,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    steps: Sequence[Step],
) -> list[PlanError]:
    """What is wrong with a plan: an end before the start, a milestone before the start or
    after the planned end, a weight outside 0–100, weights that do not add up to 100."""
    found: list[PlanError] = []
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        found.append(PlanError("ends_on", _("The planned end is before the start.")))
    for step in steps:
        if starts_on is not None and step.due < starts_on:
            found.append(
                PlanError(
                    "milestones",
                    _("The milestone “%(title)s” is due before the item starts (%(start)s).")
                    % {"title": step.title, "start": starts_on.isoformat()},
                )
            )
        elif ends_on is not None and step.due > ends_on:
            found.append(
                PlanError(
                    "milestones",
                    _("The milestone “%(title)s” is due after the planned end (%(end)s).")
                    % {"title": step.title, "end": ends_on.isoformat()},
                )
            )
        if not 0 <= step.weight <= 100:
            found.append(
                PlanError(
                    "milestones",
                    _("The weight of “%(title)s” must be between 0 and 100.")
                    % {"title": step.title},
                )
            )
    titles = [s.title for s in steps]
    if len(set(titles)) != len(titles):
        found.append(PlanError("milestones", _("Two milestones have the same title.")))
    total = sum(s.weight for s in steps)
    if steps and total != 100:
        found.append(
            PlanError(
                "milestones",
                _("The milestones' weights add up to %(total)s; they must add up to 100.")
                % {"total": total},
            )
        )
    return found
