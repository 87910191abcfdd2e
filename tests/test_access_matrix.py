"""The access matrix: every URL pattern and every API operation, against every persona.

ONE table (`TABLE` below) declares, for every URL pattern of the root URLconf (pages, files, the
admin, i18n, the API's own pages) and every operation of the OpenAPI schema, what each persona of
`tests/conftest.py` and an anonymous visitor gets. The suite fails when

- a URL pattern or API operation has no entry (a new page or endpoint must say who may use it),
- an entry names a route or operation that no longer exists,
- a request answers anything else than its row declares.

## Adding a row for your new page or endpoint

Key: the route exactly as the URLconf prints it (`suggestions/<int:pk>/act/<str:action>/`), or
`METHOD /api/v1/path/{param}` as in `/api/v1/openapi.json`. Value: a list of cases `C(request,
row)`; a request is `METHOD /url` with `{placeholders}` from `World` (e.g. `{handling}` is the
id of a suggestion in handling); `json=` gives an API body, `data=` a form body. A row has one
code per column, in the order of `COLUMNS` (anonymous first, then the personas):

    ok     200                      login  302 to /login/?next=…   (signed-out page visitors)
    admin  302 to /admin/login/     302    a redirect anywhere else
    201 400 401 403 404 405 409 422        that status exactly

Run `ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -k print -s` to print what every
case answers today as rows, but **read each cell before you paste it**: the table is the rule, not
a recording. Every case runs inside a rolled-back transaction, so a POST changes nothing for the
next one. The workflow's finer rules (which state, which window) are tested elsewhere; a `409`
or `422` here says "past the access checks, refused by the workflow".

Mounted on purpose in no URLconf: the benchmark-only views of `bench/` (they must never appear in
the resolver; if they do, this test fails as for any unlisted route).
"""

from __future__ import annotations

import io
import json as jsonlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from minsheng.people.models import ApiToken
from minsheng.suggestions import attachments as files
from minsheng.suggestions.models import JointOpinion, Reply
from tests import states
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", *PERSONAS)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
HEADER = "anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd"

# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class C:
    """What each column gets (`row`: one code per column, see COLUMNS) for one request."""

    row: str
    request: str
    json: Any = None
    data: dict[str, Any] | None = None

    @property
    def method(self) -> str:
        return self.request.split(" ", 1)[0]

    @property
    def url(self) -> str:
        return self.request.split(" ", 1)[1]


# Everyone but the superuser is sent to the admin's login (only `admin` has is_staff).
NOT_ADMIN = "admin admin admin admin admin admin admin admin admin admin {} admin"


def admin_model(
    model: str,
    *,
    obj: str = "missing",
    changelist: str = "ok",
    add: str = "ok",
    change: str = "ok",
    delete: str = "ok",
    history: str = "ok",
) -> dict[str, list[C]]:
    """The six admin pages of one registered model; the arguments are the superuser's codes.
    `obj` names the World placeholder of an object of that model (or "missing")."""
    base = f"admin/{model}/"
    url = f"/{base}"
    if obj == "missing":  # the admin sends you back to its index with "does not exist"
        change = "302" if change == "ok" else change
        history = "302" if history == "ok" else history
        delete = "302" if delete == "ok" else delete
    pages = {
        "": (changelist, url),
        "add/": (add, url + "add/"),
        "<path:object_id>/": ("302", url + f"{{{obj}}}/"),
        "<path:object_id>/change/": (change, url + f"{{{obj}}}/change/"),
        "<path:object_id>/delete/": (delete, url + f"{{{obj}}}/delete/"),
        "<path:object_id>/history/": (history, url + f"{{{obj}}}/history/"),
    }
    return {
        base + tail: [C(NOT_ADMIN.format(code), f"GET {u}")] for tail, (code, u) in pages.items()
    }


# The body of every workflow action (valid for its schema; the ids come from World).
REPLY = {
    "category": "A",
    "text": "经研究，已安排专项资金。",
    "contact_leader": "孙立新",
    "contact_leader_phone": "0871-1234567",
    "case_officer": "赵敏",
    "case_officer_phone": "0871-7654321",
}
ACT = "POST /api/v1/suggestions/{suggestion_id}/actions/"
# A commitment's second reply and its reopening (valid bodies; the dates come from World).
FOLLOW_UP = {
    "category": "A",
    "text": "护栏已全部安装完毕。",
    "contact_method": "phone",
    "contacted_on": "{today}",
    "contact_leader": "孙立新",
    "contact_leader_phone": "0871-1234567",
    "case_officer": "赵敏",
    "case_officer_phone": "0871-7654321",
}
REOPEN = {"ends_on": "{later}", "percent": 50, "note": "回头看：尚未完全解决。"}


