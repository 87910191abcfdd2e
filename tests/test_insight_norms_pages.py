"""The reply-norm checker on the suggestion page and at signing (insight/norms_adapter.py):
the unit sees its draft's findings and can justify them, the head signs with them in view, the
signed reply keeps them, the congress office sees them at review, the deputy never."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from minsheng.insight import norms_adapter
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Reply
from tests import states

pytestmark = pytest.mark.django_db

# A reply of stock phrases only: no measure, no number, no date.
EMPTY = {
    **states.REPLY,
    "text": "您的建议已收悉。我厅高度重视，将认真研究，积极协调解决。"
    "感谢您对交通工作的关心和支持。",
}
GOOD = {
    **states.REPLY,
    "text": (
        "尊敬的赵敏代表：您提出的关于改善农村公路安全设施的建议收悉。我厅于3月12日与您电话沟通了"
        "办理思路。经研究，2026年我厅已安排专项资金1200万元，在全省农村公路新增护栏86公里、"
        "警示标志420块，已于6月底前全部完成安装，并组织了验收。下一步将把护栏和警示标志的维护"
        "纳入农村公路养护考核，每年开展一次排查，发现缺损的在一个月内补齐。感谢您对交通运输工作"
        "的关心和支持。如有意见，请与我厅公路处联系，我们将及时向您反馈后续的排查和维护情况。"
    ),
}


def _drafted(cast, fields):
    s = states.handling(cast)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **fields)
    s.refresh_from_db()
    return s


def _page(client, user, s, lang="en"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client.get(reverse("suggestions:detail", args=[s.pk]))


def test_the_clerk_sees_the_drafts_findings_explained(client, cast):
    s = _drafted(cast, EMPTY)
    page = _page(client, cast.clerk_a, s, lang="zh-hans").content.decode()
    assert 'data-testid="reply-norms"' in page
    assert 'data-code="empty-formula"' in page
    assert "答复以套话为主" in page
    # Beside the draft form, one line that says how many and where to look.
    assert 'data-testid="reply-advice"' in page


def test_a_good_reply_has_no_finding(client, cast):
    s = _drafted(cast, GOOD)
    reply = Reply.objects.get(suggestion=s)
    assert [f.code for f in norms_adapter.findings(reply)] == []
    page = _page(client, cast.clerk_a, s).content.decode()
    assert 'data-testid="norms-ok"' in page
    assert 'data-testid="reply-advice"' not in page


def test_the_database_facts_win_over_the_text(cast):
    """Contact logged and the case officer's phone are known: no guess from the text."""
    s = _drafted(cast, GOOD)
    text = norms_adapter.reply_text(Reply.objects.get(suggestion=s))
    assert text.contact_logged is True
    assert text.contact_person == "赵敏" and text.contact_phone == "0871-7654321"
    assert text.signer == "孙立新"


def test_a_lead_reply_that_ignores_the_joint_unit_is_flagged(cast):
    s = states.handling(cast, joint=True)
    workflow.submit_joint_opinion(s, by=cast.clerk_b, text="同意主办单位意见。")
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **GOOD)
    codes = [f.code for f in norms_adapter.findings(Reply.objects.get(suggestion=s))]
    assert "joint-opinions-missing" in codes


def test_the_justification_is_kept_and_shown(client, cast):
    s = _drafted(cast, {**EMPTY, "norm_justification": "代表当面表示只需知悉，不需具体措施。"})
    reply = Reply.objects.get(suggestion=s)
    assert reply.norm_justification == "代表当面表示只需知悉，不需具体措施。"
    page = _page(client, cast.head_a, s).content.decode()
    assert "代表当面表示只需知悉" in page
    assert "the unit has given a justification" in page


