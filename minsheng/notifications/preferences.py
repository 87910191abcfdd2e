"""Reading and changing a person's notification preferences: the one set of rules the page
form and the API both use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from minsheng.engine.errors import Invalid
from minsheng.notifications import channels as ch
from minsheng.notifications.kinds import choosable
from minsheng.notifications.models import Preference


@dataclass(frozen=True)
class Choices:
    muted_kinds: list[str]
    channels: list[str]
    digest: bool
    wecom_webhook: str
    dingtalk_webhook: str


def current(user: Any) -> Choices:
    pref = Preference.objects.filter(user_id=user.pk).first()
    if pref is None:
        return Choices(
            [], [c for c in settings.NOTIFY_DEFAULT_CHANNELS if c in ch.EXTERNAL], False, "", ""
        )
    return Choices(
        list(pref.muted_kinds),
        [c for c in pref.channels if c in ch.EXTERNAL],
        pref.digest,
        pref.wecom_webhook,
        pref.dingtalk_webhook,
    )


def webhook_problem(channel: str, url: str) -> str | None:
    """A robot address must be the messenger's own robot endpoint (never any other host)."""
    if not url:
        return None
    prefix = (
        settings.WECOM_WEBHOOK_PREFIX if channel == ch.WECOM else settings.DINGTALK_WEBHOOK_PREFIX
    )
    if not url.startswith(prefix) or len(url) <= len(prefix) or any(c.isspace() for c in url):
        return _("The robot address must start with %(prefix)s followed by the robot's key.") % {
            "prefix": prefix
        }
    return None


def problems(choices: Choices) -> dict[str, str]:
    found: dict[str, str] = {}
    names = {k.name for k in choosable()}
    unknown = [k for k in choices.muted_kinds if k not in names]
    if unknown:
        found["muted_kinds"] = _("Unknown kinds: %(names)s") % {"names": ", ".join(unknown)}
    bad = [c for c in choices.channels if c not in ch.EXTERNAL]
    if bad:
        found["channels"] = _("Unknown channels: %(names)s") % {"names": ", ".join(bad)}
    for channel, url in (
        (ch.WECOM, choices.wecom_webhook),
        (ch.DINGTALK, choices.dingtalk_webhook),
    ):
        problem = webhook_problem(channel, url)
        if problem:
            found[f"{channel}_webhook"] = problem
        elif channel in choices.channels and not url:
            found[f"{channel}_webhook"] = _("Enter the robot address to use this channel.")
    return found


def save(user: Any, choices: Choices) -> Preference:
    """Store the choices, or raise Invalid naming what is wrong."""
    found = problems(choices)
    if found:
        raise Invalid("; ".join(f"{name}: {text}" for name, text in found.items()))
    pref, _created = Preference.objects.update_or_create(
        user_id=user.pk,
        defaults={
            "muted_kinds": sorted(set(choices.muted_kinds)),
            "channels": [c for c in ch.EXTERNAL if c in set(choices.channels)],
            "digest": choices.digest,
            "wecom_webhook": choices.wecom_webhook,
            "dingtalk_webhook": choices.dingtalk_webhook,
        },
    )
    return pref
