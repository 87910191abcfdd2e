"""Action declarations and the one runner, for any model with a `state` and a `version`.

An action is declared once (`Action`): the states it starts from, the state it leads to, the
capacities that may take it, its availability rules *with* their refusal messages, the
sub-object it acts on and how that is chosen, and its words (label, confirm text,
timeline wording, API summary). Everything else is derived from the declaration:

- `Registry.offered()` (the buttons) and `Registry.refusal()` (why not) run the same checks the
  runner runs, so a page cannot offer what the workflow refuses, nor refuse with other words;
- the page forms read the sub-object's choices from it, the API its words;
- `run()` performs the steps every action shares: lock the row (`select_for_update`), check
  capacity, expected version, state, sub-object and rules, apply the action's own change, save
  with `update_fields`, bump the version, append one event, notify on commit.

Why not django-fsm-2: its `@transition(source, target, permission, conditions)` covers the
table, but its conditions answer only yes/no (no refusal message to show), it neither locks the
row nor keeps a version (its ConcurrentTransitionMixin compares the state at save time), it has
no notion of the sub-object acted on (which unit's assignment, which reply), and the event log
is another package. The table is the small part; the runner is what we need.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.engine import inputs as declared_inputs
from minsheng.engine.errors import Conflict, NotAllowed, WorkflowError
from minsheng.engine.inputs import Check, Input

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")

Label = Any  # a lazily translated string (gettext_lazy)


class Stateful(Protocol):
    """What the engine needs of a model: a state, a version, a primary key."""

    pk: Any
    state: str
    version: int


# --- the parts of a declaration ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """An availability rule: `test` answers None when the action may go ahead, else the refusal
    message. The same function decides whether a page offers the action and why the workflow
    refuses it, so the two cannot drift."""

    test: Callable[[Attempt[Any]], str | None]
    error: type[WorkflowError] = Conflict
    # Offered anyway: the page and the API list the action with this refusal as a problem to fix
    # first (a reply with no contact logged yet), and the workflow refuses with the same words.
    offered: bool = False


@dataclass(frozen=True)
class Subject:
    """The sub-object an action acts on (an assignment, a reply, a request, a co-signer row).

    `mine` lists, in order of preference, what this person could act on through the action;
    `ready` says why one of them cannot be acted on now (None when it can). Without a pick the
    first ready one is taken; the page offers a choice when more than one is ready, and the API
    names it with `field`. Pages, API and workflow all choose through `choose()`."""

    name: str
    field: str
    label: Label
    mine: Callable[[Attempt[Any]], Sequence[Any]]
    describe: Callable[[Any], str] = str
    ready: Callable[[Attempt[Any], Any], str | None] = lambda attempt, obj: None
    # The refusal when the person has nothing to act on at all, and when the pick is unknown.
    missing: Callable[[Attempt[Any]], WorkflowError] = lambda attempt: NotAllowed(
        _("You may not do this on this suggestion.")
    )
    unknown: Callable[[Attempt[Any]], WorkflowError] | None = None
    required: bool = False  # the caller must always name it (staff deciding one request)
    lock: bool = True  # the runner re-reads the chosen one with select_for_update
    description: str = ""  # for the API body's field
    api: bool = True  # named in the API body (a person's own invitation needs no naming)

    def options(self, attempt: Attempt[Any]) -> list[Any]:
        """What may be chosen now (the form's choices)."""
        return [obj for obj in self.mine(attempt) if self.ready(attempt, obj) is None]

    def choose(self, attempt: Attempt[Any], pick: Any = None) -> Any:
        """The sub-object acted on, or raise the refusal."""
        candidates = list(self.mine(attempt))
        if pick is not None:
            candidates = [obj for obj in candidates if obj.pk == pick]
            if not candidates:
                raise (self.unknown or self.missing)(attempt)
        if not candidates:
            raise self.missing(attempt)
        first: str | None = None
        for obj in candidates:
            reason = self.ready(attempt, obj)
            if reason is None:
                return obj
            first = first or reason
        raise Conflict(first or _("This cannot be done on this suggestion now."))


@dataclass(frozen=True)
class Action:
    """One workflow action, declared once."""

    name: str
    sources: frozenset[str]
    target: str | None  # None: the state is unchanged, or decided by the change itself
    who: frozenset[str]  # capacities (the registry's `capacities` answers them per person)
    label: Label  # the button
    done: Label  # the timeline line ("Signed for")
    summary: str = ""  # the API operation's summary (English, like the rest of the API docs)
    rules: tuple[Rule, ...] = ()
    subject: Subject | None = None
    confirm: Label = ""  # asked before sending, for what cannot be undone
    danger: bool = False  # ends the record's life against its author's hope
    # A more exact timeline line read from the event's data (e.g. approved or rejected).
    timeline: Callable[[Mapping[str, Any]], str | None] | None = None
    # What the person gives (`minsheng.engine.inputs`): the page form, the API body and the
    # runner's input step are derived from these.
    inputs: tuple[Input, ...] = ()
    checks: tuple[Check, ...] = ()
    # The page form's starting values read from the record and the chosen sub-object (the
    # draft being revised).
    prefill: Callable[[Attempt[Any]], Mapping[str, Any]] | None = None

    def replace(self, **changes: Any) -> Action:
        return dataclasses.replace(self, **changes)

    def timeline_label(self, data: Mapping[str, Any]) -> str:
        if self.timeline is not None:
            found = self.timeline(data or {})
            if found:
                return found
        return str(self.done)


# --- one attempt: the checks, then the change --------------------------------------------------


@dataclass
class Attempt(Generic[M]):
    """One person trying one action on one row: what the rules and the change read and write.

    The change sets fields through `set()` (they are saved with `update_fields`) and says what
    the event records through `log()`; `after()` queues work that must follow the event (a
    second event, e.g. re-handling opened by an unsatisfied rating)."""

    registry: Registry[M]
    action: Action
    obj: M
    by: Any
    caps: set[str]
    memo: dict[str, Any] = field(default_factory=dict)
    subject: Any = None
    update_fields: list[str] = field(default_factory=list)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    part: Any = None  # the sub-object the event is about (its assignment, for suggestions)
    followups: list[Callable[[], object]] = field(default_factory=list)

    def cached(self, key: str, compute: Callable[[], R]) -> R:
        """A value several rules need, computed once per page or per run."""
        if key not in self.memo:
            self.memo[key] = compute()
        result: R = self.memo[key]
        return result

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.obj, name, value)
            if name not in self.update_fields:
                self.update_fields.append(name)

    def log(self, *, note: str = "", data: dict[str, Any] | None = None, part: Any = None) -> None:
        self.note = note
        self.data = dict(data or {})
        if part is not None:
            self.part = part

    def after(self, work: Callable[[], object]) -> None:
        self.followups.append(work)

    def check(
        self, expected_version: int | None = None, pick: Any = None, *, strict: bool = True
    ) -> None:
        """Raise the refusal, in the order the person can do something about it: who they
        are, what they saw, the state, the sub-object, the action's own rules (without the
        `offered` ones unless `strict`)."""
        action, obj, words = self.action, self.obj, self.registry.words
        if not self.caps & action.who:
            raise NotAllowed(str(words.not_allowed))
        if expected_version is not None and expected_version != obj.version:  # type: ignore[attr-defined]
            raise Conflict(str(words.stale))
        if obj.state not in action.sources:  # type: ignore[attr-defined]
            raise Conflict(
                str(words.wrong_state) % {"state": obj.get_state_display()}  # type: ignore[attr-defined]
            )
        if action.subject is not None:
            self.subject = action.subject.choose(self, pick)
        for rule in action.rules:
            if rule.offered and not strict:
                continue
            reason = rule.test(self)
            if reason:
                raise rule.error(reason)

    def refusal(
        self, expected_version: int | None = None, *, strict: bool = True
    ) -> WorkflowError | None:
        try:
            self.check(expected_version, strict=strict)
        except WorkflowError as error:
            return error
        return None

    def problems(self) -> list[str]:
        """The refusals of the rules an offered action is listed with (after `check`)."""
        found = []
        for rule in self.action.rules:
            if rule.offered:
                reason = rule.test(self)
                if reason:
                    found.append(reason)
        return found