def test_signing_keeps_the_findings_as_they_stood(client, cast):
    s = _drafted(cast, EMPTY)
    workflow.sign_reply(s, by=cast.head_a)
    reply = Reply.objects.get(suggestion=s)
    check = reply.norm_check
    assert check["version"] == norms_adapter.RULES_VERSION
    assert "empty-formula" in check["errors"]
    assert check["justified"] is False
    assert {f["code"] for f in check["findings"]} == set(check["errors"] + check["warnings"])
    # The congress office reviews the signed reply with what was flagged.
    page = _page(client, cast.staff, s).content.decode()
    assert 'data-testid="reply-norms"' in page
    assert "as checked when signed" in page
    assert 'data-code="empty-formula"' in page


def test_a_good_reply_signed_keeps_an_empty_check(cast):
    s = _drafted(cast, GOOD)
    workflow.sign_reply(s, by=cast.head_a)
    check = Reply.objects.get(suggestion=s).norm_check
    assert check["errors"] == [] and check["warnings"] == [] and check["findings"] == []


def test_the_deputy_never_sees_the_check(client, cast):
    s = _drafted(cast, EMPTY)
    workflow.sign_reply(s, by=cast.head_a)
    page = _page(client, cast.deputy, s).content.decode()
    assert "reply-norms" not in page
    assert "empty-formula" not in page


def test_another_unit_does_not_see_this_units_check(client, cast):
    s = states.handling(cast, separate=True)
    states.contact(cast, s)
    workflow.draft_reply(s, by=cast.clerk_a, **EMPTY)
    page = _page(client, cast.clerk_b, s).content.decode()
    reply = Reply.objects.get(suggestion=s)
    assert f'data-testid="reply-norms-{reply.pk}"' not in page


def test_a_b_reply_with_plan_and_date_is_not_asked_for_them(cast):
    fields = {
        **GOOD,
        "category": "B",
        "plan": "分两年实施：2027年完成勘察设计，2028年完成建设。",
        "target_date": datetime.date(2028, 12, 31),
    }
    s = _drafted(cast, fields)
    codes = [f.code for f in norms_adapter.findings(Reply.objects.get(suggestion=s))]
    assert "category-b-plan" not in codes and "category-b-date" not in codes


def test_the_page_explains_in_english_for_an_english_reader(client, cast):
    s = _drafted(cast, EMPTY)
    page = _page(client, cast.clerk_a, s, lang="en").content.decode()
    assert "mostly boilerplate" in page


def _api(client, user, s, reply):
    client.force_login(user)
    return client.get(
        f"/api/v1/suggestions/{s.pk}/replies/{reply.pk}/norms", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_the_api_gives_the_unit_its_drafts_findings(client, cast):
    s = _drafted(cast, EMPTY)
    reply = Reply.objects.get(suggestion=s)
    answer = _api(client, cast.clerk_a, s, reply)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["state"] == "draft" and body["checked_at"] is None
    assert "empty-formula" in [f["code"] for f in body["findings"]]


def test_the_api_gives_staff_the_check_kept_at_signing(client, cast):
    s = _drafted(cast, EMPTY)
    workflow.sign_reply(s, by=cast.head_a)
    reply = Reply.objects.get(suggestion=s)
    body = _api(client, cast.staff, s, reply).json()
    assert body["state"] == "sent" and body["checked_at"]
    assert "empty-formula" in [f["code"] for f in body["findings"]]


@pytest.mark.parametrize("who", ["deputy", "clerk_b", "outsider"])
def test_the_api_answers_404_to_anyone_else(client, cast, who):
    s = _drafted(cast, EMPTY)
    reply = Reply.objects.get(suggestion=s)
    assert _api(client, getattr(cast, who), s, reply).status_code == 404


def test_the_api_answers_404_for_a_reply_of_another_suggestion(client, cast):
    s = _drafted(cast, EMPTY)
    other = states.registered(cast, title="关于另一件事的建议")
    reply = Reply.objects.get(suggestion=s)
    assert _api(client, cast.staff, other, reply).status_code == 404
