"""The channels a notification goes out on, behind one small interface.

A channel knows where a person is reached (`address`) and sends one message there (`send`),
raising `ChannelError` when it could not; the delivery log records the outcome and the retries
(`delivery.py`). The in-app inbox is the notification itself. SMS goes through a gateway
(`RecordingGateway` keeps messages in the database for the demo and the tests, `HttpGateway`
posts JSON to SMS_GATEWAY_URL); the WeCom (企业微信) and DingTalk (钉钉) group robots post
their documented JSON to the robot address the person entered, or record it (ROBOT_WEBHOOKS).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext_lazy as _

from minsheng.notifications.models import Preference, RecordedMessage

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
WECOM = "wecom"
DINGTALK = "dingtalk"


class ChannelError(Exception):
    """The message could not be sent (it is tried again later)."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str = ""  # an absolute path on the site

    def text(self) -> str:
        parts = [self.title, self.body]
        if self.link:
            parts.append(self.link)
        return "\n".join(part for part in parts if part)


class Channel(Protocol):
    name: str
    label: Any

    def address(self, user: Any, preference: Preference | None) -> str: ...

    def send(self, address: str, message: Message) -> None: ...


# --- transports --------------------------------------------------------------------------------


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    """POST a JSON body; the answer's JSON (or None). Any failure is a ChannelError."""
    if not url.startswith(("https://", "http://")):
        raise ChannelError("not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_HTTP_TIMEOUT) as answer:  # noqa: S310
            raw = answer.read(65536)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def record(channel: str, to: str, text: str) -> None:
    RecordedMessage.objects.create(channel=channel, to=to, text=text)


# --- SMS gateways ------------------------------------------------------------------------------


class SmsGateway(Protocol):
    def send(self, mobile: str, text: str) -> None: ...


class RecordingGateway:
    """Keeps every message in RecordedMessage: the demo and the tests read them there."""

    def send(self, mobile: str, text: str) -> None:
        record(SMS, mobile, text)


class HttpGateway:
    """POST {"mobile": …, "text": …} to SMS_GATEWAY_URL with a bearer token; any 2xx is sent.
    Most provincial SMS platforms offer such an endpoint or an adapter in front of theirs."""

    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token

    def send(self, mobile: str, text: str) -> None:
        if not self.url:
            raise ChannelError("SMS_GATEWAY_URL is not set")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        post_json(self.url, {"mobile": mobile, "text": text}, headers)


def sms_gateway() -> SmsGateway:
    if settings.SMS_GATEWAY == "http":
        return HttpGateway(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN)
    return RecordingGateway()


# --- the channels ------------------------------------------------------------------------------


class EmailChannel:
    name = EMAIL
    label = _("Email")

    def address(self, user: Any, preference: Preference | None) -> str:
        return str(user.email or "")

    def send(self, address: str, message: Message) -> None:
        body = message.body
        if message.link:
            body = f"{body}\n\n{message.link}"
        try:
            send_mail(message.title, body, None, [address], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - SMTP, DNS, refused: all are a failed try
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc


class SmsChannel:
    name = SMS
    label = _("SMS")

    def address(self, user: Any, preference: Preference | None) -> str:
        return str(user.mobile or "")

    def send(self, address: str, message: Message) -> None:
        # SMS is short: the title says what happened; the link is on the site.
        sms_gateway().send(address, message.title)


class RobotChannel:
    """A group robot (群机器人): the message goes to the group whose robot the person added."""

    name = ""
    label: Any = ""
    field = ""

    def address(self, user: Any, preference: Preference | None) -> str:
        return str(getattr(preference, self.field, "") or "") if preference else ""

    def payload(self, message: Message) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, answer: Any) -> None:
        """Both robots answer 200 with an error code in the body."""
        if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
            raise ChannelError(
                f"robot answered {answer.get('errcode')}: {answer.get('errmsg', '')}"
            )

    def send(self, address: str, message: Message) -> None:
        if settings.ROBOT_WEBHOOKS != "http":
            record(self.name, address, message.text())
            return
        self.check(post_json(address, self.payload(message)))


class WeComChannel(RobotChannel):
    name = WECOM
    label = _("WeCom group robot")
    field = "wecom_webhook"

    def payload(self, message: Message) -> dict[str, Any]:
        return {"msgtype": "text", "text": {"content": message.text()}}


class DingTalkChannel(RobotChannel):
    name = DINGTALK
    label = _("DingTalk group robot")
    field = "dingtalk_webhook"

    def payload(self, message: Message) -> dict[str, Any]:
        return {"msgtype": "text", "text": {"content": message.text()}}


EXTERNAL: dict[str, Channel] = {
    channel.name: channel
    for channel in (EmailChannel(), SmsChannel(), WeComChannel(), DingTalkChannel())
}


def channel_choices() -> list[tuple[str, Any]]:
    return [(name, channel.label) for name, channel in EXTERNAL.items()]
