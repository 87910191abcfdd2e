"""Two claimants at once: exactly one claim, the other a clear Conflict naming the first.

Real threads, each with its own database connection, as in tests/test_concurrency.py: on
PostgreSQL against the test database (the row lock of select_for_update), on SQLite in a
subprocess against a real SQLite file with the project's settings (WAL, BEGIN IMMEDIATE, busy
timeout), the way the product runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
CLAIMANTS = 6


def _race(calls: list[Any]) -> list[str]:
    """Start every call at the same moment; 'ok', 'conflict: <message>' or the error.

    Each thread runs in English: translation is per thread, so without this a refusal's words
    depend on whichever language that thread last had, and the checks on them flake."""
    from django.utils import translation

    from minsheng.engine.errors import Conflict

    barrier = threading.Barrier(len(calls))
    outcomes = ["not finished"] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):
                try:
                    call()
                except Conflict as refused:
                    outcomes[index] = f"conflict: {refused.message}"
                else:
                    outcomes[index] = "ok"
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


def _claim_race(people: list[Any], cast: Any) -> dict[str, Any]:
    from minsheng.wishes import workflow
    from minsheng.wishes.models import Wish
    from tests import wish_states

    wish = wish_states.verified(cast)
    outcomes = _race([lambda p=p: workflow.claim(wish.pk, by=p) for p in people])
    wish = Wish.objects.get(pk=wish.pk)
    return {
        "outcomes": outcomes,
        "state": wish.state,
        "claimed_by": wish.claimed_by_id,
        "claimant_name": wish.claimant_name,
        "people": [p.pk for p in people],
        "claims": wish.events.filter(action="claim").count(),
        "version": wish.version,
        "events": wish.events.count(),
    }


def _build_cast() -> Any:
    """The part of the shared cast the race needs, built without pytest."""
    from types import SimpleNamespace

    from minsheng.people.models import Organisation, Role
    from tests.factories import (
        DeputyFactory,
        JurisdictionFactory,
        OrganisationFactory,
        RoleFactory,
        TermFactory,
        UserFactory,
    )

    j = JurisdictionFactory(code="race", name="并发省")
    term = TermFactory(jurisdiction=j)
    unit = OrganisationFactory(jurisdiction=j, name="民政厅")
    delegation = OrganisationFactory(
        jurisdiction=j, kind=Organisation.Kind.DELEGATION, is_handling_unit=False
    )

    def person(username: str, kind: str, org: Any = None) -> Any:
        user = UserFactory(username=username, jurisdiction=j)
        RoleFactory(user=user, kind=kind, jurisdiction=j, organisation=org)
        return user

    deputies = [person(f"deputy{i}", Role.Kind.DEPUTY) for i in range(CLAIMANTS - 2)]
    for user in deputies:
        DeputyFactory(user=user, jurisdiction=j, term=term, delegation=delegation)
    clerks = [person("clerk", Role.Kind.CLERK, unit), person("head", Role.Kind.HEAD, unit)]
    return SimpleNamespace(
        jurisdiction=j, staff=person("staff", Role.Kind.STAFF), claimants=deputies + clerks
    )


def _scenario(cast: Any) -> dict[str, Any]:
    return _claim_race(cast.claimants, cast)


def _check(result: dict[str, Any]) -> None:
    outcomes = result["outcomes"]
    assert outcomes.count("ok") == 1, outcomes
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == CLAIMANTS - 1
    for outcome in refused:
        assert outcome.startswith("conflict: ") and result["claimant_name"] in outcome, outcome
    winner = result["people"][outcomes.index("ok")]
    assert (result["state"], result["claimed_by"], result["claims"]) == ("claimed", winner, 1)
    # create, verify, claim: one event per change, one version per event.
    assert result["events"] == result["version"] == 3


def _sqlite_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_of_many_claimants_at_once_exactly_one_claims_the_others_hear_who(request):
    if _sqlite_memory():
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp}/race.sqlite3",
                "DJANGO_SETTINGS_MODULE": "minsheng.settings",
                "MINSHENG_VAR_DIR": tmp,
            }
            done = subprocess.run(
                [sys.executable, "-m", "tests.test_wishes_concurrency"],
                cwd=REPO_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    else:
        result = _scenario(_build_cast())
    _check(result)


def _main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    print(json.dumps(_scenario(_build_cast()), ensure_ascii=False))


if __name__ == "__main__":
    _main()
