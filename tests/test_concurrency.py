"""Two people acting at once: one wins, the other gets a clear Conflict; numbers stay gapless.

Real threads, each with its own database connection. On PostgreSQL they run against the test
database (row locks from select_for_update). pytest-django's SQLite test database lives in a
shared-cache memory database, where a second writer fails at once with "database table is
locked" instead of waiting, so on SQLite the same scenarios run in a subprocess against a real
SQLite file with the project's settings (WAL, BEGIN IMMEDIATE, busy timeout): the way the
product runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
THREADS = 8


def _race(calls: list) -> list[str]:
    """Start every call at the same moment in its own thread; 'ok', 'conflict' or the error."""
    from minsheng.suggestions import workflow

    barrier = threading.Barrier(len(calls))
    outcomes = ["not finished"] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcomes[index] = "ok"
        except workflow.Conflict:
            outcomes[index] = "conflict"
        except Exception as err:  # noqa: BLE001 - reported back to the test as text
            outcomes[index] = repr(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


# --- the scenarios: each builds its suggestions, races, and reports plain data -----------------


def _register_many(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from minsheng.suggestions.models import NumberSeries, Suggestion
    from tests import states

    between = Suggestion.Source.BETWEEN_SESSIONS
    pending = [states.submitted(cast, title=f"建议{i}") for i in range(THREADS - 3)]
    pending += [states.submitted(cast, title=f"闭会{i}", source=between) for i in range(3)]
    staff = [cast.staff, cast.admin]
    outcomes = _race(
        [(lambda s=s, i=i: workflow.register(s, by=staff[i % 2])) for i, s in enumerate(pending)]
    )
    numbers: dict[str, list[int]] = {}
    for series, number in Suggestion.objects.values_list("series", "number"):
        numbers.setdefault(series, []).append(number)
    return {
        "outcomes": outcomes,
        "numbers": {k: sorted(v) for k, v in numbers.items()},
        "last": dict(NumberSeries.objects.values_list("series", "last_number")),
    }


def _register_same(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from minsheng.suggestions.models import NumberSeries
    from tests import states

    s = states.submitted(cast)
    outcomes = _race(
        [lambda: workflow.register(s, by=cast.staff), lambda: workflow.register(s, by=cast.admin)]
    )
    s.refresh_from_db()
    return {
        "outcomes": outcomes,
        "state": s.state,
        "number": s.number,
        "version": s.version,
        "events": list(s.events.order_by("id").values_list("action", flat=True)),
        "last": list(NumberSeries.objects.values_list("last_number", flat=True)),
    }


def _register_or_decline(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from tests import states

    s = states.submitted(cast)
    outcomes = _race(
        [
            lambda: workflow.register(s, by=cast.staff),
            lambda: workflow.decline(s, by=cast.admin, reason="personal"),
        ]
    )
    s.refresh_from_db()
    return {
        "outcomes": outcomes,
        "state": s.state,
        "number": s.number,
        "version": s.version,
        "events": list(s.events.order_by("id").values_list("action", flat=True)),
    }


def _sign_twice(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from tests import states

    s = states.assigned(cast)
    outcomes = _race(
        [lambda: workflow.sign(s, by=cast.clerk_a), lambda: workflow.sign(s, by=cast.head_a)]
    )
    s.refresh_from_db()
    return {
        "outcomes": outcomes,
        "state": s.state,
        "signs": s.events.filter(action="sign").count(),
        "version": s.version,
        "event_count": s.events.count(),
    }


def _rate_twice(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from tests import states

    s = states.answered(cast)
    outcomes = _race(
        [
            lambda: workflow.rate(s, by=cast.deputy, overall="satisfied"),
            lambda: workflow.rate(s, by=cast.deputy, overall="unsatisfied", reasons="没解决"),
        ]
    )
    s.refresh_from_db()
    return {
        "outcomes": outcomes,
        "state": s.state,
        "round": s.round,
        "ratings": list(s.ratings.values_list("overall", flat=True)),
        "version": s.version,
        "event_count": s.events.count(),
    }


def _merge_crossed(cast: Any) -> dict[str, Any]:
    from minsheng.suggestions import workflow
    from tests import states

    rounds = []
    for i in range(5):  # a deadlock needs both to hold their first lock: give it a few tries
        a = states.registered(cast, title=f"甲{i}")
        b = states.registered(cast, title=f"乙{i}")
        rounds.append(
            _race(
                [
                    lambda a=a, b=b: workflow.merge(a, by=cast.staff, into=b),
                    lambda a=a, b=b: workflow.merge(b, by=cast.admin, into=a),
                ]
            )
        )
    return {"rounds": rounds}


def _race_returning(calls: list) -> list[Any]:
    """Like _race, for calls that answer: each call's return value, or the error as text."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = ["not finished"] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as err:  # noqa: BLE001 - reported back to the test as text
            results[index] = repr(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


POSTS = 4
NEW_SUGGESTION = {"title": "关于增设公交线路的建议", "body": "建议增设公交线路。"}


def _double_post_page(cast: Any) -> dict[str, Any]:
    from django.test import Client

    from minsheng.suggestions.idempotency import new_form_token
    from minsheng.suggestions.models import Suggestion

    data = {**NEW_SUGGESTION, "intent": "submit", "form_token": new_form_token()}
    clients = [Client(HTTP_HOST="localhost") for _ in range(POSTS)]
    for client in clients:
        client.force_login(cast.deputy)

    def post(client: Any) -> tuple[int, str]:
        response = client.post("/suggestions/new/", data)
        return response.status_code, response.get("Location", "")

    answers = _race_returning([lambda c=c: post(c) for c in clients])
    return {
        "answers": answers,
        "states": list(Suggestion.objects.values_list("state", flat=True)),
        "ids": list(Suggestion.objects.values_list("pk", flat=True)),
    }


def _double_post_api(cast: Any) -> dict[str, Any]:
    from django.test import Client

    from minsheng.people.models import ApiToken
    from minsheng.suggestions.models import Suggestion

    _token, raw = ApiToken.issue(cast.deputy, "race")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "race-key-1"}

    def post() -> tuple[int, Any]:
        response = Client(HTTP_HOST="localhost").post(
            "/api/v1/suggestions", NEW_SUGGESTION, content_type="application/json", **headers
        )
        return response.status_code, response.json().get("id")

    answers = _race_returning([post for _ in range(POSTS)])
    return {"answers": answers, "ids": list(Suggestion.objects.values_list("pk", flat=True))}


