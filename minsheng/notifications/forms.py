from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minsheng.lib.forms import clean_text_fields
from minsheng.notifications import channels as ch
from minsheng.notifications import preferences
from minsheng.notifications.kinds import choosable


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Tell me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick what you do not want to hear about at all."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Also send to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your inbox here always gets every message you keep."),
    )
    digest = forms.BooleanField(
        label=_("One daily digest instead of single messages"),
        required=False,
        help_text=_("Email, SMS and robots then get one message a day; the inbox stays immediate."),
    )
    wecom_webhook = forms.CharField(
        label=_("WeCom group robot address"), required=False, max_length=300
    )
    dingtalk_webhook = forms.CharField(
        label=_("DingTalk group robot address"), required=False, max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds, channels = self.fields["kinds"], self.fields["channels"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        assert isinstance(channels, forms.MultipleChoiceField)
        kinds.choices = [(k.name, k.label) for k in choosable()]
        channels.choices = ch.channel_choices()

    @classmethod
    def initial_for(cls, choices: preferences.Choices) -> dict[str, Any]:
        return {
            "kinds": [k.name for k in choosable() if k.name not in choices.muted_kinds],
            "channels": choices.channels,
            "digest": choices.digest,
            "wecom_webhook": choices.wecom_webhook,
            "dingtalk_webhook": choices.dingtalk_webhook,
        }

    def choices(self) -> preferences.Choices:
        data = self.cleaned_data
        return preferences.Choices(
            muted_kinds=[k.name for k in choosable() if k.name not in data["kinds"]],
            channels=list(data["channels"]),
            digest=bool(data["digest"]),
            wecom_webhook=data["wecom_webhook"].strip(),
            dingtalk_webhook=data["dingtalk_webhook"].strip(),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)
        if not self.errors:
            for name, text in preferences.problems(self.choices()).items():
                field = "kinds" if name == "muted_kinds" else name
                self.add_error(field if field in self.fields else None, text)
        return self.cleaned_data
