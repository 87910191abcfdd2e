"""Publication as its own step: prepared after the reply, queued, reviewed with redaction,
published, withheld, withdrawn, every step an event; confidential suggestions never."""

from __future__ import annotations

import pytest

from minsheng.audit.models import Event
from minsheng.disclosure import workflow
from minsheng.disclosure.actions import PUBLICATIONS
from minsheng.disclosure.models import Publication
from minsheng.engine.errors import Conflict, Invalid, NotAllowed
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow as suggestions
from minsheng.suggestions.models import Reply
from tests import disclosure_states as pubs
from tests import states

pytestmark = pytest.mark.django_db
P = Publication.State


def events(pub):
    return list(
        Event.objects.filter(subject_type__model="publication", subject_id=pub.pk)
        .order_by("pk")
        .values_list("action", "from_state", "to_state")
    )


def test_a_sent_reply_prepares_a_record_that_is_queued_once_answered(
    cast, django_capture_on_commit_callbacks
):
    s, pub = pubs.answered(cast, django_capture_on_commit_callbacks)
    assert pub.state == P.PENDING
    reply = Reply.objects.get(suggestion=s)
    assert pub.due == reply.publication_due
    assert set(pub.fingerprints) == {"title", "body", f"reply:{reply.pk}"}
    assert events(pub) == [("prepare", "", P.NOT_DUE), ("queue", P.NOT_DUE, P.PENDING)]
    ev = Event.objects.filter(subject_type__model="publication", subject_id=pub.pk).first()
    assert ev.actor is None  # the system