def _double_post_key_item(cast: Any) -> dict[str, Any]:
    """Concurrent retries of one key-item proposal, and of one supervision record on a
    suggestion, each under one Idempotency-Key."""
    from django.test import Client
    from django.utils import timezone

    from minsheng.people.models import ApiToken
    from minsheng.supervision.models import KeyItem, Record
    from tests import states

    s = states.handling(cast)
    _token, raw = ApiToken.issue(cast.staff, "race")

    def post(path: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
        response = Client(HTTP_HOST="localhost").post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        return response.status_code, response.json().get("id")

    proposal = {"title": "农村公路专题", "suggestions": [s.pk]}
    proposed = _race_returning(
        [lambda: post("/key-items", proposal, "race-ki") for _ in range(POSTS)]
    )
    record = {
        "kind": "visit",
        "happened_on": timezone.localdate().isoformat(),
        "participants": "副主任",
        "notes": "实地察看。",
    }
    path = f"/suggestions/{s.pk}/supervision/supervise"
    recorded = _race_returning([lambda: post(path, record, "race-rec") for _ in range(POSTS)])
    return {
        "proposed": proposed,
        "items": list(KeyItem.objects.values_list("pk", flat=True)),
        "recorded": recorded,
        "records": Record.objects.count(),
        "suggestion": s.pk,
    }


def _reminders_twice(cast: Any) -> dict[str, Any]:
    """Two servers running the reminders at the same moment: each message is recorded once."""
    import datetime

    from django.utils import timezone

    from minsheng.notifications import reminders
    from minsheng.notifications.models import Notification
    from tests import states

    states.assigned(cast)
    now = None
    planned = 0
    for n in range(40):  # the first morning something is due
        day = timezone.localdate() + datetime.timedelta(days=n)
        now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        planned = reminders.plan(now).sent
        if planned:
            break
    before = Notification.objects.count()
    summaries: list[Any] = []
    outcomes = _race([lambda: summaries.append(reminders.run(now)) for _ in range(2)])
    return {
        "outcomes": outcomes,
        "planned": planned,
        "sent": sum(x.sent for x in summaries),
        "created": Notification.objects.count() - before,
        "again": reminders.run(now).sent,
    }


SCENARIOS = {
    "register_many": _register_many,
    "register_same": _register_same,
    "register_or_decline": _register_or_decline,
    "sign_twice": _sign_twice,
    "rate_twice": _rate_twice,
    "merge_crossed": _merge_crossed,
    "double_post_page": _double_post_page,
    "double_post_api": _double_post_api,
    "double_post_key_item": _double_post_key_item,
    "reminders_twice": _reminders_twice,
}


# --- running them: in-process on PostgreSQL, in a subprocess on SQLite -------------------------


def _sqlite_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.fixture(scope="module")
def sqlite_file_results() -> dict[str, Any]:
    """Every scenario, run once in a subprocess on a throw-away SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/race.sqlite3",
            "DJANGO_SETTINGS_MODULE": "minsheng.settings",
        }
        done = subprocess.run(
            [sys.executable, "-m", "tests.test_concurrency"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    if _sqlite_memory():
        return request.getfixturevalue("sqlite_file_results")[name]
    return SCENARIOS[name](request.getfixturevalue("cast"))


concurrent = pytest.mark.django_db(transaction=True)


@concurrent
def test_registering_many_at_once_gives_gapless_unique_numbers_per_series(request):
    result = _run(request, "register_many")
    assert result["outcomes"] == ["ok"] * THREADS
    assert result["numbers"] == {"S": list(range(1, THREADS - 2)), "B": [1, 2, 3]}
    assert result["last"] == {"S": THREADS - 3, "B": 3}


@concurrent
def test_two_staff_registering_the_same_suggestion_one_wins_one_gets_a_conflict(request):
    result = _run(request, "register_same")
    assert sorted(result["outcomes"]) == ["conflict", "ok"]
    assert (result["state"], result["number"], result["last"]) == ("registered", 1, [1])
    assert result["events"] == ["create", "submit", "register"]
    assert result["version"] == 3


@concurrent
def test_registering_and_declining_at_once_leaves_one_decision(request):
    result = _run(request, "register_or_decline")
    assert sorted(result["outcomes"]) == ["conflict", "ok"]
    winner = "register" if result["outcomes"][0] == "ok" else "decline"
    assert result["events"] == ["create", "submit", winner]
    assert result["state"] == {"register": "registered", "decline": "declined"}[winner]
    assert (result["number"] is None) == (winner == "decline")
    assert result["version"] == 3


@concurrent
def test_clerk_and_head_signing_at_once_sign_once(request):
    result = _run(request, "sign_twice")
    assert sorted(result["outcomes"]) == ["conflict", "ok"]
    assert (result["state"], result["signs"]) == ("handling", 1)
    assert result["version"] == result["event_count"]


@concurrent
def test_a_double_submitted_rating_counts_once(request):
    result = _run(request, "rate_twice")
    assert sorted(result["outcomes"]) == ["conflict", "ok"]
    assert len(result["ratings"]) == 1
    unsatisfied = result["ratings"] == ["unsatisfied"]
    assert (result["state"], result["round"]) == (
        ("rehandling", 2) if unsatisfied else ("answered", 1)
    )
    assert result["version"] == result["event_count"]


@concurrent
def test_concurrent_posts_of_one_new_suggestion_form_create_one_suggestion(request):
    result = _run(request, "double_post_page")
    assert len(result["ids"]) == 1, result
    detail = f"/suggestions/{result['ids'][0]}/"
    assert (
        result["answers"] == [[302, detail]] * POSTS or result["answers"] == [(302, detail)] * POSTS
    )
    assert result["states"] == ["submitted"]


@concurrent
def test_concurrent_api_posts_with_one_idempotency_key_create_one_suggestion(request):
    result = _run(request, "double_post_api")
    assert len(result["ids"]) == 1, result
    assert [tuple(a) for a in result["answers"]] == [(201, result["ids"][0])] * POSTS


@concurrent
def test_concurrent_retries_of_a_key_item_or_a_record_under_one_key_create_one(request):
    result = _run(request, "double_post_key_item")
    assert len(result["items"]) == 1, result
    assert [tuple(a) for a in result["proposed"]] == [(201, result["items"][0])] * POSTS
    assert result["records"] == 1, result
    assert [tuple(a) for a in result["recorded"]] == [(200, result["suggestion"])] * POSTS


ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@concurrent
def test_two_reminder_runs_at_once_record_each_message_once(request):
    result = _run(request, "reminders_twice")
    assert result["outcomes"] == ["ok", "ok"]
    assert result["planned"] > 0
    assert result["sent"] == result["created"] == result["planned"]
    assert result["again"] == 0


@concurrent
def test_crossed_merges_end_in_one_merge_and_a_conflict(request):
    for outcomes in _run(request, "merge_crossed")["rounds"]:
        assert sorted(outcomes) == ["conflict", "ok"]


@concurrent
@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has one writer at a time by design")
def test_acting_on_one_suggestion_does_not_wait_for_another(cast):
    # The row lock must cover the suggestion alone, not the rows joined to it (jurisdiction,
    # session, deputy), or every action in a jurisdiction would queue behind any other.
    import time

    from django.db import transaction

    from minsheng.suggestions import workflow
    from tests import states

    held, other = states.submitted(cast, title="甲"), states.submitted(cast, title="乙")
    locked, release = threading.Event(), threading.Event()
    took: list[float] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                workflow.return_for_revision(held, by=cast.staff, note="请补充")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def act() -> None:
        try:
            locked.wait(10)
            start = time.monotonic()
            workflow.register(other, by=cast.admin)
            took.append(time.monotonic() - start)
        finally:
            release.set()
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=act)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert took and took[0] < 1.5


# --- the subprocess side -----------------------------------------------------------------------


@dataclass
class _World:
    """The part of the shared cast the scenarios use, built without pytest."""

    jurisdiction: Any
    term: Any
    unit_a: Any
    unit_b: Any
    deputy: Any
    cosigner: Any
    staff: Any
    admin: Any
    clerk_a: Any
    head_a: Any


def _build_world() -> _World:
    from minsheng.people.models import Organisation, Role
    from tests.factories import (
        DeputyFactory,
        JurisdictionFactory,
        OrganisationFactory,
        RoleFactory,
        SessionFactory,
        TermFactory,
        UserFactory,
    )

    j = JurisdictionFactory(code="race", name="并发省")
    term = TermFactory(jurisdiction=j)
    SessionFactory(term=term, number=4)
    unit_a = OrganisationFactory(jurisdiction=j, name="交通运输厅")
    unit_b = OrganisationFactory(jurisdiction=j, name="教育厅")

    def person(username: str, kind: str, org: Any = None) -> Any:
        user = UserFactory(username=username, jurisdiction=j)
        RoleFactory(user=user, kind=kind, jurisdiction=j, organisation=org)
        return user

    deputy, cosigner = person("deputy", Role.Kind.DEPUTY), person("cosigner", Role.Kind.DEPUTY)
    delegation = OrganisationFactory(
        jurisdiction=j, kind=Organisation.Kind.DELEGATION, is_handling_unit=False
    )
    for user in (deputy, cosigner):
        DeputyFactory(user=user, jurisdiction=j, term=term, delegation=delegation)
    return _World(
        jurisdiction=j,
        term=term,
        unit_a=unit_a,
        unit_b=unit_b,
        deputy=deputy,
        cosigner=cosigner,
        staff=person("staff", Role.Kind.STAFF),
        admin=person("staff2", Role.Kind.STAFF),
        clerk_a=person("clerk_a", Role.Kind.CLERK, unit_a),
        head_a=person("head_a", Role.Kind.HEAD, unit_a),
    )


def _main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    results = {}
    for name, scenario in SCENARIOS.items():
        call_command("flush", verbosity=0, interactive=False)
        results[name] = scenario(_build_world())
        connection.close()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    _main()
