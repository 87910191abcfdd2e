"""Delivering: every channel behind one interface, each try logged, failures retried with
back-off and marked failed after the last try, the daily digest, and a failure that never
reaches the person whose action caused the message."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from minsheng.notifications import channels, delivery, preferences
from minsheng.notifications.delivery import Draft
from minsheng.notifications.models import Delivery, Notification, RecordedMessage
from minsheng.suggestions import workflow
from tests import states

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"


def _draft(user, key="k1", kind="reply_received"):
    return Draft(user.pk, kind, key, {"number": "第0001号", "title": "修路", "unit": "交通运输厅"})


def _choose(user, *chosen, digest=False, wecom=""):
    preferences.save(user, preferences.Choices([], list(chosen), digest, wecom, ""))


def test_a_notification_goes_to_the_inbox_and_each_chosen_channel(cast, settings):
    cast.deputy.email, cast.deputy.mobile = "deputy@example.cn", "13900000001"
    cast.deputy.save()
    _choose(cast.deputy, "email", "sms", "wecom", wecom=ROBOT)
    n = delivery.record([_draft(cast.deputy)], now=T0).created[0]
    assert n.title == "收到答复：第0001号"  # the site's words when it was made
    by_channel = {d.channel: d for d in n.deliveries.all()}
    assert by_channel["in_app"].status == "sent"
    for name in ("email", "sms", "wecom"):
        assert delivery.deliver(by_channel[name].pk, now=T0) == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["deputy@example.cn"]
    assert "修路" in mail.outbox[0].body
    recorded = {m.channel: m for m in RecordedMessage.objects.all()}
    assert recorded["sms"].to == "13900000001" and "第0001号" in recorded["sms"].text
    assert recorded["wecom"].to == ROBOT
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_delivery_is_sent_once_even_when_its_task_runs_twice(cast):
    cast.deputy.email = "deputy@example.cn"
    cast.deputy.save()
    d = delivery.record([_draft(cast.deputy)], now=T0).created[0].deliveries.get(channel="email")
    assert delivery.deliver(d.pk, now=T0) == "sent"
    assert delivery.deliver(d.pk, now=T0) == ""
    assert len(mail.outbox) == 1


def test_no_address_is_skipped_and_logged(cast):
    d = delivery.record([_draft(cast.deputy)], now=T0).created[0].deliveries.get(channel="email")
    assert delivery.deliver(d.pk, now=T0) == "skipped"
    d.refresh_from_db()
    assert d.status == "skipped" and "no address" in d.last_error


def test_an_unreachable_gateway_is_retried_with_back_off_then_failed(cast, settings):
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "http", "http://127.0.0.1:9/sms"
    settings.NOTIFY_HTTP_TIMEOUT = 2
    settings.NOTIFY_RETRY_MINUTES = [1, 5]
    cast.deputy.mobile = "13900000001"
    cast.deputy.save()
    _choose(cast.deputy, "sms")
    d = delivery.record([_draft(cast.deputy)], now=T0).created[0].deliveries.get(channel="sms")
    assert delivery.deliver(d.pk, now=T0) == "queued"
    d.refresh_from_db()
    assert d.attempts == 1 and d.next_try_at == T0 + datetime.timedelta(minutes=1)
    assert d.last_error  # the connection error, logged
    assert delivery.deliver(d.pk, now=T0 + datetime.timedelta(seconds=30)) == ""  # not yet due
    assert delivery.deliver(d.pk, now=T0 + datetime.timedelta(minutes=1)) == "queued"
    d.refresh_from_db()
    assert d.attempts == 2 and d.next_try_at == T0 + datetime.timedelta(minutes=6)
    assert delivery.deliver(d.pk, now=T0 + datetime.timedelta(minutes=6)) == "failed"
    d.refresh_from_db()
    assert d.status == "failed" and d.attempts == 3 and d.next_try_at is None
    # The inbox has it all along.
    assert d.notification.deliveries.get(channel="in_app").status == "sent"


def test_a_robot_error_code_is_a_failed_try(cast, settings, monkeypatch):
    settings.ROBOT_WEBHOOKS = "http"
    _choose(cast.deputy, "wecom", wecom=ROBOT)
    monkeypatch.setattr(
        channels,
        "post_json",
        lambda url, payload, headers=None: {"errcode": 93000, "errmsg": "invalid webhook url"},
    )
    d = delivery.record([_draft(cast.deputy)], now=T0).created[0].deliveries.get(channel="wecom")
    assert delivery.deliver(d.pk, now=T0) == "queued"
    d.refresh_from_db()
    assert "93000" in d.last_error


def test_the_robot_payloads_follow_the_messengers_formats():
    message = channels.Message("标题", "正文", "/suggestions/1/")
    for channel in (channels.WeComChannel(), channels.DingTalkChannel()):
        payload = channel.payload(message)
        assert payload["msgtype"] == "text"
        assert payload["text"]["content"] == "标题\n正文\n/suggestions/1/"


def test_the_sweep_requeues_lost_and_stale_deliveries(cast, settings):
    cast.deputy.email = "deputy@example.cn"
    cast.deputy.save()
    d = delivery.record([_draft(cast.deputy)], now=T0).created[0].deliveries.get(channel="email")
    Delivery.objects.filter(pk=d.pk).update(status="sending", claimed_at=T0)  # the worker died
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    delivery.sweep(T0 + datetime.timedelta(minutes=5))
    d.refresh_from_db()
    assert d.status == "sending"  # still within its lease
    with states.frozen(datetime.date(2026, 6, 1)):
        delivery.sweep(T0 + datetime.timedelta(minutes=30))
    d.refresh_from_db()
    assert d.status == "sent" and len(mail.outbox) == 1


def test_a_daily_digest_instead_of_single_messages(cast, settings):
    settings.NOTIFY_DIGEST_TIME = "08:00"
    _choose(cast.deputy, "wecom", digest=True, wecom=ROBOT)
    evening = T0 - datetime.timedelta(hours=14)  # the evening before
    delivery.record(
        [_draft(cast.deputy, "k1"), _draft(cast.deputy, "k2", "ready_to_submit")], now=evening
    )
    held = Delivery.objects.filter(channel="wecom")
    assert set(held.values_list("status", flat=True)) == {"held"}
    early = T0 - datetime.timedelta(hours=2)  # 07:00: not yet
    assert delivery.send_digests(early) == {}
    assert delivery.send_digests(T0) == {"sent": 1}
    assert delivery.send_digests(T0) == {}  # once a day
    (message,) = RecordedMessage.objects.filter(channel="wecom")
    assert "2" in message.text.splitlines()[0]
    assert all(n.title in message.text for n in Notification.objects.all())
    assert set(held.values_list("status", flat=True)) == {"sent"}


def test_a_muted_kind_is_not_recorded(cast):
    preferences.save(cast.deputy, preferences.Choices(["reply_received"], [], False, "", ""))
    outcome = delivery.record([_draft(cast.deputy)], now=T0)
    assert outcome.muted == 1 and not Notification.objects.exists()


def test_a_failing_notification_never_undoes_the_action(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the notification store is down")

    monkeypatch.setattr(delivery, "record", broken)
    with django_capture_on_commit_callbacks(execute=True):
        s = states.assigned(cast)
    s.refresh_from_db()
    assert s.state == "assigned" and not Notification.objects.exists()


def test_a_failing_queue_loses_nothing(cast, monkeypatch, django_capture_on_commit_callbacks):
    from minsheng.notifications import tasks

    class Down:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "deliver_task", Down())
    cast.clerk_a.email = "clerk@example.cn"
    cast.clerk_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        states.assigned(cast)
    assert Delivery.objects.filter(channel="email", status="queued").exists()
    assert workflow  # the action stood