def test_a_separate_suggestion_waits_not_due_until_every_unit_replied(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        s = states.handling(cast, separate=True)
        states.contact(cast, s)
        suggestions.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        suggestions.sign_reply(s, by=cast.head_a)
    pub = Publication.objects.get(suggestion=s)
    assert pub.state == P.NOT_DUE
    with django_capture_on_commit_callbacks(execute=True):
        states.contact(cast, s, cast.clerk_b)
        suggestions.draft_reply(s, by=cast.clerk_b, **states.REPLY)
        suggestions.sign_reply(s, by=cast.head_b)
    pub.refresh_from_db()
    assert pub.state == P.PENDING
    assert len([k for k in pub.fingerprints if k.startswith("reply:")]) == 2
    assert [e[0] for e in events(pub)] == ["prepare", "refresh", "queue"]


def test_prepare_is_idempotent(cast, django_capture_on_commit_callbacks):
    s, pub = pubs.answered(cast, django_capture_on_commit_callbacks)
    before = events(pub)
    workflow.prepare(s)
    assert workflow.prepare_all() == 0
    assert events(pub) == before
    assert Publication.objects.count() == 1


def test_a_confidential_suggestion_is_withheld_and_can_never_be_queued(
    cast, django_capture_on_commit_callbacks
):
    s, pub = pubs.answered(cast, django_capture_on_commit_callbacks, is_confidential=True)
    assert pub.state == P.WITHHELD and pub.confidential
    assert "涉密" in pub.reason
    assert [e[0] for e in events(pub)] == ["prepare", "withhold"]
    with pytest.raises(Conflict, match="涉密"):
        workflow.reopen(pub, by=cast.staff)
    assert "reopen" not in PUBLICATIONS.offered(cast.staff, pub)


def test_staff_cannot_queue_a_confidential_not_due_record(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = states.handling(cast, separate=True, is_confidential=True)
        states.contact(cast, s)
        suggestions.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        suggestions.sign_reply(s, by=cast.head_a)
    pub = Publication.objects.get(suggestion=s)
    assert pub.state == P.NOT_DUE
    with pytest.raises(Conflict, match="涉密"):
        workflow.queue(pub, by=cast.staff)
    refusal = PUBLICATIONS.refusal("queue", cast.staff, pub)
    assert refusal is not None and "涉密" in refusal.message


def test_publishing_sets_the_public_columns_and_withdrawing_clears_them(
    cast, django_capture_on_commit_callbacks
):
    pub = pubs.published(cast, django_capture_on_commit_callbacks, category_code="B")
    assert pub.state == P.PUBLISHED and pub.public == 1 and pub.published_at
    assert pub.result == "B" and pub.unit_id == cast.unit_a.pk
    assert pub.delegation_id == Deputy.objects.get(user=cast.deputy).delegation_id
    assert pub.on_time is True and pub.rating == ""
    assert set(pub.shown) == set(pub.fingerprints)
    pub = workflow.withdraw(pub, by=cast.staff, reason="涉及在诉案件，撤回。")
    assert pub.public == 0 and pub.state == P.WITHDRAWN and pub.withdrawn_at
    pub = workflow.reopen(pub, by=cast.staff, note="已核实")
    assert pub.state == P.PENDING
    assert [e[0] for e in events(pub)][-3:] == ["publish", "withdraw", "reopen"]


def test_a_rating_after_publication_reaches_the_public_columns(
    cast, django_capture_on_commit_callbacks
):
    pub = pubs.rated_published(cast, django_capture_on_commit_callbacks, overall="basically")
    assert pub.rating == "basically"


def test_only_staff_of_the_congress_act(cast, django_capture_on_commit_callbacks):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    for user in (cast.deputy, cast.clerk_a, cast.head_a, cast.supervisor, cast.outsider):
        with pytest.raises(NotAllowed):
            workflow.publish(pub, by=user)
    workflow.publish(pub, by=cast.admin)


def test_withdraw_and_withhold_need_a_reason(cast, django_capture_on_commit_callbacks):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    with pytest.raises(Invalid):
        workflow.withhold(pub, by=cast.staff, reason="  ")
    pub = workflow.publish(pub, by=cast.staff)
    with pytest.raises(Invalid):
        workflow.withdraw(pub, by=cast.staff, reason="")


def test_manual_masks_unmasks_and_summaries_are_stored_as_spans(
    cast, django_capture_on_commit_callbacks
):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    s = pub.suggestion
    pub = workflow.mask(pub, by=cast.staff, piece="body", text="护栏")
    assert pub.spans["body"] and all(span[2] == "manual" for span in pub.spans["body"])
    assert s.body == "我市农村公路普遍缺少护栏和警示标志，建议加大投入。"  # the original is kept
    with pytest.raises(Invalid, match="没有找到"):
        workflow.mask(pub, by=cast.staff, piece="body", text="不存在的文字")
    with pytest.raises(Invalid):
        workflow.mask(pub, by=cast.staff, piece="reply:999999", text="护栏")
    start, end, _kind = pub.spans["body"][0]
    pub = workflow.unmask(pub, by=cast.staff, span=f"body:{start}:{end}")
    assert pub.spans["body"] == []
    key = next(k for k in pub.fingerprints if k.startswith("reply:"))
    with pytest.raises(Invalid, match="个人信息"):
        workflow.summarise(pub, by=cast.staff, piece=key, summary="请拨打13912345678咨询。")
    pub = workflow.summarise(pub, by=cast.staff, piece=key, summary="已安排资金完成护栏安装。")
    pub = workflow.publish(pub, by=cast.staff)
    reply = Reply.objects.get(suggestion=s)
    assert workflow.public_text(pub, key, reply.text) == "已安排资金完成护栏安装。"
    assert [e[0] for e in events(pub)] == [
        "prepare",
        "queue",
        "mask",
        "unmask",
        "summarise",
        "publish",
    ]


def test_the_deputies_contact_details_are_masked_automatically(
    cast, django_capture_on_commit_callbacks
):
    deputy = Deputy.objects.get(user=cast.deputy)
    deputy.contact_address = "青川市东风巷口老邮局旁"
    deputy.save()
    s = states.draft(cast, title="关于老旧小区加装电梯的建议")
    s.body = "代表联系地址：青川市东风巷口老邮局旁。住户王某（身份证11010519491231002X）反映……"
    s.save()
    with django_capture_on_commit_callbacks(execute=True):
        s = suggestions.submit(s, by=cast.deputy)
        s = suggestions.register(s, by=cast.staff)
        s = suggestions.assign(s, by=cast.staff, plan=[suggestions.UnitPlan(cast.unit_a, "lead")])
        s = suggestions.sign(s, by=cast.clerk_a)
        states.contact(cast, s)
        suggestions.draft_reply(s, by=cast.clerk_a, **states.REPLY)
        suggestions.sign_reply(s, by=cast.head_a)
    pub = Publication.objects.get(suggestion=s)
    kinds = {span[2] for span in pub.spans["body"]}
    assert kinds == {"contact", "id_card"}
    pub = workflow.publish(pub, by=cast.staff)
    text = workflow.public_text(pub, "body", s.body)
    assert "东风巷口" not in text and "11010519491231002X" not in text


def test_batch_publication_publishes_each_and_reports_refusals(
    cast, django_capture_on_commit_callbacks
):
    one = pubs.pending(cast, django_capture_on_commit_callbacks, title="第一件")
    two = pubs.pending(cast, django_capture_on_commit_callbacks, title="第二件")
    _s, secret = pubs.answered(cast, django_capture_on_commit_callbacks, is_confidential=True)
    done, refused = workflow.publish_batch([one.pk, two.pk, secret.pk, 999999], by=cast.staff)
    assert {p.pk for p in done} == {one.pk, two.pk}
    assert set(refused) == {secret.pk, 999999}
    assert Publication.objects.filter(state=P.PUBLISHED).count() == 2


def test_the_database_refuses_a_confidential_published_row(
    cast, django_capture_on_commit_callbacks
):
    from django.db import IntegrityError, transaction

    pub = pubs.published(cast, django_capture_on_commit_callbacks)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=pub.pk).update(confidential=True)


def test_a_reply_text_changed_after_review_is_not_shown(cast, django_capture_on_commit_callbacks):
    pub = pubs.published(cast, django_capture_on_commit_callbacks)
    key = next(k for k in pub.shown if k.startswith("reply:"))
    assert workflow.public_text(pub, key, "改过的文字") is None
    assert workflow.public_text(pub, "nonexistent", "x") is None


def test_the_command_prepares_what_the_hook_missed(cast):
    from django.core.management import call_command

    s = states.answered(cast)  # no on-commit hook inside the test transaction
    assert not Publication.objects.filter(suggestion=s).exists()
    call_command("prepare_publications")
    assert Publication.objects.get(suggestion=s).state == P.PENDING
    call_command("prepare_publications")
    assert Publication.objects.count() == 1


def test_a_suggestion_marked_confidential_after_publication_leaves_the_public_site(
    cast, client, django_capture_on_commit_callbacks
):
    pub = pubs.published(cast, django_capture_on_commit_callbacks)
    assert client.get(f"/gongkai/{pub.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.set_flags(
            pub.suggestion, by=cast.staff, note="经审查涉密", is_confidential=True
        )
    pub.refresh_from_db()
    assert pub.state == P.WITHDRAWN and pub.confidential and pub.public == 0
    assert "涉密" in pub.reason
    assert client.get(f"/gongkai/{pub.pk}/").status_code == 404
    assert events(pub)[-1] == ("withdraw", P.PUBLISHED, P.WITHDRAWN)
    with pytest.raises(Conflict):
        workflow.reopen(pub, by=cast.staff)


def test_a_record_under_review_is_withheld_when_marked_confidential(
    cast, django_capture_on_commit_callbacks
):
    pub = pubs.pending(cast, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        suggestions.set_flags(pub.suggestion, by=cast.staff, note="涉密", is_confidential=True)
    pub.refresh_from_db()
    assert pub.state == P.WITHHELD and pub.confidential
