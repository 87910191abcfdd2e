from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from minsheng.lib.forms import clean_text_fields


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The username, mobile number or password is wrong. Note that the password is "
            "case-sensitive."
        ),
        "inactive": _("This account has been disabled. Please contact the congress office."),
    }


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'office spreadsheet sync'."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_text_fields(self)  # control characters removed at the door (minsheng.lib.text)
        return self.cleaned_data