# --- the registry: one per model ---------------------------------------------------------------


@dataclass(frozen=True)
class EventRecord:
    """What one event row says; the registry's `append` writes it (the one place events are
    written, so a hash-chained log changes one function)."""

    obj: Any
    action: str
    by: Any
    from_state: str
    to_state: str
    note: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    part: Any = None


@dataclass(frozen=True)
class Words:
    """The refusals every action of a registry shares, in the words of its kind of record."""

    not_allowed: Label = gettext_lazy("You may not do this on this suggestion.")
    stale: Label = gettext_lazy(
        "Someone else changed this suggestion while you were looking at it. "
        "Reload the page and try again."
    )
    wrong_state: Label = gettext_lazy("This cannot be done while the suggestion is “%(state)s”.")


@dataclass
class Registry(Generic[M]):
    """The actions of one model, with what the runner needs to know about that model."""

    model: type[M]
    capacities: Callable[[Any, M], set[str]]
    append: Callable[[EventRecord], Any]
    # Told of each event once its transaction commits (notifications listen there).
    notify: Callable[[M, Any], None]
    lock_row: Callable[[Any], M] | None = None
    # Timeline words for events that are not actions (created, edited, recomputed…).
    other_events: dict[str, Label] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    # False for a registry of actions that record something *about* a row owned elsewhere (a
    # supervision record on a suggestion): its events are logged on the row, but the row's
    # version is not bumped, so its own people's open forms do not go stale.
    versioned: bool = True
    words: Words = field(default_factory=Words)

    def declare(self, *actions: Action) -> None:
        for action in actions:
            if action.name in self.actions:
                raise ValueError(f"{action.name} is declared twice")
            self.actions[action.name] = action

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def lock(self, obj: M | int) -> M:
        pk = obj if isinstance(obj, int) else obj.pk
        if self.lock_row is not None:
            return self.lock_row(pk)
        return self.model._default_manager.select_for_update().get(pk=pk)

    def attempt(self, name: str, obj: M, by: Any, memo: dict[str, Any] | None = None) -> Attempt[M]:
        memo = {} if memo is None else memo
        caps = memo.get("__caps__")
        if caps is None:
            caps = memo["__caps__"] = self.capacities(by, obj)
        return Attempt(self, self.actions[name], obj, by, caps, memo)

    # -- derived: buttons and refusals --

    def offered(self, by: Any, obj: M) -> list[str]:
        """The actions this person may take now: the buttons a page shows, the API's list."""
        memo: dict[str, Any] = {}
        return [
            name
            for name in self.actions
            if self.attempt(name, obj, by, memo).refusal(strict=False) is None
        ]

    def problems(self, name: str, by: Any, obj: M) -> list[str]:
        """What still stops an offered action (its `offered` rules' refusals)."""
        attempt = self.attempt(name, obj, by)
        if attempt.refusal(strict=False) is not None:
            return []
        return attempt.problems()

    def refusal(
        self, name: str, by: Any, obj: M, expected_version: int | None = None
    ) -> WorkflowError | None:
        """Why this person may not take the action now (None when they may)."""
        return self.attempt(name, obj, by).refusal(expected_version)

    def timeline_label(self, action: str, data: Mapping[str, Any]) -> str:
        if action in self.actions:
            return self.actions[action].timeline_label(data)
        return str(self.other_events.get(action, action))

    # -- the event log --

    def record(
        self,
        obj: M,
        action: str,
        by: Any,
        *,
        from_state: str,
        to_state: str,
        note: str = "",
        data: Mapping[str, Any] | None = None,
        part: Any = None,
        update_fields: Iterable[str] = (),
    ) -> Any:
        """Save the row with a new version and append one event; receivers hear of it once the
        transaction commits."""
        changed = list(dict.fromkeys(update_fields))
        if self.versioned:
            obj.version += 1  # type: ignore[attr-defined]
            changed.insert(0, "version")
        if changed:
            obj.save(update_fields=changed)
        event = self.append(
            EventRecord(obj, action, by, from_state, to_state, note, dict(data or {}), part)
        )
        notify = self.notify
        transaction.on_commit(lambda: notify(obj, event))
        return event


