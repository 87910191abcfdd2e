"""schemathesis against /api/v1/openapi.json, in-process through the WSGI application.

Every operation of the schema gets generated requests (valid and invalid bodies, queries and
ids), sent as congress staff, a deputy and a unit clerk (each with a Bearer token) over a small
world reached through the real workflow. Every answer must be no 5xx, a documented status code, a
documented content type and a body that matches its schema. Each operation is its own pytest test
(so `-n 2` spreads them); the examples are bounded and derandomized, so a run is repeatable and
takes a bounded time: `SCHEMATHESIS_EXAMPLES` (default 15 per operation and persona) makes it
deeper locally, e.g. `SCHEMATHESIS_EXAMPLES=200 pytest tests/test_api_schemathesis.py -n 2`.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minsheng.people.models import ApiToken, Deputy
from minsheng.suggestions.models import Category
from minsheng.supervision import workflow as supervision
from tests import states

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
PERSONAS = ("staff", "deputy", "clerk_a")
# What the API promises: no 5xx, only documented statuses, content types, headers and bodies,
# and no answer without authentication. Not checked: schemathesis' "negative data rejection"
# and "positive data acceptance". pydantic's lax mode takes 0 for false and "1" for 1 on
# purpose (as the pages' forms do), and a body valid for the schema is still refused with a
# documented 409/422 when the workflow says "not now".
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]

# The schema exactly as the server serves it, through the WSGI application (in-process).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Any:
    """Django closes old database connections when a request starts and finishes. Its test
    client turns that off; a WSGI call made by hand must too, or on PostgreSQL the test's
    transaction is gone after the first request ("the connection is closed")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast, settings) -> dict[str, Any]:
    """Tokens for the personas, and the ids of real records for the path parameters (a
    generated id is swapped for a real one most of the time, so handlers run past the 404)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    handling = states.handling(cast, joint=True, cosign=True, title="办理中的建议")
    answered = states.answered(cast, title="已答复的建议")
    suggestions = [
        handling.pk,
        answered.pk,
        states.draft(cast, title="草稿").pk,
        states.submitted(cast, title="已提交").pk,
        states.registered(cast, title="已立案").pk,
    ]
    item = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="督办专题",
        year=timezone.localdate().year,
        suggestions=[handling],
        lead_unit=cast.unit_a,
    )
    item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
    instruction = supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。")
    proposed = supervision.propose(
        by=cast.staff, jurisdiction_id=cast.jurisdiction.pk, title="拟督办", year=item.year
    )
    ids = {
        "key_item_id": [item.pk, proposed.pk],
        "instruction_id": [instruction.pk],
        "suggestion_id": suggestions,
        "deputy_id": list(Deputy.objects.values_list("pk", flat=True)),
        "organisation_id": [cast.unit_a.pk, cast.unit_b.pk, cast.committee_org.pk],
        "category_id": list(Category.objects.values_list("pk", flat=True)),
        "term_id": [cast.term.pk],
        "session_id": list(cast.term.sessions.values_list("pk", flat=True)),
    }
    tokens = {p: ApiToken.issue(getattr(cast, p), "schemathesis")[1] for p in PERSONAS}
    return {"ids": ids, "tokens": tokens}


def _real_ids(case: Any, ids: dict[str, list[int]]) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        known = ids.get(name)
        if not known:
            continue
        if isinstance(value, int) and value % 5:
            case.path_parameters[name] = known[value % len(known)]
        elif not isinstance(value, int):
            # A non-integer id never reaches the API: Django's URL resolver answers it with
            # its HTML 404 (the JSON 404 for every path under /api/ comes with the hardening
            # work; once main has it, delete this branch so such ids are sent again).
            case.path_parameters[name] = known[0]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case, world):
    _real_ids(case, world["ids"])
    for persona in PERSONAS:
        headers = {"Authorization": f"Bearer {world['tokens'][persona]}"}
        case.call_and_validate(headers=headers, checks=CHECKS)
