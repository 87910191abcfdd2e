"""Two ballots of one deputy at once: one ballot row per candidate, holding one of the two
choices; and a ballot racing the close is either counted or refused, never lost.

Real threads, each with its own database connection, as in tests/test_wishes_concurrency.py:
on PostgreSQL against the test database (the row lock of select_for_update on the round), on
SQLite in a subprocess against a real SQLite file with the project's settings (WAL, BEGIN
IMMEDIATE, busy timeout), the way the product runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.test_wishes_concurrency import _race

REPO_ROOT = Path(__file__).resolve().parent.parent
TWINS = 4  # the same deputy's ballot sent from this many tabs at once


def _build_cast() -> Any:
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

    j = JurisdictionFactory(code="vrace", name="票决省")
    term = TermFactory(jurisdiction=j)
    unit = OrganisationFactory(jurisdiction=j, name="民政厅")
    delegation = OrganisationFactory(
        jurisdiction=j, kind=Organisation.Kind.DELEGATION, is_handling_unit=False
    )

    def person(username: str, kind: str) -> Any:
        user = UserFactory(username=username, jurisdiction=j)
        RoleFactory(user=user, kind=kind, jurisdiction=j)
        return user

    deputy, cosigner = person("deputy", Role.Kind.DEPUTY), person("cosigner", Role.Kind.DEPUTY)
    for user in (deputy, cosigner):
        DeputyFactory(user=user, jurisdiction=j, term=term, delegation=delegation)
    return SimpleNamespace(
        jurisdiction=j,
        staff=person("staff", Role.Kind.STAFF),
        deputy=deputy,
        cosigner=cosigner,
        unit_a=unit,
    )


def _scenario(cast: Any) -> dict[str, Any]:
    from minsheng.ledger import workflow_vote as vote
    from minsheng.ledger.models_vote import Ballot, Candidate
    from tests import vote_states

    r = vote_states.voting(cast)
    c1, c2, _ = list(r.candidates.order_by("pk"))
    choices = ["for", "against", "abstain", "for"][:TWINS]
    twins = _race(
        [lambda c=c: vote.cast(r.pk, by=cast.deputy, choices={c1.pk: c, c2.pk: c}) for c in choices]
    )
    rows = list(Ballot.objects.filter(round=r).values_list("candidate_id", "choice"))
    # The close and a ballot at once: the ballot is counted or refused, never lost.
    closing = _race(
        [
            lambda: vote.close(r.pk, by=cast.staff),
            lambda: vote.cast(r.pk, by=cast.cosigner, choices={c1.pk: "for"}),
        ]
    )
    c1 = Candidate.objects.get(pk=c1.pk)
    return {
        "twins": twins,
        "rows": rows,
        "choices": choices,
        "closing": closing,
        "c1_for": c1.votes_for,
        "c1_rows_for": Ballot.objects.filter(candidate=c1, choice="for").count(),
        "ballot_events": r.events.filter(action="ballot").count(),
    }


def _check(result: dict[str, Any]) -> None:
    assert result["twins"] == ["ok"] * TWINS, result["twins"]
    rows = result["rows"]
    assert len(rows) == 2, rows  # one row per candidate, not one per attempt
    assert len({choice for _, choice in rows}) == 1, rows  # both from the same (last) ballot
    assert rows[0][1] in result["choices"]
    close, ballot = result["closing"]
    assert close == "ok", close
    assert ballot == "ok" or "closed" in ballot, ballot
    # The stored tally is exactly what the ballots say.
    assert result["c1_for"] == result["c1_rows_for"]
    assert result["ballot_events"] == TWINS + (1 if ballot == "ok" else 0)


def _sqlite_memory() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_two_ballots_of_one_deputy_at_once_leave_one_row_per_candidate():
    if _sqlite_memory():
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{tmp}/race.sqlite3",
                "DJANGO_SETTINGS_MODULE": "minsheng.settings",
                "MINSHENG_VAR_DIR": tmp,
            }
            done = subprocess.run(
                [sys.executable, "-m", "tests.test_ledger_vote_concurrency"],
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
