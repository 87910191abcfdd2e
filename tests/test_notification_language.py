"""Messages and pages in each person's own language: a person who chose English gets their
email, SMS and WeCom / DingTalk messages (and the daily digest) in English, everyone else in
Chinese; the choice is kept by the language switch and followed by their pages on any browser."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from minsheng.notifications import delivery, preferences
from minsheng.notifications.delivery import Draft
from minsheng.notifications.models import Delivery, Notification, RecordedMessage

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(datetime.datetime(2026, 6, 1, 9, 0))
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"
PARAMS = {"number": "第0001号", "title": "修路", "unit": "交通运输厅"}


def _reachable(user, language, *, digest=False, mobile="13900000001"):
    user.language = language
    user.email, user.mobile = f"{user.username}@example.cn", mobile
    user.save()
    preferences.save(
        user,
        preferences.Choices([], ["email", "sms", "wecom", "dingtalk"], digest, WECOM, DINGTALK),
    )


def _send_all(user, key="k1", kind="reply_received"):
    n = delivery.record([Draft(user.pk, kind, key, PARAMS)], now=T0).created[0]
    for d in n.deliveries.exclude(channel="in_app"):
        assert delivery.deliver(d.pk, now=T0) == "sent"
    return n


def test_a_person_who_chose_english_gets_every_channel_in_english(cast):
    _reachable(cast.deputy, "en")
    n = _send_all(cast.deputy)
    assert n.title == "收到答复：第0001号"  # the stored words stay the site's
    (email,) = mail.outbox
    assert email.subject == "Reply received: 第0001号"
    assert "replied to “修路”" in email.body and "收到" not in email.body
    texts = {m.channel: m.text for m in RecordedMessage.objects.all()}
    assert set(texts) == {"sms", "wecom", "dingtalk"}
    for channel, text in texts.items():
        assert text.startswith("Reply received: 第0001号"), channel
        assert "收到答复" not in text, channel


@pytest.mark.parametrize("language", ["", "zh-hans"])
def test_everyone_else_gets_chinese(cast, language):
    _reachable(cast.deputy, language)
    _send_all(cast.deputy)
    assert mail.outbox[0].subject == "收到答复：第0001号"
    for m in RecordedMessage.objects.all():
        assert m.text.startswith("收到答复：第0001号"), m.channel


def test_two_recipients_of_one_event_each_get_their_own_language(cast):
    _reachable(cast.clerk_a, "en")
    _reachable(cast.head_a, "", mobile="13900000002")
    drafts = [Draft(u.pk, "reply_received", "k", PARAMS) for u in (cast.clerk_a, cast.head_a)]
    for n in delivery.record(drafts, now=T0).created:
        for d in n.deliveries.filter(channel="sms"):
            delivery.deliver(d.pk, now=T0)
    by_person = {m.to: m.text for m in RecordedMessage.objects.filter(channel="sms")}
    assert by_person == {
        "13900000001": "Reply received: 第0001号",
        "13900000002": "收到答复：第0001号",
    }


def test_the_daily_digest_is_in_the_persons_language(cast, settings):
    settings.NOTIFY_DIGEST_TIME = "08:00"
    _reachable(cast.deputy, "en", digest=True)
    evening = T0 - datetime.timedelta(hours=14)
    delivery.record(
        [
            Draft(cast.deputy.pk, "reply_received", "k1", PARAMS),
            Draft(cast.deputy.pk, "ready_to_submit", "k2", PARAMS),
        ],
        now=evening,
    )
    assert delivery.send_digests(T0).get("sent") == 4  # email, SMS, both robots
    (robot,) = RecordedMessage.objects.filter(channel="wecom")
    first, *lines = robot.text.splitlines()
    assert first == "Minsheng: 2 messages today"
    assert "· Reply received: 第0001号" in lines
    assert not any("收到" in line for line in lines)
    assert set(Delivery.objects.exclude(channel="in_app").values_list("status", flat=True)) == {
        "sent"
    }
    assert Notification.objects.count() == 2


def test_the_language_switch_keeps_the_choice_and_the_pages_follow_it(client, cast):
    client.force_login(cast.staff)
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cast.staff.refresh_from_db()
    assert cast.staff.language == "en"
    # Another browser (no language cookie): the person's pages are still in English.
    other = type(client)()
    other.force_login(cast.staff)
    page = other.get("/").content.decode()
    assert 'lang="en"' in page
    other.logout()
    assert 'lang="zh-hans"' in other.get("/login/").content.decode()


def test_signed_out_the_switch_sets_only_the_cookie(client, cast):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/login/").content.decode()