# --- the runner --------------------------------------------------------------------------------


class _TheEvent:
    """Returned by a change whose action answers with the event it recorded."""


THE_EVENT: Any = _TheEvent()


def run(
    registry: Registry[M],
    name: str,
    obj: M | int,
    *,
    by: Any,
    change: Callable[[Attempt[M]], R],
    expected_version: int | None = None,
    pick: Any = None,
    inputs: Mapping[str, Any] | None = None,
) -> R:
    """Take one action: lock, check, validate the inputs against the declaration, change,
    save, bump the version, record, notify."""
    with transaction.atomic():
        row = registry.lock(obj)
        attempt = registry.attempt(name, row, by)
        attempt.check(expected_version, pick)
        if inputs is not None:
            declared_inputs.validate(attempt.action, inputs, attempt)
        subject = attempt.action.subject
        if subject is not None and subject.lock and attempt.subject is not None:
            chosen = attempt.subject
            attempt.subject = type(chosen)._default_manager.select_for_update().get(pk=chosen.pk)
        before: str = row.state  # type: ignore[attr-defined]
        result = change(attempt)
        target = attempt.action.target
        if target is not None and "state" not in attempt.update_fields:
            attempt.set(state=target)
        event = registry.record(
            row,
            name,
            by,
            from_state=before,
            to_state=row.state,  # type: ignore[attr-defined]
            note=attempt.note,
            data=attempt.data,
            part=attempt.part,
            update_fields=attempt.update_fields,
        )
        for work in attempt.followups:
            work()
    if result is THE_EVENT:
        answer: R = event
        return answer
    return result