# fmt: off
TABLE: dict[str, list[C]] = {
    # ---- pages: people and accounts --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /"),
    ],
    "healthz": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /healthz"),
    ],
    "login/": [
        C("ok    302   302   302   302   302   302   302   302   302   302   302", "GET /login/"),
    ],
    "logout/": [
        C("405   405   405   405   405   405   405   405   405   405   405   405", "GET /logout/"),
    ],
    "account/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /account/"),
    ],
    "account/password/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /account/password/"),
    ],
    "account/password/done/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /account/password/done/"),
    ],
    # Only the token's owner (the deputy) can revoke it; anyone else's token id is not found.
    "account/tokens/<int:pk>/revoke/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /account/tokens/{token}/revoke/"),
        C("login 302   404   404   404   404   404   404   404   404   404   404", "POST /account/tokens/{token}/revoke/"),
    ],
    "i18n/setlang/": [
        C("302   302   302   302   302   302   302   302   302   302   302   302", "POST /i18n/setlang/", data={"language": "en"}),
    ],
    # ---- pages: evaluation (评价) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # The office, the leaders (supervisors) and the counterpart committee (unit_a only) read
    # the ranking and the satisfaction measurement; a unit its own card; deputies nothing. The
    # outsider sees its own congress (no scheme there: the page says so).
    "evaluation/": [
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /evaluation/?year={year}"),
        C("login 403   403   400   403   403   403   403   400   400   400   400", "GET /evaluation/?month=2026-13"),
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /evaluation/?year={year}&format=xlsx"),
    ],
    "evaluation/mine/": [
        C("login 403   403   302   302   302   302   302   302   302   302   302", "GET /evaluation/mine/"),
    ],
    "evaluation/units/<int:pk>/": [
        C("login 403   403   ok    ok    ok    404   404   ok    ok    ok    404", "GET /evaluation/units/{unit_a}/?year={year}"),
        C("login 403   403   ok    404   404   ok    ok    ok    404   ok    404", "GET /evaluation/units/{unit_b}/?format=xlsx"),
    ],
    "evaluation/units/<int:pk>/<slug:key>/": [
        C("login 403   403   ok    ok    ok    404   404   ok    ok    ok    404", "GET /evaluation/units/{unit_a}/sign_on_time/?year={year}"),
        C("login 403   403   404   404   404   404   404   404   404   404   404", "GET /evaluation/units/{unit_a}/nonsense/"),
    ],
    "evaluation/satisfaction/": [
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /evaluation/satisfaction/?by=delegation"),
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /evaluation/satisfaction/?format=xlsx&table=unsatisfied"),
    ],
    # ---- pages: the evaluation campaign (评估工作) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # Staff manage it; the committee owns the committee-assessment step (acts on it, sees the
    # page, not the deputies' answers); a deputy opens only their own opinion form. The outsider
    # is staff elsewhere: its own (empty) list and new-campaign form, never this campaign.
    "evaluation/campaigns/": [
        C("login 403   403   ok    403   403   403   403   403   ok    ok    ok", "GET /evaluation/campaigns/"),
    ],
    "evaluation/campaigns/new/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /evaluation/campaigns/new/"),
        C("login 403   403   422   403   403   403   403   403   403   422   422", "POST /evaluation/campaigns/new/", data={"title": "", "year": "1800"}),
    ],
    "evaluation/campaigns/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   ok    ok    404", "GET /evaluation/campaigns/{campaign}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /evaluation/campaigns/{missing}/"),
    ],
    "evaluation/campaigns/<int:pk>/history/": [
        C("login 404   404   ok    404   404   404   404   404   ok    ok    404", "GET /evaluation/campaigns/{campaign}/history/"),
    ],
    "evaluation/campaigns/<int:pk>/steps/add/": [
        C("login 404   404   ok    404   404   404   404   404   403   ok    404", "GET /evaluation/campaigns/{campaign}/steps/add/"),
        C("login 404   404   422   404   404   404   404   404   403   422   404", "POST /evaluation/campaigns/{campaign}/steps/add/", data={"title": "x", "planned_start": "2026-05-02", "planned_end": "2026-05-01"}),
    ],
    "evaluation/campaigns/<int:pk>/opinions/": [
        C("login 404   404   ok    404   404   404   404   404   403   ok    404", "GET /evaluation/campaigns/{campaign}/opinions/"),
        C("login 404   404   ok    404   404   404   404   404   403   ok    404", "GET /evaluation/campaigns/{campaign}/opinions/?format=xlsx"),
    ],
    "evaluation/steps/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   ok    ok    404", "GET /evaluation/steps/{plan_step}/"),
        C("login 404   404   ok    404   404   404   404   404   ok    ok    404", "GET /evaluation/steps/{committee_step}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /evaluation/steps/{missing}/"),
    ],
    "evaluation/steps/<int:pk>/edit/": [
        C("login 404   404   ok    404   404   404   404   404   403   ok    404", "GET /evaluation/steps/{plan_step}/edit/"),
    ],
    "evaluation/steps/<int:pk>/remove/": [
        C("login 404   404   302   404   404   404   404   404   403   302   404", "POST /evaluation/steps/{plan_step}/remove/"),
    ],
    "evaluation/steps/<int:pk>/move/<str:direction>/": [
        C("login 404   404   409   404   404   404   404   404   403   409   404", "POST /evaluation/steps/{plan_step}/move/down/"),  # the next step has started
        C("login 404   404   404   404   404   404   404   404   403   404   404", "POST /evaluation/steps/{plan_step}/move/sideways/"),
    ],
    "evaluation/steps/<int:pk>/act/<str:action>/": [
        C("login 404   404   302   404   404   404   404   404   302   302   404", "POST /evaluation/steps/{committee_step}/act/start/"),
        C("login 404   404   302   404   404   404   404   404   403   302   404", "POST /evaluation/steps/{plan_step}/act/start/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /evaluation/steps/{plan_step}/act/nonsense/"),
    ],
    "evaluation/documents/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   ok    ok    404", "GET /evaluation/documents/{campaign_document}/"),
    ],
    "evaluation/opinions/": [
        C("login ok    ok    403   403   403   403   403   403   403   403   403", "GET /evaluation/opinions/"),
    ],
    "evaluation/opinions/<int:pk>/": [
        C("login ok    404   404   404   404   404   404   404   404   404   404", "GET /evaluation/opinions/{opinion_form}/"),
        C("login 302   404   404   404   404   404   404   404   404   404   404", "POST /evaluation/opinions/{opinion_form}/", data={"handling": "satisfied", "communication": "basically"}),
    ],
    # ---- pages: one suggestion --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # {handling} is visible to all the cast but the outsider; {draft} to its deputy only;
    # {submitted} and {confidential} (registered, 涉密) to the deputy and the congress office.
    "suggestions/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /suggestions/{handling}/"),
        C("login ok    404   404   404   404   404   404   404   404   404   404", "GET /suggestions/{draft}/"),
        C("login ok    404   ok    404   404   404   404   404   404   ok    404", "GET /suggestions/{submitted}/"),
        C("login ok    404   ok    404   404   404   404   404   404   ok    404", "GET /suggestions/{confidential}/"),
    ],
    "suggestions/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /suggestions/{handling}/act/sign/"),
        C("login 403   404   302   404   404   404   404   404   404   302   404", "POST /suggestions/{submitted}/act/register/"),
        C("login 403   403   403   422   422   422   422   403   403   403   404", "POST /suggestions/{handling}/act/log_contact/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /suggestions/{handling}/act/nonsense/"),
    ],
    "suggestions/<int:pk>/attachments/<int:attachment_pk>/": [
        C("login ok    404   404   404   404   404   404   404   404   404   404", "GET /suggestions/{draft}/attachments/{attachment}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /suggestions/{handling}/attachments/{attachment}/"),
    ],
    "suggestions/<int:pk>/replies/<int:reply_pk>/letter.docx": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /suggestions/{answered}/replies/{reply}/letter.docx"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /suggestions/{answered}/replies/{reply}/letter.docx?format=letterhead"),
    ],
    "suggestions/<int:pk>/opinions/<int:opinion_pk>/letter.docx": [
        C("login 404   404   ok    ok    ok    ok    ok    404   404   ok    404", "GET /suggestions/{answered}/opinions/{opinion}/letter.docx"),
    ],
    "suggestions/<int:pk>/edit/": [
        C("login ok    404   404   404   404   404   404   404   404   404   404", "GET /suggestions/{draft}/edit/"),
        C("login 302   403   403   403   403   403   403   403   403   403   404", "GET /suggestions/{handling}/edit/"),
    ],
    # ---- pages: deputies --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "suggestions/mine/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /suggestions/mine/"),
    ],
    "suggestions/new/": [
        C("login ok    ok    403   403   403   403   403   403   403   403   403", "GET /suggestions/new/"),
    ],
    # ---- pages: the congress office --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # The workbench and its export list what visible_to() gives each person.
    "suggestions/list/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /suggestions/list/"),
    ],
    "suggestions/export.xlsx": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /suggestions/export.xlsx"),
    ],
    "suggestions/register/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /suggestions/register/"),
        C("login 403   403   302   403   403   403   403   403   403   302   302", "POST /suggestions/register/", data={"ids": ["{submitted}"]}),
    ],
    "suggestions/assign/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /suggestions/assign/"),
    ],
    "insight/routing/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /insight/routing/"),
    ],
    # Hot topics: staff and supervisors of the congress (the outsider: staff of their own);
    # units, deputies and committee members 403 (docs/insight.md "Hot topics").
    "insight/topics/": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /insight/topics/"),
        C("login 403   403   400   403   403   403   403   400   403   400   400", "GET /insight/topics/?from=2026-06-01&to=2026-01-01"),
        C("login 403   403   400   403   403   403   403   400   403   400   400", "GET /insight/topics/?from=garbage&k=-3"),
    ],
    # Similar suggestions for the draft being written: deputies and congress staff (each sees
    # only what they may: tests/test_insight_similar.py).
    "insight/similar/draft/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /insight/similar/draft/"),
        C("login ok    ok    ok    403   403   403   403   403   403   ok    ok", "POST /insight/similar/draft/", data={"title": "农村公路", "body": "路面破损"}),
    ],
    # Near-duplicates of a session (并案 candidates): congress staff.
    "insight/duplicates/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /insight/duplicates/"),
    ],
    "suggestions/import/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /suggestions/import/"),
    ],
    "suggestions/import/confirm/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /suggestions/import/confirm/"),
        C("login 403   403   302   403   403   403   403   403   403   302   302", "POST /suggestions/import/confirm/"),
    ],
    "suggestions/import/template.xlsx": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /suggestions/import/template.xlsx"),
    ],
    # ---- pages: handling units --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # Supervision: staff, the people named or leading (tier 2), committee members over a unit
    # involved, the units involved; a unit's internal item is its own and the office's.
    "ledger/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/?format=xlsx&status=lagging"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/?year=nonsense&unit=99999999999999999999&sort=evil"),
    ],
    "ledger/new/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/new/"),
        C("login 403   403   ok    403   403   404   404   403   403   ok    404", "GET /ledger/new/?parent={ledger_item}"),
        C("login 403   403   422   403   403   403   403   403   403   422   422", "POST /ledger/new/", data={"kind": "practical"}),
    ],
    "ledger/import/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/import/"),
        C("login 403   403   422   403   403   403   403   403   403   422   422", "POST /ledger/import/"),
    ],
    "ledger/import/confirm/": [
        C("login 403   403   302   403   403   403   403   403   403   302   302", "POST /ledger/import/confirm/", data={"token": "nonsense", "choice": "all"}),
    ],
    "ledger/import/template.xlsx": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/import/template.xlsx"),
    ],
    "ledger/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/{ledger_item}/"),
        C("login 404   404   ok    404   404   ok    ok    ok    ok    ok    404", "GET /ledger/{duty_item}/"),
    ],
    "ledger/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /ledger/{ledger_item}/act/report/"),
        C("login 403   403   422   422   422   404   404   403   403   422   404", "POST /ledger/{ledger_item}/act/report/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /ledger/{ledger_item}/act/nonsense/"),
    ],
    "ledger/teams/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/teams/"),
    ],
    "ledger/teams/new/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/teams/new/"),
        C("login 403   403   422   403   403   403   403   403   403   422   422", "POST /ledger/teams/new/", data={"name": ""}),
    ],
    "ledger/teams/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   ok    ok    ok    404", "GET /ledger/teams/{team}/"),
    ],
    "ledger/teams/<int:pk>/edit/": [
        C("login 404   404   ok    404   404   404   404   403   403   ok    404", "GET /ledger/teams/{team}/edit/"),
    ],
    "ledger/teams/<int:pk>/inspect/": [
        C("login 404   404   ok    404   404   404   404   ok    ok    ok    404", "GET /ledger/teams/{team}/inspect/"),
        C("login 404   404   422   404   404   404   404   422   422   422   404", "POST /ledger/teams/{team}/inspect/", data={"item": "nonsense"}),
    ],
    "ledger/teams/evidence/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/teams/evidence/{team_evidence}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /ledger/teams/evidence/{missing}/"),
    ],
    "ledger/rectifications/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/rectifications/"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/rectifications/?state=evil&warning=red&unit=999999999999999"),
    ],
    "ledger/rectifications/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/rectifications/{rect_open}/"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /ledger/rectifications/{rect_reported}/"),
    ],
    "ledger/rectifications/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /ledger/rectifications/{rect_open}/act/report/"),
        C("login 403   403   403   422   422   404   404   403   403   403   404", "POST /ledger/rectifications/{rect_open}/act/report/"),
        C("login 403   403   302   403   403   403   403   302   403   302   404", "POST /ledger/rectifications/{rect_reported}/act/close/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /ledger/rectifications/{rect_open}/act/nonsense/"),
    ],
    # ---- pages: the practical-matter vote (票决) --------
    # {vote_voting} is open for voting, {vote_adopted} closed and adopted. Staff manage rounds;
    # the deputy and the co-signer (deputies of the congress) vote and rate; every signed-in
    # person of the congress sees the rounds; the outsider (staff elsewhere) may open their own.
    "ledger/vote/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/vote/"),
    ],
    "ledger/vote/new/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/vote/new/"),
        C("login 403   403   422   403   403   403   403   403   403   422   422", "POST /ledger/vote/new/", data={"title": ""}),
    ],
    "ledger/vote/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /ledger/vote/{vote_voting}/"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /ledger/vote/{vote_adopted}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /ledger/vote/{missing}/"),
    ],
    "ledger/vote/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /ledger/vote/{vote_voting}/act/close/"),
        C("login 403   403   302   403   403   403   403   403   403   302   404", "POST /ledger/vote/{vote_voting}/act/close/"),
        C("login 403   403   409   403   403   403   403   403   403   409   404", "POST /ledger/vote/{vote_adopted}/act/close/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /ledger/vote/{vote_voting}/act/nonsense/"),
    ],
    "ledger/vote/<int:pk>/ballot/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /ledger/vote/{vote_voting}/ballot/"),
        C("login 422   422   403   403   403   403   403   403   403   403   404", "POST /ledger/vote/{vote_voting}/ballot/"),
        C("login 409   409   403   403   403   403   403   403   403   403   404", "POST /ledger/vote/{vote_adopted}/ballot/", data={"c-1": "for"}),
    ],
    "ledger/vote/<int:pk>/rate/": [
        C("login 422   422   403   403   403   403   403   403   403   403   404", "POST /ledger/vote/{vote_adopted}/rate/"),
    ],
    "ledger/evidence/<int:pk>/": [
        C("login ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/evidence/{evidence}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /ledger/evidence/{missing}/"),
    ],
    "supervision/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /supervision/"),
    ],
    "supervision/new/": [
        C("login 403   403   ok    ok    ok    ok    ok    403   403   ok    ok", "GET /supervision/new/"),
        C("login 403   403   422   422   422   422   422   403   403   422   422", "POST /supervision/new/", data={"kind": "topic"}),
    ],
    "supervision/warnings/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /supervision/warnings/"),
    ],
    "supervision/overview/": [
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /supervision/overview/"),
        C("login 403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /supervision/overview/?session={session}"),
    ],
    "supervision/packs/": [
        C("login 403   403   ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /supervision/packs/"),
        C("login 403   403   ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /supervision/packs/?start=nonsense"),
    ],
    "supervision/packs/<slug:pack>.xlsx": [
        C("login 403   403   ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /supervision/packs/assignment.xlsx"),
        C("login 403   403   ok    ok    ok    400   400   ok    ok    ok    400", "GET /supervision/packs/progress.xlsx?unit={unit_a}"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /supervision/packs/nonsense.xlsx"),
    ],
    "supervision/packs/<slug:pack>.docx": [
        C("login 403   403   ok    ok    ok    ok    ok    ok    ok    ok    400", "GET /supervision/packs/progress.docx?session={session}"),
        C("login 403   403   400   400   400   400   400   400   400   400   400", "GET /supervision/packs/assignment.docx?start={later}&end={today}"),
    ],
    "reports/": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/"),
        C("login 403   403   400   403   403   403   403   400   403   400   400", "GET /reports/?year=nonsense"),
    ],
    "reports/annual.docx": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/annual.docx?year=2026"),
        C("login 403   403   400   403   403   403   403   400   403   400   400", "GET /reports/annual.docx?start={later}&end={today}"),
    ],
    "reports/brief.docx": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/brief.docx"),
    ],
    "reports/statistics.xlsx": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/statistics.xlsx?start={today}&end={today}"),
    ],
    "reports/dashboard/": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/dashboard/?year={year}"),
        C("login 403   403   400   403   403   403   403   400   403   400   400", "GET /reports/dashboard/?year=nonsense"),
    ],
    "reports/dashboard/<slug:key>.xlsx": [
        C("login 403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /reports/dashboard/units.xlsx?year={year}"),
        C("login 403   403   404   403   403   403   403   404   403   404   404", "GET /reports/dashboard/nonsense.xlsx"),
    ],
    "reports/units/<int:pk>/card.docx": [
        C("login 403   403   ok    ok    ok    404   404   ok    ok    ok    404", "GET /reports/units/{unit_a}/card.docx?year={year}"),
        C("login 403   403   ok    404   404   ok    ok    ok    404   ok    404", "GET /reports/units/{unit_b}/card.docx"),
    ],
    "supervision/<int:pk>/": [
        C("login ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /supervision/{key_item}/"),
        C("login 404   404   ok    404   404   404   404   404   404   ok    404", "GET /supervision/{proposed_item}/"),
        C("login 404   404   ok    404   404   ok    ok    404   404   ok    404", "GET /supervision/{internal_item}/"),
    ],
    "supervision/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /supervision/{key_item}/act/conclude/"),
        C("login 403   404   422   403   403   403   403   422   422   422   404", "POST /supervision/{key_item}/act/supervise/"),
        C("login 404   404   422   404   404   404   404   404   404   422   404", "POST /supervision/{proposed_item}/act/decide/", data={"decided_on": "2999-01-01"}),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /supervision/{key_item}/act/nonsense/"),
    ],
    "supervision/documents/<int:pk>/": [
        C("login ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /supervision/documents/{document}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /supervision/documents/{missing}/"),
    ],
    "supervision/instructions/<int:pk>/respond/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /supervision/instructions/{instruction}/respond/"),
        C("login 403   404   403   422   422   403   403   403   403   403   404", "POST /supervision/instructions/{instruction}/respond/", data={"response": ""}),
    ],
    "supervision/suggestion/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /supervision/suggestion/{handling}/act/supervise/"),
        C("login 403   403   422   403   403   403   403   422   422   422   404", "POST /supervision/suggestion/{handling}/act/supervise/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /supervision/suggestion/{handling}/act/nonsense/"),
    ],
    # ---- pages: publication (公开) --------
    # The public site needs no sign-in; a record that is not published is the same 404 as a
    # missing id. The staff pages: congress staff of the record's congress (the outsider is
    # staff elsewhere: an empty queue, a 404 record).
    #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "gongkai/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/"),
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/?year=x&unit=-1&session=99999999999&result=Z&page=zz"),
    ],
    "gongkai/<int:pk>/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/{pub_published}/"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/{pub_pending}/"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/{pub_secret}/"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/{missing}/"),
    ],
    "gongkai/tongji/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/tongji/"),
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/tongji/?year=nonsense"),
    ],
    "gongkai/shishi/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/shishi/"),
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/shishi/?year=nonsense&page=-1"),
    ],
    # Open data (公开): the feed, the downloads page and the per-year files, for everyone;
    # a year with nothing published is 404.
    "gongkai/feed/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/feed/"),
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/feed/?year=x&unit=%00&result=Z"),
    ],
    "gongkai/data/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/data/"),
    ],
    "gongkai/data/<int:year>.csv": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/data/{year}.csv"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/data/1999.csv"),
    ],
    "gongkai/data/<int:year>.xlsx": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /gongkai/data/{year}.xlsx"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/data/1999.xlsx"),
    ],
    "gongkai/staff/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /gongkai/staff/"),
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /gongkai/staff/?state=nonsense&overdue=1&page=x"),
    ],
    "gongkai/staff/batch/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /gongkai/staff/batch/"),
        C("login 403   403   302   403   403   403   403   403   403   302   302", "POST /gongkai/staff/batch/", data={"ids": ["{pub_pending}"]}),
    ],
    "gongkai/staff/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   404   ok    404", "GET /gongkai/staff/{pub_pending}/"),
        C("login 404   404   ok    404   404   404   404   404   404   ok    404", "GET /gongkai/staff/{pub_secret}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /gongkai/staff/{missing}/"),
    ],
    "gongkai/staff/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /gongkai/staff/{pub_pending}/act/publish/"),
        C("login 404   404   302   404   404   404   404   404   404   302   404", "POST /gongkai/staff/{pub_pending}/act/publish/"),
        C("login 404   404   422   404   404   404   404   404   404   422   404", "POST /gongkai/staff/{pub_pending}/act/mask/", data={"piece": "body", "text": ""}),
        C("login 404   404   409   404   404   404   404   404   404   409   404", "POST /gongkai/staff/{pub_secret}/act/reopen/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /gongkai/staff/{pub_pending}/act/nonsense/"),
    ],
    # ---- pages: micro-wishes (微心愿) --------
    # The wall is public. {wish_posted} waits for staff; {wish_open} is verified (public);
    # {wish_claimed} and {wish_fulfilled} were claimed by the deputy. The community worker is no
    # column of the cast: tests/test_wishes.py covers that persona.
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "wishes/": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /wishes/"),
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /wishes/?show=nonsense&area=x&group=y&page=zz"),
    ],
    "wishes/new/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    403", "GET /wishes/new/"),
        C("login 403   403   422   403   403   403   403   403   403   422   403", "POST /wishes/new/", data={"title": ""}),
    ],
    "wishes/queue/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /wishes/queue/"),
    ],
    "wishes/mine/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /wishes/mine/"),
    ],
    # Everyone signed in gets the wishes they may see (the private cells per row: test_wishes).
    "wishes/export.xlsx": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /wishes/export.xlsx"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /wishes/export.xlsx?state=nonsense&group=x&community=99999999999999"),
    ],
    "wishes/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   404   ok    404", "GET /wishes/{wish_posted}/"),
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /wishes/{wish_open}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /wishes/{missing}/"),
    ],
    # Claiming: deputies, unit clerks and heads, committee members (302: claimed); staff and
    # supervisors may not (403). Verifying: staff only (others do not see the posted wish).
    "wishes/<int:pk>/act/<str:action>/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /wishes/{wish_open}/act/claim/"),
        C("login 302   302   403   302   302   302   302   403   302   403   404", "POST /wishes/{wish_open}/act/claim/"),
        C("login 404   404   302   404   404   404   404   404   404   302   404", "POST /wishes/{wish_posted}/act/verify/"),
        C("login 404   404   422   404   404   404   404   404   404   422   404", "POST /wishes/{wish_posted}/act/reject/", data={"reason": ""}),
        C("login 422   403   403   403   403   403   403   403   403   403   404", "POST /wishes/{wish_claimed}/act/fulfil/", data={"note": "已送达"}),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "POST /wishes/{wish_open}/act/nonsense/"),
    ],
    # Evidence is private: staff (and the community); the claimant no longer once fulfilled.
    "wishes/evidence/<int:pk>/": [
        C("login 404   404   ok    404   404   404   404   404   404   ok    404", "GET /wishes/evidence/{wish_evidence}/"),
        C("login 404   404   404   404   404   404   404   404   404   404   404", "GET /wishes/evidence/{missing}/"),
    ],
    "suggestions/inbox/": [
        C("login 403   403   403   ok    ok    ok    ok    403   403   403   403", "GET /suggestions/inbox/"),
    ],
    "suggestions/inbox/<int:pk>/sign/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /suggestions/inbox/{new_assignment}/sign/"),
        C("login 403   403   403   302   302   403   403   403   403   403   403", "POST /suggestions/inbox/{new_assignment}/sign/"),
    ],
    # ---- pages: notifications (each person's own inbox; another's message is not found) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "notifications/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /notifications/"),
    ],
    "notifications/<int:pk>/read/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /notifications/{notification}/read/"),
        C("login 302   404   404   404   404   404   404   404   404   404   404", "POST /notifications/{notification}/read/"),
    ],
    "notifications/read-all/": [
        C("login 405   405   405   405   405   405   405   405   405   405   405", "GET /notifications/read-all/"),
        C("login 302   302   302   302   302   302   302   302   302   302   302", "POST /notifications/read-all/"),
    ],
    "notifications/preferences/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /notifications/preferences/"),
        C("login 302   302   302   302   302   302   302   302   302   302   302", "POST /notifications/preferences/", data={"kinds": ["assigned"], "channels": ["email"]}),
    ],
    # ---- the API's own pages (not operations of the schema) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "api/v1/openapi.json": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/openapi.json"),
    ],
    "api/v1/docs": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/docs"),
    ],
    "api/v1/": [
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/"),
    ],
    # The catch-all for unknown action names (hidden from the schema on purpose).
    "api/v1/suggestions/<int:suggestion_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/suggestions/{handling}/actions/nonsense"),
    ],
    "api/v1/suggestions/<int:suggestion_id>/supervision/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/suggestions/{handling}/supervision/nonsense"),
    ],
    "api/v1/ledger/rectifications/<int:rectification_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/ledger/rectifications/{rect_open}/actions/nonsense"),
    ],
    "api/v1/ledger/items/<int:item_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/ledger/items/{ledger_item}/actions/nonsense"),
    ],
    "api/v1/ledger/vote/rounds/<int:round_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/nonsense"),
    ],
    "api/v1/key-items/<int:key_item_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/key-items/{key_item}/actions/nonsense"),
    ],
    "api/v1/evaluation/steps/<int:step_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/evaluation/steps/{committee_step}/actions/nonsense"),
    ],
    "api/v1/wishes/<int:wish_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/wishes/{wish_open}/actions/nonsense"),
    ],
    "api/v1/instructions/<int:instruction_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/instructions/{instruction}/actions/nonsense"),
    ],
    "api/v1/commitments/<int:commitment_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/commitments/{commitment}/actions/nonsense"),
    ],
    # ---- API operations (keys as in /api/v1/openapi.json) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "GET /api/v1/me": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/me"),
    ],
    "GET /api/v1/suggestions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/suggestions"),
    ],
    "POST /api/v1/suggestions": [
        C("401   201   201   422   403   403   403   403   403   403   422   422", "POST /api/v1/suggestions", json={"title": "关于增设公交站的建议", "body": "建议增设。"}),
    ],
    "GET /api/v1/suggestions/{suggestion_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/suggestions/{handling}"),
        C("401   ok    404   404   404   404   404   404   404   404   404   404", "GET /api/v1/suggestions/{draft}"),
        C("401   ok    404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/suggestions/{confidential}"),
    ],
    # The recommender's answer: congress staff of the suggestion's congress only (403 for the
    # others who may see the suggestion, 404 for those who may not).
    "GET /api/v1/suggestions/{suggestion_id}/replies/{reply_id}/norms": [
        C("401   404   404   ok    ok    ok    404   404   404   404   ok    404", "GET /api/v1/suggestions/{answered}/replies/{reply}/norms"),
    ],
    "GET /api/v1/suggestions/{suggestion_id}/routing": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    404", "GET /api/v1/suggestions/{handling}/routing"),
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/suggestions/{submitted}/routing"),
    ],
    # Similar suggestions: whoever may see the suggestion (404 otherwise); a draft's text:
    # deputies and congress staff.
    "GET /api/v1/insight/topics": [
        C("401   403   403   ok    403   403   403   403   ok    403   ok    ok", "GET /api/v1/insight/topics"),
        C("401   403   403   422   403   403   403   403   422   403   422   422", "GET /api/v1/insight/topics?from=2026-06-01&to=2026-01-01"),
        # The query's types are checked before who asks (nothing of the data is read).
        C("401   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/insight/topics?from=garbage&k=-3"),
    ],
    "GET /api/v1/suggestions/{suggestion_id}/similar": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/suggestions/{handling}/similar"),
        C("401   ok    404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/suggestions/{submitted}/similar"),
    ],
    "POST /api/v1/suggestions/similar": [
        C("401   ok    ok    ok    403   403   403   403   403   403   ok    ok", "POST /api/v1/suggestions/similar", json={"title": "农村公路", "body": "路面破损"}),
    ],
    "GET /api/v1/suggestions/similar": [
        C("401   ok    ok    ok    403   403   403   403   403   403   ok    ok", "GET /api/v1/suggestions/similar?title=农村公路"),
    ],
    "GET /api/v1/suggestions/{suggestion_id}/actions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/suggestions/{handling}/actions"),
        C("401   ok    404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/suggestions/{submitted}/actions"),
    ],
    # The workflow actions: 404 not visible, 403 visible but not your role, otherwise the
    # workflow answers (200, or 409/422 for its own rules). The bodies are valid for the schema.
    ACT + "submit": [
        C("401   ok    404   404   404   404   404   404   404   404   404   404", "POST /api/v1/suggestions/{draft}/actions/submit", json={}),
    ],
    ACT + "confirm_cosign": [
        C("401   403   409   403   403   403   403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/confirm_cosign", json={"accept": True}),
    ],
    ACT + "withdraw": [
        C("401   ok    403   403   403   403   403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/withdraw", json={"reason": "书面撤回。"}),
    ],
    ACT + "register": [
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/suggestions/{submitted}/actions/register", json={}),
    ],
    ACT + "decline": [
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/suggestions/{submitted}/actions/decline", json={"reason": "personal", "note": "个人事项。"}),
    ],
    ACT + "return_for_revision": [
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/suggestions/{submitted}/actions/return_for_revision", json={"note": "请补充。"}),
    ],
    ACT + "merge": [
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/suggestions/{submitted}/actions/merge", json={"into": "{confidential}"}),
    ],
    ACT + "assign": [
        C("401   403   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/suggestions/{confidential}/actions/assign", json={"plan": [{"unit": "{unit_a}", "mode": "lead"}]}),
    ],
    ACT + "sign": [
        C("401   403   404   403   ok    ok    404   404   403   403   403   404", "POST /api/v1/suggestions/{assigned}/actions/sign", json={}),
    ],
    ACT + "request_adjustment": [
        C("401   403   404   403   ok    ok    404   404   403   403   403   404", "POST /api/v1/suggestions/{assigned}/actions/request_adjustment", json={"reason": "不属于本单位职责。"}),
    ],
    ACT + "decide_adjustment": [
        C("401   403   403   422   403   403   403   403   403   403   422   404", "POST /api/v1/suggestions/{handling}/actions/decide_adjustment", json={"request_id": 1}),
    ],
    ACT + "log_contact": [
        C("401   403   403   403   ok    ok    ok    ok    403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/log_contact", json={"method": "phone", "contacted_on": "{today}", "people": "赵敏", "summary": "电话沟通。"}),
    ],
    ACT + "submit_joint_opinion": [
        C("401   403   403   403   403   403   ok    ok    403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/submit_joint_opinion", json={"text": "同意主办单位意见。"}),
    ],
    ACT + "explain_overdue": [
        C("401   403   403   403   409   409   403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/explain_overdue", json={"text": "因资金未到位。"}),
    ],
    ACT + "request_extension": [
        C("401   403   403   403   ok    ok    403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/request_extension", json={"until": "{later}", "reason": "情况复杂。", "deputy_told": True}),
    ],
    ACT + "decide_extension": [
        C("401   403   403   422   403   403   403   403   403   403   422   404", "POST /api/v1/suggestions/{handling}/actions/decide_extension", json={"request_id": 1, "approve": True}),
    ],
    ACT + "draft_reply": [
        C("401   403   403   403   ok    ok    403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/draft_reply", json=REPLY),
    ],
    ACT + "sign_reply": [
        C("401   403   403   403   403   409   403   403   403   403   403   404", "POST /api/v1/suggestions/{handling}/actions/sign_reply", json={}),
    ],
    ACT + "rate": [
        C("401   ok    403   403   403   403   403   403   403   403   403   404", "POST /api/v1/suggestions/{answered}/actions/rate", json={"overall": "satisfied"}),
    ],
    ACT + "rehandle": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/suggestions/{answered}/actions/rehandle", json={"note": "重新办理。"}),
    ],
    ACT + "close": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/suggestions/{answered}/actions/close", json={"note": "办结。"}),
    ],
    ACT + "end_of_term": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/suggestions/{handling}/actions/end_of_term", json={"rule": "carry_over", "note": "届末结转。"}),
    ],
    # The caller's own notifications and preferences; another person's message is a 404.
    # ---- API: publication (公开) --------
    # Congress staff of the record's congress; anyone else an empty list and 404s (the
    # outsider, staff elsewhere, may call the batch: each record is refused inside).
    # ---- API: the public site as JSON (公开, no token): everyone alike; an unpublished id is
    # the same 404 as a missing one; malformed filters 422.
    "GET /api/v1/public/suggestions": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/public/suggestions"),
        C("422   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/public/suggestions?unit=x&result=Z"),
    ],
    "GET /api/v1/public/suggestions/{publication_id}": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/public/suggestions/{pub_published}"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/public/suggestions/{pub_pending}"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/public/suggestions/{pub_secret}"),
        C("404   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/public/suggestions/{missing}"),
    ],
    "GET /api/v1/public/statistics": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/public/statistics?year={year}"),
        C("422   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/public/statistics?year=nonsense"),
    ],
    "GET /api/v1/public/projects": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/public/projects"),
        C("422   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/public/projects?page=0"),
    ],
    "GET /api/v1/public/filters": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/public/filters"),
    ],
    "GET /api/v1/publications": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/publications"),
        C("401   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/publications?state=nonsense"),
    ],
    "GET /api/v1/publications/{publication_id}": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/publications/{pub_pending}"),
        C("401   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/publications/{missing}"),
    ],
    "GET /api/v1/publications/{publication_id}/actions": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/publications/{pub_pending}/actions"),
    ],
    "POST /api/v1/publications/batch-publish": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    ok", "POST /api/v1/publications/batch-publish", json={"ids": ["{pub_pending}"]}),
        C("401   422   422   422   422   422   422   422   422   422   422   422", "POST /api/v1/publications/batch-publish?empty", json={"ids": []}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/queue": [
        C("401   404   404   409   404   404   404   404   404   404   409   404", "POST /api/v1/publications/{pub_pending}/actions/queue", json={}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/mask": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/publications/{pub_pending}/actions/mask", json={"piece": "body", "text": "护栏"}),
        C("401   404   404   422   404   404   404   404   404   404   422   404", "POST /api/v1/publications/{pub_pending}/actions/mask?absent", json={"piece": "body", "text": "没有这段文字"}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/unmask": [
        C("401   404   404   409   404   404   404   404   404   404   409   404", "POST /api/v1/publications/{pub_pending}/actions/unmask", json={"span": "body:0:2"}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/summarise": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/publications/{pub_pending}/actions/summarise", json={"piece": "{pub_reply_piece}", "summary": "已完成护栏安装。"}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/publish": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/publications/{pub_pending}/actions/publish", json={}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/withhold": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/publications/{pub_pending}/actions/withhold", json={"reason": "涉及个人隐私"}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/withdraw": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/publications/{pub_published}/actions/withdraw", json={"reason": "答复需更正"}),
    ],
    "POST /api/v1/publications/{publication_id}/actions/reopen": [
        C("401   404   404   409   404   404   404   404   404   404   409   404", "POST /api/v1/publications/{pub_secret}/actions/reopen", json={}),
    ],
    "api/v1/publications/<int:publication_id>/actions/<action>": [
        C("401   404   404   404   404   404   404   404   404   404   404   404", "POST /api/v1/publications/{pub_pending}/actions/nonsense"),
    ],
    # ---- API: micro-wishes (微心愿) --------
    # The wall and its totals need no token; the rest reads through the access pair, as the pages.
    "GET /api/v1/wishes/wall": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/wishes/wall"),
        C("422   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/wishes/wall?show=nonsense"),
    ],
    "GET /api/v1/wishes/totals": [
        C("ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/wishes/totals"),
    ],
    "GET /api/v1/wishes": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/wishes"),
    ],
    "POST /api/v1/wishes": [
        C("401   403   403   201   403   403   403   403   403   403   201   403", "POST /api/v1/wishes", json={"community": "{community}", "title": "一袋大米", "category": "daily", "group": "low_income", "wisher_name": "张三"}),
    ],
    "GET /api/v1/wishes/{wish_id}": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/wishes/{wish_posted}"),
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/wishes/{wish_open}"),
    ],
    "GET /api/v1/wishes/{wish_id}/actions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/wishes/{wish_open}/actions"),
    ],
    "POST /api/v1/wishes/{wish_id}/actions/verify": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/wishes/{wish_posted}/actions/verify", json={}),
    ],
    "POST /api/v1/wishes/{wish_id}/actions/reject": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/wishes/{wish_posted}/actions/reject", json={"reason": "不属于微心愿范围"}),
    ],
    "POST /api/v1/wishes/{wish_id}/actions/claim": [
        C("401   ok    ok    403   ok    ok    ok    ok    403   ok    403   404", "POST /api/v1/wishes/{wish_open}/actions/claim", json={}),
        C("401   409   409   403   409   409   409   409   403   409   403   404", "POST /api/v1/wishes/{wish_claimed}/actions/claim", json={}),
    ],
    "POST /api/v1/wishes/{wish_id}/actions/release": [
        C("401   ok    403   403   403   403   403   403   403   403   403   404", "POST /api/v1/wishes/{wish_claimed}/actions/release", json={}),
    ],
    # No evidence: the claimant gets 422 (evidence is required), everybody else 403.
    "POST /api/v1/wishes/{wish_id}/actions/fulfil": [
        C("401   422   403   403   403   403   403   403   403   403   403   404", "POST /api/v1/wishes/{wish_claimed}/actions/fulfil", json={"note": "已送达", "evidence": []}),
    ],
    # The community confirms (no column here: tests/test_wishes.py).
    "POST /api/v1/wishes/{wish_id}/actions/confirm": [
        C("401   403   403   403   403   403   403   403   403   403   403   404", "POST /api/v1/wishes/{wish_fulfilled}/actions/confirm", json={}),
    ],
    "POST /api/v1/wishes/{wish_id}/actions/withdraw": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/wishes/{wish_open}/actions/withdraw", json={"reason": "心愿人已搬离"}),
    ],
    # ---- API: supervision (督办) --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    # As the pages: {key_item} is seen by the office, its lead deputy, both units, the tier-2
    # leader and unit_a's counterpart committee; {proposed_item} by the office only;
    # {internal_item} (unit_b's) by unit_b and the office. The outsider is staff elsewhere, so
    # proposes in their own congress. (`?internal` only tells the two POST cases apart.)
    "GET /api/v1/ledger/teams": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/ledger/teams"),
    ],
    "POST /api/v1/ledger/teams": [
        C("401   403   403   201   403   403   403   403   403   403   201   422", "POST /api/v1/ledger/teams", json={"name": "新督查组", "year": 2026, "leader": "{user}"}),
        C("401   403   403   422   403   403   403   403   403   403   422   422", "POST /api/v1/ledger/teams?bad", json={"name": "新督查组", "year": 2026, "leader": 999999}),
    ],
    "GET /api/v1/ledger/teams/{team_id}": [
        C("401   404   404   ok    404   404   404   404   ok    ok    ok    404", "GET /api/v1/ledger/teams/{team}"),
    ],
    "POST /api/v1/ledger/teams/{team_id}/inspections": [
        C("401   404   404   201   404   404   404   404   201   201   201   404", "POST /api/v1/ledger/teams/{team}/inspections", json={"item": "{ledger_item}", "on": "{today}", "findings": [{"problem": "问题", "owner_unit": "{unit_a}", "due": "{later}"}]}),
        C("401   404   404   422   404   404   404   404   422   422   422   404", "POST /api/v1/ledger/teams/{team}/inspections?bad", json={"item": "{ledger_item}", "on": "{today}", "findings": [{"problem": "问题", "owner_unit": "{unit_a}", "due": "2000-01-01"}]}),
    ],
    "GET /api/v1/ledger/rectifications": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/ledger/rectifications?warning=red&state=open"),
        C("401   422   422   422   422   422   422   422   422   422   422   422", "GET /api/v1/ledger/rectifications?state=evil"),
    ],
    "GET /api/v1/ledger/rectifications/{rectification_id}": [
        C("401   ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/ledger/rectifications/{rect_open}"),
    ],
    "GET /api/v1/ledger/rectifications/{rectification_id}/actions": [
        C("401   ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/ledger/rectifications/{rect_open}/actions"),
    ],
    "POST /api/v1/ledger/rectifications/{rectification_id}/actions/report": [
        C("401   403   403   403   ok    ok    404   404   403   403   403   404", "POST /api/v1/ledger/rectifications/{rect_open}/actions/report", json={"on": "{today}", "report": "已整改"}),
        C("401   403   403   403   422   422   404   404   403   403   403   404", "POST /api/v1/ledger/rectifications/{rect_open}/actions/report?bad", json={"on": "{later}", "report": "已整改"}),
    ],
    "POST /api/v1/ledger/rectifications/{rectification_id}/actions/close": [
        C("401   403   403   ok    403   403   403   403   ok    403   ok    404", "POST /api/v1/ledger/rectifications/{rect_reported}/actions/close", json={}),
    ],
    "POST /api/v1/ledger/rectifications/{rectification_id}/actions/reopen": [
        C("401   403   403   ok    403   403   403   403   ok    403   ok    404", "POST /api/v1/ledger/rectifications/{rect_reported}/actions/reopen", json={"reason": "未整改到位"}),
        C("401   403   403   409   403   403   404   404   409   403   409   404", "POST /api/v1/ledger/rectifications/{rect_open}/actions/reopen?open", json={"reason": "未整改到位"}),
    ],
    "GET /api/v1/ledger/items": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/ledger/items"),
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/ledger/items?status=lagging&sort=title"),
    ],
    "POST /api/v1/ledger/items": [
        C("401   403   403   201   403   403   403   403   403   403   201   201", "POST /api/v1/ledger/items", json={"kind": "practical", "title": "新项目", "year": 2026, "starts_on": "2026-03-01"}),
        C("401   403   403   422   403   403   403   403   403   403   422   422", "POST /api/v1/ledger/items?bad", json={"kind": "practical", "title": "新项目", "year": 2026, "starts_on": "2026-03-01", "milestones": "2026-04-01 | 选址 | 40"}),
    ],
    "GET /api/v1/ledger/items/{item_id}": [
        C("401   ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/ledger/items/{ledger_item}"),
        C("401   404   404   ok    404   404   ok    ok    ok    ok    ok    404", "GET /api/v1/ledger/items/{duty_item}"),
    ],
    # ---- API: the practical-matter vote (票决): see the pages' rows for who is who --------
    "GET /api/v1/ledger/vote/rounds": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/ledger/vote/rounds"),
    ],
    "POST /api/v1/ledger/vote/rounds": [
        C("401   403   403   201   403   403   403   403   403   403   201   403", "POST /api/v1/ledger/vote/rounds", json={"jurisdiction": "{jurisdiction}", "year": 2027, "title": "2027年票决", "winners": 5}),
        C("401   422   422   422   422   422   422   422   422   422   422   422", "POST /api/v1/ledger/vote/rounds?bad", json={"jurisdiction": "{jurisdiction}", "year": 27, "title": "", "winners": 0}),
    ],
    "GET /api/v1/ledger/vote/rounds/{round_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/ledger/vote/rounds/{vote_voting}"),
        C("401   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/ledger/vote/rounds/{missing}"),
    ],
    "GET /api/v1/ledger/vote/rounds/{round_id}/results": [
        C("401   409   409   409   409   409   409   409   409   409   409   404", "GET /api/v1/ledger/vote/rounds/{vote_voting}/results"),
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/ledger/vote/rounds/{vote_adopted}/results"),
    ],
    "GET /api/v1/ledger/vote/rounds/{round_id}/ballot": [
        C("401   ok    ok    403   403   403   403   403   403   403   403   404", "GET /api/v1/ledger/vote/rounds/{vote_voting}/ballot"),
    ],
    "PUT /api/v1/ledger/vote/rounds/{round_id}/ballot": [
        C("401   ok    ok    403   403   403   403   403   403   403   403   404", "PUT /api/v1/ledger/vote/rounds/{vote_voting}/ballot", json={"choices": [{"candidate": "{vote_candidate}", "choice": "for"}]}),
        C("401   409   409   403   403   403   403   403   403   403   403   404", "PUT /api/v1/ledger/vote/rounds/{vote_adopted}/ballot", json={"choices": [{"candidate": "{vote_candidate}", "choice": "for"}]}),
        C("401   422   422   422   422   422   422   422   422   422   422   422", "PUT /api/v1/ledger/vote/rounds/{vote_voting}/ballot?bad", json={"choices": [{"candidate": "{vote_candidate}", "choice": "maybe"}]}),
    ],
    "PUT /api/v1/ledger/vote/items/{item_id}/satisfaction": [
        C("401   ok    ok    403   403   403   404   404   403   403   403   404", "PUT /api/v1/ledger/vote/items/{vote_item}/satisfaction", json={"rating": "satisfied"}),
    ],
    "GET /api/v1/ledger/vote/rounds/{round_id}/actions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/ledger/vote/rounds/{vote_voting}/actions"),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/add_candidate": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/add_candidate", json={"title": "新项目", "origin": "public", "source_note": "征集"}),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/start_vetting": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/start_vetting", json={}),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/vet": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/vet", json={"candidate_id": "{vote_candidate}", "result": "shortlisted"}),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/open_voting": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/open_voting", json={"closes_on": "{later}"}),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/close": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/ledger/vote/rounds/{vote_voting}/actions/close", json={}),
    ],
    "POST /api/v1/ledger/vote/rounds/{round_id}/actions/adopt": [
        C("401   403   403   409   403   403   403   403   403   403   409   404", "POST /api/v1/ledger/vote/rounds/{vote_adopted}/actions/adopt", json={"starts_on": "{today}"}),
    ],
    "GET /api/v1/ledger/items/{item_id}/actions": [
        C("401   ok    ok    ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/ledger/items/{ledger_item}/actions"),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/report": [
        C("401   403   403   ok    ok    ok    404   404   403   403   ok    404", "POST /api/v1/ledger/items/{ledger_item}/actions/report", json={"on": "{today}", "percent": 20, "narrative": "进展"}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/request_change": [
        C("401   403   403   ok    ok    ok    404   404   403   403   ok    404", "POST /api/v1/ledger/items/{ledger_item}/actions/request_change", json={"title": "新标题", "reason": "调整"}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/approve_change": [
        C("401   403   403   409   403   403   404   404   403   403   403   404", "POST /api/v1/ledger/items/{ledger_item}/actions/approve_change", json={}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/reject_change": [
        C("401   403   403   409   403   403   404   404   403   403   403   404", "POST /api/v1/ledger/items/{ledger_item}/actions/reject_change", json={"note": "不同意"}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/withdraw_change": [
        C("401   403   403   403   403   403   404   404   403   403   403   404", "POST /api/v1/ledger/items/{ledger_item}/actions/withdraw_change", json={}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/stop": [
        C("401   404   404   ok    404   404   403   403   403   403   ok    404", "POST /api/v1/ledger/items/{duty_item}/actions/stop", json={"note": "停止"}),
    ],
    "POST /api/v1/ledger/items/{item_id}/actions/resume": [
        C("401   404   404   409   404   404   403   403   403   403   409   404", "POST /api/v1/ledger/items/{duty_item}/actions/resume", json={}),
    ],
    "GET /api/v1/key-items": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/key-items"),
    ],
    "POST /api/v1/key-items": [
        C("401   403   403   201   403   403   403   403   403   403   201   201", "POST /api/v1/key-items", json={"title": "督办专题"}),
        C("401   403   403   403   422   422   201   201   403   403   403   403", "POST /api/v1/key-items?internal", json={"title": "内部督办", "kind": "internal", "owner_unit": "{unit_b}"}),
    ],
    "GET /api/v1/key-items/{key_item_id}": [
        C("401   ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/key-items/{key_item}"),
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/key-items/{proposed_item}"),
        C("401   404   404   ok    404   404   ok    ok    404   404   ok    404", "GET /api/v1/key-items/{internal_item}"),
    ],
    "GET /api/v1/key-items/{key_item_id}/actions": [
        C("401   ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/key-items/{key_item}/actions"),
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/key-items/{proposed_item}/actions"),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/decide": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/key-items/{proposed_item}/actions/decide", json={"decided_on": "{today}"}),
        C("401   403   404   409   403   403   403   403   403   403   409   404", "POST /api/v1/key-items/{key_item}/actions/decide", json={"decided_on": "{today}"}),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/drop": [
        C("401   404   404   ok    404   404   404   404   404   404   ok    404", "POST /api/v1/key-items/{proposed_item}/actions/drop", json={"note": "未入选。"}),
    ],
    # Its suggestion is still being handled and an instruction is open: not yet (409).
    "POST /api/v1/key-items/{key_item_id}/actions/conclude": [
        C("401   403   404   409   403   403   403   403   403   403   409   404", "POST /api/v1/key-items/{key_item}/actions/conclude", json={"summary": "已解决。"}),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/add_supervisor": [
        C("401   403   404   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/key-items/{key_item}/actions/add_supervisor", json={"user": "{user}", "tier": "{tier}", "duty": "take_part"}),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/add_suggestion": [
        C("401   403   404   ok    403   403   403   403   403   403   ok    404", "POST /api/v1/key-items/{key_item}/actions/add_suggestion", json={"suggestion": "{answered}"}),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/supervise": [
        C("401   403   404   ok    403   403   403   403   ok    ok    ok    404", "POST /api/v1/key-items/{key_item}/actions/supervise", json={"kind": "visit", "happened_on": "{today}", "participants": "督办组", "notes": "现场调研。"}),
        C("401   404   404   ok    404   404   ok    ok    404   404   ok    404", "POST /api/v1/key-items/{internal_item}/actions/supervise", json={"kind": "meeting", "happened_on": "{today}", "participants": "本单位", "notes": "内部推进。"}),
    ],
    "POST /api/v1/key-items/{key_item_id}/actions/instruct": [
        C("401   403   404   ok    403   403   403   403   ok    403   ok    404", "POST /api/v1/key-items/{key_item}/actions/instruct", json={"unit": "{unit_a}", "text": "请落实。"}),
    ],
    "GET /api/v1/instructions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/instructions"),
    ],
    "GET /api/v1/instructions/{instruction_id}": [
        C("401   ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/instructions/{instruction}"),
    ],
    # Only unit_a, to which it is addressed, responds.
    "POST /api/v1/instructions/{instruction_id}/actions/respond": [
        C("401   403   404   403   ok    ok    403   403   403   403   403   404", "POST /api/v1/instructions/{instruction}/actions/respond", json={"response": "已落实。"}),
    ],
    # Papers through the API: the office on a key item, the owner unit on its internal item,
    # the recorder (here the office) on a record, the addressed unit on an instruction.
    "POST /api/v1/key-items/{key_item_id}/documents": [
        C("401   403   404   201   403   403   403   403   403   403   201   404", "POST /api/v1/key-items/{key_item}/documents", data={"files": "{pdf_file}"}),
        C("401   404   404   201   404   404   201   201   404   404   201   404", "POST /api/v1/key-items/{internal_item}/documents", data={"files": "{pdf_file}"}),
    ],
    "POST /api/v1/supervision/records/{record_id}/documents": [
        C("401   403   404   201   403   403   403   403   403   403   201   404", "POST /api/v1/supervision/records/{record}/documents", data={"files": "{pdf_file}"}),
    ],
    "POST /api/v1/instructions/{instruction_id}/documents": [
        C("401   403   404   403   201   201   403   403   403   403   403   404", "POST /api/v1/instructions/{instruction}/documents", data={"files": "{pdf_file}"}),
    ],
    "GET /api/v1/supervision/documents/{document_id}": [
        C("401   ok    404   ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/supervision/documents/{document}"),
    ],
    "GET /api/v1/supervision/warnings": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/supervision/warnings"),
    ],
    "GET /api/v1/suggestions/{suggestion_id}/supervision": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/suggestions/{handling}/supervision"),
        C("401   ok    404   ok    404   404   404   404   404   404   ok    404", "GET /api/v1/suggestions/{confidential}/supervision"),
    ],
    # The office, the congress's leaders and unit_a's counterpart committee supervise it.
    "POST /api/v1/suggestions/{suggestion_id}/supervision/supervise": [
        C("401   403   403   ok    403   403   403   403   ok    ok    ok    404", "POST /api/v1/suggestions/{handling}/supervision/supervise", json={"kind": "inquiry", "happened_on": "{today}", "participants": "财经委", "notes": "当面督办。"}),
    ],
    "POST /api/v1/suggestions/{suggestion_id}/supervision/instruct": [
        C("401   403   403   ok    403   403   403   403   ok    ok    ok    404", "POST /api/v1/suggestions/{handling}/supervision/instruct", json={"unit": "{unit_a}", "text": "请加快办理。"}),
    ],
    "GET /api/v1/notifications": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/notifications"),
    ],
    "GET /api/v1/notifications/unread-count": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/notifications/unread-count"),
    ],
    "POST /api/v1/notifications/read-all": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "POST /api/v1/notifications/read-all"),
    ],
    "POST /api/v1/notifications/{notification_id}/read": [
        C("401   ok    404   404   404   404   404   404   404   404   404   404", "POST /api/v1/notifications/{notification}/read"),
    ],
    "GET /api/v1/notifications/preferences": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/notifications/preferences"),
    ],
    "PUT /api/v1/notifications/preferences": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "PUT /api/v1/notifications/preferences", json={"channels": ["email"], "digest": True}),
    ],
    # Reference data: everyone signed in, their own congresses' records (another's is a 404).
    "GET /api/v1/deputies": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/deputies"),
    ],
    "GET /api/v1/deputies/{deputy_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/deputies/{deputy_profile}"),
    ],
    "GET /api/v1/organisations": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/organisations"),
    ],
    "GET /api/v1/organisations/{organisation_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/organisations/{unit_a}"),
    ],
    "GET /api/v1/categories": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/categories"),
    ],
    "GET /api/v1/categories/{category_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/categories/{category}"),
    ],
    "GET /api/v1/terms": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/terms"),
    ],
    "GET /api/v1/terms/{term_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/terms/{term}"),
    ],
    "GET /api/v1/sessions": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/sessions"),
    ],
    "GET /api/v1/sessions/{session_id}": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    404", "GET /api/v1/sessions/{session}"),
    ],
    # ---- B commitments (pages and API): the ledger's visibility; the unit answers --------
        #  anon  dep   cos   staff clk_a hd_a  clk_b hd_b  sup   comm  admin outsd
    "ledger/commitments/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/commitments/"),
    ],
    "ledger/commitments/resolution/": [
        C("login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /ledger/commitments/resolution/?by=unit_category"),
    ],
    "ledger/commitments/look-back/": [
        C("login 403   403   ok    403   403   403   403   403   403   ok    ok", "GET /ledger/commitments/look-back/"),
    ],
    "ledger/commitments/<int:pk>/": [
        C("login ok    404   ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/commitments/{commitment}/"),
    ],
    "ledger/commitments/<int:pk>/act/<str:action>/": [
        C("login 403   404   403   302   302   404   404   403   403   403   404", "POST /ledger/commitments/{commitment}/act/draft_follow_up/", data=FOLLOW_UP),
        C("login 403   404   403   403   409   404   404   403   403   403   404", "POST /ledger/commitments/{commitment}/act/sign_follow_up/", data={}),
        C("login 403   404   302   403   403   404   404   403   403   302   404", "POST /ledger/commitments/{solved_commitment}/act/reopen/", data=REOPEN),
    ],
    "ledger/commitments/<int:pk>/second-replies/<int:round_>/letter.docx": [
        C("login ok    404   ok    ok    ok    404   404   ok    ok    ok    404", "GET /ledger/commitments/{solved_commitment}/second-replies/1/letter.docx"),
    ],
    "GET /api/v1/evaluation/ranking": [
        C("401   403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /api/v1/evaluation/ranking?year={year}"),
        C("401   403   403   422   403   403   403   403   422   422   422   422", "GET /api/v1/evaluation/ranking?month=13"),
    ],
    "GET /api/v1/evaluation/units/{unit_id}": [
        C("401   403   403   ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/evaluation/units/{unit_a}?year={year}"),
    ],
    "GET /api/v1/evaluation/campaigns": [
        C("401   403   403   ok    403   403   403   403   403   ok    ok    ok", "GET /api/v1/evaluation/campaigns"),
    ],
    "GET /api/v1/evaluation/campaigns/{campaign_id}": [
        C("401   404   404   ok    404   404   404   404   404   ok    ok    404", "GET /api/v1/evaluation/campaigns/{campaign}"),
    ],
    # A step's actions: staff on every step, the committee on its own step (403 on the
    # others: it sees the campaign); the state's refusals are 409, a blank reason 422.
    "GET /api/v1/evaluation/steps/{step_id}": [
        C("401   404   404   ok    404   404   404   404   404   ok    ok    404", "GET /api/v1/evaluation/steps/{committee_step}"),
        C("401   404   404   404   404   404   404   404   404   404   404   404", "GET /api/v1/evaluation/steps/{missing}"),
    ],
    "GET /api/v1/evaluation/steps/{step_id}/actions": [
        C("401   404   404   ok    404   404   404   404   404   ok    ok    404", "GET /api/v1/evaluation/steps/{plan_step}/actions"),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/start": [
        C("401   404   404   ok    404   404   404   404   404   ok    ok    404", "POST /api/v1/evaluation/steps/{committee_step}/actions/start", json={"note": "开始"}),
        C("401   404   404   ok    404   404   404   404   404   403   ok    404", "POST /api/v1/evaluation/steps/{plan_step}/actions/start", json={}),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/finish": [
        C("401   404   404   409   404   404   404   404   404   409   409   404", "POST /api/v1/evaluation/steps/{committee_step}/actions/finish", json={}),
        C("401   404   404   ok    404   404   404   404   404   403   ok    404", "POST /api/v1/evaluation/steps/{opinions_step}/actions/finish", json={"note": "收齐"}),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/skip": [
        C("401   404   404   ok    404   404   404   404   404   403   ok    404", "POST /api/v1/evaluation/steps/{plan_step}/actions/skip", json={"reason": "不做"}),
        C("401   404   404   422   404   404   404   404   404   403   422   404", "POST /api/v1/evaluation/steps/{committee_step}/actions/skip", json={"reason": ""}),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/reopen": [
        C("401   404   404   409   404   404   404   404   404   403   409   404", "POST /api/v1/evaluation/steps/{plan_step}/actions/reopen", json={"reason": "再议"}),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/note": [
        C("401   404   404   ok    404   404   404   404   404   ok    ok    404", "POST /api/v1/evaluation/steps/{committee_step}/actions/note", json={"note": "进展"}),
    ],
    "POST /api/v1/evaluation/steps/{step_id}/actions/send_opinion_forms": [
        C("401   404   404   ok    404   404   404   404   404   403   ok    404", "POST /api/v1/evaluation/steps/{opinions_step}/actions/send_opinion_forms", json={}),
        C("401   404   404   409   404   404   404   404   404   403   409   404", "POST /api/v1/evaluation/steps/{plan_step}/actions/send_opinion_forms", json={}),
    ],
    "GET /api/v1/evaluation/satisfaction": [
        C("401   403   403   ok    403   403   403   403   ok    ok    ok    ok", "GET /api/v1/evaluation/satisfaction?by=unit"),
    ],
    "GET /api/v1/commitments": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/commitments?status=open"),
    ],
    "GET /api/v1/commitments/resolution-rate": [
        C("401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok", "GET /api/v1/commitments/resolution-rate?by=unit,category"),
    ],
    "GET /api/v1/commitments/look-back": [
        C("401   403   403   ok    403   403   403   403   403   403   ok    ok", "GET /api/v1/commitments/look-back"),
    ],
    "GET /api/v1/commitments/{commitment_id}": [
        C("401   ok    404   ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/commitments/{commitment}"),
    ],
    "GET /api/v1/commitments/{commitment_id}/actions": [
        C("401   ok    404   ok    ok    ok    404   404   ok    ok    ok    404", "GET /api/v1/commitments/{commitment}/actions"),
    ],
    "POST /api/v1/commitments/{commitment_id}/actions/draft_follow_up": [
        C("401   403   404   403   ok    ok    404   404   403   403   403   404", "POST /api/v1/commitments/{commitment}/actions/draft_follow_up", json=FOLLOW_UP),
    ],
    "POST /api/v1/commitments/{commitment_id}/actions/sign_follow_up": [
        C("401   403   404   403   403   409   404   404   403   403   403   404", "POST /api/v1/commitments/{commitment}/actions/sign_follow_up", json={}),
    ],
    "POST /api/v1/commitments/{commitment_id}/actions/reopen": [
        C("401   403   404   ok    403   403   404   404   403   403   ok    404", "POST /api/v1/commitments/{solved_commitment}/actions/reopen", json=REOPEN),
    ],
    # ---- the admin site: the superuser only --------
    "admin/": [C(NOT_ADMIN.format("ok"), "GET /admin/")],
    "admin/login/": [C("ok ok ok ok ok ok ok ok ok ok 302 ok", "GET /admin/login/")],
    "admin/logout/": [C("302 302 302 302 302 302 302 302 302 302 405 302", "GET /admin/logout/")],
    "admin/password_change/": [C(NOT_ADMIN.format("ok"), "GET /admin/password_change/")],
    "admin/password_change/done/": [C(NOT_ADMIN.format("ok"), "GET /admin/password_change/done/")],
    "admin/autocomplete/": [C(NOT_ADMIN.format("403"), "GET /admin/autocomplete/")],
    "admin/jsi18n/": [C(NOT_ADMIN.format("ok"), "GET /admin/jsi18n/")],
    "admin/r/<path:content_type_id>/<path:object_id>/": [
        C(NOT_ADMIN.format("404"), "GET /admin/r/{suggestion_type}/{handling}/")
    ],
    "admin/<app_label>/$": [C(NOT_ADMIN.format("ok"), "GET /admin/people/")],
    "admin/(?P<url>.*)$": [C(NOT_ADMIN.format("404"), "GET /admin/nonsense/")],
    "admin/people/user/<id>/password/": [
        C(NOT_ADMIN.format("ok"), "GET /admin/people/user/{user}/password/")
    ],
    **admin_model("auth/group"),
    # django-axes' records are read-only (no add); only existing ones open.
    **admin_model("axes/accessattempt", add="403"),
    **admin_model("axes/accesslog", add="403"),
    **admin_model("axes/accessfailurelog", add="403"),
    **admin_model("people/user", obj="user"),
    **admin_model("people/jurisdiction", obj="jurisdiction"),
    **admin_model("people/organisation", obj="unit_a"),
    **admin_model("people/term", obj="term"),
    **admin_model("people/session", obj="session"),
    **admin_model("people/deputy", obj="deputy_profile"),
    **admin_model("people/role", obj="role"),
    # Tokens are issued on the account page (shown once), never typed into the admin.
    **admin_model("people/apitoken", obj="token", add="403"),
    **admin_model("suggestions/ruleset"),
    **admin_model("workcalendar/calendarday"),
    **admin_model("workcalendar/calendaryear"),
    **admin_model("suggestions/category", obj="category"),
    **admin_model("insight/routingrule"),
    # What happens to a suggestion goes through the workflow: the admin only reads it.
    **admin_model("insight/routingrulechange", add="403", delete="403"),
    **admin_model("suggestions/suggestion", obj="handling", add="403", delete="403"),
    **admin_model("audit/event", obj="event", add="403", delete="403"),
    **admin_model("suggestions/assignment", obj="assignment", add="403", delete="403"),
    **admin_model("suggestions/reply", obj="reply", add="403", delete="403"),
    **admin_model("suggestions/rating", add="403", delete="403"),
    **admin_model("suggestions/contactlog", obj="contact", add="403", delete="403"),
    **admin_model("suggestions/jointopinion", obj="opinion", add="403", delete="403"),
    **admin_model("suggestions/extensionrequest", add="403", delete="403"),
    **admin_model("suggestions/adjustmentrequest", add="403", delete="403"),
    # The delivery log and the inbox are read, never typed in; the task queue is django-tasks'.
    **admin_model("notifications/notification", obj="notification", add="403"),
    **admin_model("notifications/delivery", add="403"),
    **admin_model("notifications/preference"),
    **admin_model("notifications/recordedmessage", add="403"),
    **admin_model("django_tasks_database/dbtaskresult", add="403", delete="403"),
    **admin_model("evaluation/scheme", obj="scheme"),
    **admin_model("evaluation/yearscheme", obj="year_scheme"),
    **admin_model("supervision/tier", add="403", delete="403"),
    **admin_model("supervision/keyitem", add="403", delete="403"),
    **admin_model("supervision/instruction", add="403", delete="403"),
    **admin_model("supervision/record", add="403", delete="403"),
    **admin_model("ledger/ledgeritem", add="403", delete="403"),
    **admin_model("ledger/changerequest", add="403", delete="403"),
    **admin_model("ledger/team", add="403", delete="403"),
    **admin_model("ledger/rectification", add="403", delete="403"),
    **admin_model("ledger/voteround", add="403", delete="403"),
    **admin_model("wishes/wish", add="403", delete="403"),
    **admin_model("disclosure/publication", add="403", delete="403"),
    **admin_model("insight/routingfeedback", add="403", delete="403"),
    **admin_model("evaluation/steptemplate", obj="step_template"),
}
# fmt: on


# --- the world the URLs are filled from --------------------------------------------------------


@dataclass
class World:
    """Ids for the {placeholders} of the table, built through the real workflow."""

    ids: dict[str, Any] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        try:
            return text.format(**self.ids)
        except KeyError as missing:
            raise AssertionError(
                f"{text!r} uses the placeholder {missing}, which World does not define: "
                f"use one of {', '.join(sorted(self.ids))} or add it in the `world` fixture."
            ) from None

    def fill_body(self, body: Any) -> Any:
        if isinstance(body, dict):
            return {k: self.fill_body(v) for k, v in body.items()}
        if isinstance(body, list):
            return [self.fill_body(v) for v in body]
        if body == "{pdf_file}":  # a fresh upload for every request
            return SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")
        if isinstance(body, str) and re.fullmatch(r"\{\w+\}", body):
            value = self.ids[body[1:-1]]
            return int(value) if str(value).isdigit() else value
        return body


def _supervision_world(cast, handling) -> dict[str, int]:
    """A decided key item holding the suggestion in handling (lead unit_a, joint unit_b), with
    an open instruction to unit_a; a proposal; unit_b's internal key item."""
    from django.utils import timezone

    from minsheng.supervision import workflow as supervision
    from minsheng.supervision.models import Tier

    year = timezone.localdate().year
    item = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="督办专题",
        year=year,
        suggestions=[handling],
        lead_unit=cast.unit_a,
    )
    item = supervision.decide(item, by=cast.staff, decided_on=timezone.localdate())
    instruction = supervision.instruct(item, by=cast.staff, unit=cast.unit_a, text="请落实。")
    proposed = supervision.propose(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        title="拟督办",
        year=year,
        suggestions=[handling],
    )
    internal = supervision.propose(
        by=cast.clerk_b,
        jurisdiction_id=cast.jurisdiction.pk,
        title="内部督办",
        year=year,
        kind="internal",
        owner_unit=cast.unit_b,
    )
    from minsheng.supervision import documents

    pdf = SimpleUploadedFile("决定.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    kind = files.sniff(io.BytesIO(pdf.read()), pdf.name)
    decision = documents.attach(item, [(pdf, kind)], by=cast.staff)[0]
    record = supervision.supervise(
        item,
        by=cast.staff,
        kind="visit",
        happened_on=timezone.localdate(),
        participants="督办组",
        notes="现场调研。",
    )
    return {
        "document": decision.pk,
        "record": record.pk,
        "key_item": item.pk,
        "proposed_item": proposed.pk,
        "internal_item": internal.pk,
        "instruction": instruction.pk,
        "tier": Tier.objects.get(number=5).pk,
    }


def _ledger_world(cast) -> dict[str, int]:
    """A practical-matter project of unit_a with a progress report and its evidence, and a
    law-enforcement inspection of unit_b (deputies see practical-matter projects only)."""
    import datetime

    from django.utils import timezone

    from minsheng.ledger import workflow as ledger

    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    practical = ledger.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        kind="practical",
        title="民生实事",
        year=start.year,
        starts_on=start,
        responsible_unit=cast.unit_a,
    )
    update = ledger.report(practical, by=cast.clerk_a, on=today, percent=10, narrative="开工")
    pdf = SimpleUploadedFile("照片.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    kind = files.sniff(io.BytesIO(pdf.read()), pdf.name)
    evidence = ledger.attach_evidence(update, [(pdf, kind)], by=cast.clerk_a)[0]
    inspection = ledger.create_item(
        by=cast.staff,
        jurisdiction_id=cast.jurisdiction.pk,
        kind="inspection",
        title="执法检查",
        year=start.year,
        starts_on=start,
        responsible_unit=cast.unit_b,
    )
    return {"ledger_item": practical.pk, "duty_item": inspection.pk, "evidence": evidence.pk}


def _teams_world(cast, item_id: int) -> dict[str, int]:
    """A team (the supervisor leads, the committee member is in it) covering the practical
    project of unit_a, one inspection with evidence, an open rectification of unit_a and a
    reported one of unit_b."""
    from django.utils import timezone

    from minsheng.ledger import workflow_teams
    from minsheng.ledger.models import LedgerItem
    from tests import team_states

    today = timezone.localdate()
    item = LedgerItem.objects.get(pk=item_id)
    team = team_states.team(cast, [item], year=today.year)
    pdf = SimpleUploadedFile("现场.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    kind = files.sniff(io.BytesIO(pdf.read()), pdf.name)
    inspection = team_states.inspected(cast, team, item, on=today, units=[cast.unit_a, cast.unit_b])
    evidence = workflow_teams.attach_evidence(
        [(pdf, kind)], by=cast.committee, inspection=inspection
    )[0]
    open_, other = inspection.rectifications.order_by("pk")
    workflow_teams.report(other, by=cast.clerk_b, on=today, report="已整改")
    return {
        "team": team.pk,
        "rect_open": open_.pk,
        "rect_reported": other.pk,
        "team_evidence": evidence.pk,
    }


def _vote_world(cast) -> dict[str, int]:
    """A practical-matter vote open for voting, and last round's, adopted into the ledger."""
    from tests import vote_states

    voting = vote_states.voting(cast, title="正在票决")
    adopted = vote_states.adopted(cast, title="已票决")
    return {
        "vote_voting": voting.pk,
        "vote_candidate": voting.candidates.order_by("pk").first().pk,
        "vote_adopted": adopted.pk,
        "vote_item": adopted.candidates.filter(elected=True).order_by("rank")[0].ledger_item_id,
    }


def _wishes_world(cast) -> dict[str, int]:
    """A posted wish, a verified one, one claimed by the deputy and one the deputy fulfilled
    (with its evidence), all of the cast's community."""
    from tests import wish_states

    org, _worker = wish_states.community(cast)
    fulfilled = wish_states.fulfilled(cast, title="已完成的心愿")
    return {
        "community": org.pk,
        "wish_posted": wish_states.posted(cast, title="待审核的心愿").pk,
        "wish_open": wish_states.verified(cast, title="可认领的心愿").pk,
        "wish_claimed": wish_states.claimed(cast, title="已认领的心愿").pk,
        "wish_fulfilled": fulfilled.pk,
        "wish_evidence": fulfilled.evidence.get().pk,
    }


def _disclosure_world(cast) -> dict[str, Any]:
    """A record waiting for review, a published one and a confidential (withheld) one. The
    hook runs on commit, which a test transaction never reaches: prepared here directly."""
    from minsheng.disclosure import workflow as disclosure

    pending = disclosure.prepare(states.answered(cast, title="待审核公开的建议"))
    published = disclosure.prepare(states.answered(cast, title="已公开的建议"))
    published = disclosure.publish(published, by=cast.staff)
    secret = disclosure.prepare(states.answered(cast, title="涉密的建议", is_confidential=True))
    assert pending and secret and secret.state == "withheld"
    return {
        "pub_pending": pending.pk,
        "pub_published": published.pk,
        "pub_secret": secret.pk,
        "pub_reply_piece": next(k for k in pending.fingerprints if k.startswith("reply:")),
    }


def _commitment_world(cast) -> dict[str, int]:
    """An open B commitment (unit_a, the deputy's suggestion) and a solved one."""
    from django.utils import timezone

    from minsheng.ledger import commitments
    from minsheng.ledger.models import LedgerItem

    open_ = states.answered(cast, category_code="B", title="B类承诺")
    solved_s = states.answered(cast, category_code="B", title="已解决的承诺")
    solved = LedgerItem.objects.get(source_suggestion=solved_s)
    commitments.draft_follow_up(
        solved,
        by=cast.clerk_a,
        category="A",
        text="已解决。",
        contact_method="phone",
        contacted_on=timezone.localdate(),
        contact_leader="孙立新",
        contact_leader_phone="0871-1234567",
        case_officer="赵敏",
        case_officer_phone="0871-7654321",
    )
    commitments.sign_follow_up(solved, by=cast.head_a)
    return {
        "commitment": LedgerItem.objects.get(source_suggestion=open_).pk,
        "solved_commitment": solved.pk,
    }


def _evaluation_world(cast) -> dict[str, Any]:
    """The presets for the cast's congress, this year scored by the Hainan points."""
    from django.utils import timezone

    from minsheng.evaluation import schemes
    from minsheng.evaluation.models import Scheme
    from minsheng.evaluation.presets import HAINAN

    schemes.load_presets(cast.jurisdiction)
    year = timezone.localdate().year
    scheme = Scheme.objects.get(jurisdiction=cast.jurisdiction, code=HAINAN)
    row = schemes.use_for_year(cast.jurisdiction, year, scheme)
    return {"year": year, "scheme": scheme.pk, "year_scheme": row.pk}


def _campaign_world(cast) -> dict[str, Any]:
    """A campaign of this year: the committee owns the committee-assessment step; the opinions
    step is under way and sent the cast's deputy (who had a reply) a form; the plan step has
    a document."""
    from django.utils import timezone

    from minsheng.evaluation import campaigns
    from minsheng.evaluation.models_campaign import StepTemplate

    day = timezone.localdate()
    c = campaigns.create(
        by=cast.staff, jurisdiction=cast.jurisdiction, year=day.year, title="评估", starts_on=day
    )
    opinions = c.steps.get(code="collect_opinions")
    campaigns.start(opinions, by=cast.staff)
    campaigns.send_opinion_forms(opinions, by=cast.staff)
    plan = c.steps.get(code="plan")
    pdf = SimpleUploadedFile("方案.pdf", PDF)
    kind = files.sniff(io.BytesIO(PDF), pdf.name)
    doc = campaigns.attach(plan, [(pdf, kind)], by=cast.staff)[0]
    return {
        "campaign": c.pk,
        "plan_step": plan.pk,
        "committee_step": c.steps.get(code="committee_assessment").pk,
        "opinions_step": opinions.pk,
        "campaign_document": doc.pk,
        "opinion_form": c.opinion_forms.get().pk,
        "step_template": StepTemplate.objects.filter(jurisdiction=cast.jurisdiction).first().pk,
    }


@pytest.fixture
def world(cast, settings, tmp_path) -> World:
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from minsheng.audit.models import Event
    from minsheng.people.models import Deputy, Role
    from minsheng.suggestions.models import Assignment, ContactLog, Suggestion

    settings.MEDIA_ROOT = tmp_path / "media"
    handling = states.handling(cast, joint=True, cosign=True, title="办理中的建议")
    answered = states.answered(cast, joint=True, cosign=True, title="已答复的建议")
    draft = states.draft(cast, title="草稿")
    assigned = states.assigned(cast, title="刚交办的建议")
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    kind = files.sniff(io.BytesIO(pdf.read()), pdf.name)
    assert kind is not None
    attachment = files.store(draft, [(pdf, kind)], by=cast.deputy)[0]
    token, _raw = ApiToken.issue(cast.deputy, "matrix")
    from minsheng.notifications.delivery import Draft, record

    notification = record(
        [
            Draft(
                cast.deputy.pk,
                "reply_received",
                "matrix",
                {"number": "1", "title": "t", "unit": "u"},
            )
        ]
    ).created[0]
    today = timezone.localdate()
    ids = {
        "handling": handling.pk,
        "answered": answered.pk,
        "draft": draft.pk,
        "submitted": states.submitted(cast, title="已提交的建议").pk,
        "confidential": states.registered(cast, title="涉密建议", is_confidential=True).pk,
        "assigned": assigned.pk,
        "new_assignment": assigned.assignments.get().pk,
        "reply": Reply.objects.filter(suggestion=answered).first().pk,
        "opinion": JointOpinion.objects.filter(assignment__suggestion=answered).first().pk,
        "attachment": attachment.pk,
        "token": token.pk,
        "notification": notification.pk,
        "unit_a": cast.unit_a.pk,
        "unit_b": cast.unit_b.pk,
        "category": states.category(cast).pk,
        "term": cast.term.pk,
        "session": cast.term.sessions.first().pk,
        "deputy_profile": Deputy.objects.get(user=cast.deputy).pk,
        "user": cast.deputy.pk,
        "jurisdiction": cast.jurisdiction.pk,
        "role": Role.objects.filter(user=cast.staff).first().pk,
        "event": Event.objects.filter(suggestion=handling).first().pk,
        "assignment": Assignment.objects.filter(suggestion=handling).first().pk,
        "contact": ContactLog.objects.filter(suggestion=answered).first().pk,
        "suggestion_type": ContentType.objects.get_for_model(Suggestion).pk,
        **_supervision_world(cast, handling),
        **(ledger := _ledger_world(cast)),
        **_teams_world(cast, ledger["ledger_item"]),
        **_wishes_world(cast),
        **_disclosure_world(cast),
        **_commitment_world(cast),
        **_vote_world(cast),
        **_evaluation_world(cast),
        **_campaign_world(cast),
        "missing": 999_999,
        "today": today.isoformat(),
        "later": (today + datetime.timedelta(days=120)).isoformat(),
    }
    return World(ids)


# --- walking the URLconf and the schema --------------------------------------------------------


def normal(route: str) -> str:
    """A route as a TABLE key: the admin's app index lists the registered apps in its regex;
    the key names the parameter only, so registering a new app does not rename it."""
    return re.sub(r"\(\?P<app_label>[^)]*\)", "<app_label>", route)


def url_patterns() -> Iterator[tuple[str, str]]:
    """(route, where) for every URL pattern of the root URLconf, included ones too, spelt as
    `resolve(url).route` spells them."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            part = str(p.pattern).removeprefix("^") if prefix else str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + part)
            elif isinstance(p, URLPattern):
                callback = p.callback
                where = (
                    f"{getattr(callback, '__module__', '?')}.{getattr(callback, '__name__', '?')}"
                )
                yield normal(prefix + part), where

    yield from walk(get_resolver().url_patterns, "")


def _route_to_openapi(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_operations(client: Client) -> set[str]:
    schema = client.get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


@pytest.fixture
def operations(client) -> set[str]:
    return api_operations(client)


def _where_to_add(key: str) -> str:
    return (
        f"Add an entry for {key!r} to TABLE in tests/test_access_matrix.py: who may use it, one "
        "code per column (anonymous, then every persona of tests/conftest.py). "
        "ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -k print -s shows what it "
        "answers today."
    )


def test_every_url_pattern_has_an_entry(operations):
    api_paths = {op.split(" ", 1)[1] for op in operations}
    missing = []
    for route, where in url_patterns():
        if route in TABLE:
            continue
        # Routes of API operations are covered by the operations' entries (checked below).
        if route.startswith("api/") and _route_to_openapi(route) in api_paths:
            continue
        missing.append(f"- URL pattern {route!r} (view {where}). {_where_to_add(route)}")
    assert not missing, "URL patterns with no entry in the access matrix:\n" + "\n".join(missing)


def test_every_api_operation_has_an_entry(operations):
    missing = [
        f"- API operation {op!r}. {_where_to_add(op)}" for op in sorted(operations - set(TABLE))
    ]
    assert not missing, "API operations with no entry in the access matrix:\n" + "\n".join(missing)


def test_no_entry_is_left_over(operations):
    routes = {route for route, _where in url_patterns()}
    stale = [key for key in TABLE if key not in routes and key not in operations]
    assert not stale, (
        "TABLE entries for URL patterns or API operations that no longer exist (rename or "
        f"remove them in tests/test_access_matrix.py): {stale}"
    )


def test_rows_are_well_formed_and_each_case_reaches_its_route(world):
    problems = []
    for key, cases in TABLE.items():
        assert cases, f"{key!r} has no case"
        for case in cases:
            codes = case.row.split()
            if len(codes) != len(COLUMNS):
                problems.append(
                    f"{key!r} {case.request!r}: {len(codes)} codes, want {len(COLUMNS)}"
                )
            unknown = [code for code in codes if code not in CODES]
            if unknown:
                problems.append(f"{key!r} {case.request!r}: unknown codes {unknown}")
            url = world.fill(case.url)
            route = normal(resolve(url.split("?")[0]).route)
            expected_route = key.split(" ", 1)[1] if " " in key else key
            if " " in key:
                ok = _route_to_openapi(route) == expected_route and case.method == key.split()[0]
            else:
                ok = route == expected_route
            if not ok:
                problems.append(f"{key!r}: the case {case.request!r} resolves to {route!r}")
    assert not problems, "\n".join(problems)


# --- running the matrix ------------------------------------------------------------------------

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
STATUSES = ("201", "302", "400", "401", "403", "404", "405", "409", "422")
CODES = {"ok", "login", "admin", *STATUSES}


def classify(response: Any) -> str:
    status = response.status_code
    if status == 200:
        return "ok"
    if status in (301, 302, 303):
        target = response.headers.get("Location", "")
        if target.startswith(LOGIN + "?next="):
            return "login"
        if target.startswith(ADMIN_LOGIN + "?next="):
            return "admin"
        return "302"
    return str(status)


def run_case(client: Client, world: World, case: C, token: str | None) -> str:
    url = world.fill(case.url)
    headers = {}
    if token and url.startswith("/api/"):
        headers["Authorization"] = f"Bearer {token}"
    with transaction.atomic():
        if case.method == "GET":
            response = client.get(url, headers=headers)
        elif case.json is not None:
            response = client.generic(
                case.method,
                url,
                jsonlib.dumps(world.fill_body(case.json)),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.post(url, world.fill_body(case.data or {}), headers=headers)
        code = classify(response)
        transaction.set_rollback(True)
    return code


def observe(client: Client, world: World, cast: Any, column: str) -> dict[tuple[str, str], str]:
    token = None
    if column != "anonymous":
        user = getattr(cast, column)
        client.force_login(user)
        token = ApiToken.issue(user, "matrix")[1]
    seen = {}
    for key, cases in TABLE.items():
        for case in cases:
            seen[key, case.request] = run_case(client, world, case, token)
            if case.method == "POST" and column != "anonymous":
                client.force_login(getattr(cast, column))  # a POST may have ended the session
    return seen


@pytest.mark.parametrize("column", COLUMNS)
def test_matrix(client, cast, world, column):
    index = COLUMNS.index(column)
    wrong = []
    for (key, request), got in observe(client, world, cast, column).items():
        case = next(c for c in TABLE[key] if c.request == request)
        codes = case.row.split()
        want = codes[index]
        if got != want:
            wrong.append(
                f"- {world.fill(request)}  [{request}, entry {key!r}]: expected {want}, got {got}"
            )
    assert not wrong, f"As {column!r} ({len(wrong)} cases differ from TABLE):\n" + "\n".join(wrong)


@pytest.mark.skipif(not os.environ.get("ACCESS_MATRIX_PRINT"), reason="ACCESS_MATRIX_PRINT=1")
def test_print_what_every_case_answers(client, cast, world):  # pragma: no cover - a tool
    """Print every case as a row of codes (what it answers today), to help write new rows."""
    columns = {}
    for column in COLUMNS:
        client.logout()
        columns[column] = observe(client, world, cast, column)
    print("\n#" + " " * 40 + HEADER)
    for key, cases in TABLE.items():
        for case in cases:
            row = " ".join(columns[col][key, case.request] for col in COLUMNS)
            mark = "" if row == " ".join(case.row.split()) else "   # differs from TABLE"
            print(f"{case.request:<70} {row!r}{mark}")
    assert columns
