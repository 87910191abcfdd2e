"""The project's form renderer writes exactly what Django's templates write."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from minsheng.lib.formrender import FastRenderer
from minsheng.people.models import Organisation

CHOICES = [
    ("", "—"),
    ("a", "A & <b>"),
    ("Group", [("g1", "one"), ("g2", 'two "quoted"')]),
    (3, 3000),
]


class Everything(forms.Form):
    text = forms.CharField(max_length=10, help_text="help")
    search = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Search")}),
    )
    hidden = forms.CharField(widget=forms.HiddenInput)
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    agree = forms.BooleanField(required=False)
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    maybe = forms.NullBooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "aria-invalid": True}))
    flag = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"disabled": False, "data-x": None})
    )
    unit = forms.ModelChoiceField(queryset=Organisation.objects.order_by("pk"), required=False)
    file = forms.FileField(required=False)
    mode = forms.ChoiceField(
        choices=[("lead", "Lead & joint"), ("separate", "Separate")], widget=forms.RadioSelect
    )
    picks = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )


DATA = [
    None,
    {},
    {
        "text": "x & <y>",
        "search": "第0123号",
        "hidden": '"q"',
        "number": "-1",
        "email": "bad",
        "password": "secret",
        "when": "2026-11-26",
        "agree": "on",
        "one": "g2",
        "many": ["a", "3"],
        "maybe": "true",
        "body": "line one\nline <two>",
        "flag": "",
        "mode": "separate",
        "picks": ["g1"],
    },
]


def render_all(form: forms.Form) -> list[str]:
    out = []
    for bound in form:
        out += [str(bound), bound.label_tag(), bound.label_tag(label_suffix=":")]
        out.append(bound.label_tag(mark_safe("<em>safe</em>"), attrs={"class": "c"}))
        out.append(bound.legend_tag())
        for choice in bound.subwidgets:
            out += [str(choice), choice.tag(), choice.tag(wrap_label=True)]
    out.append(str(form))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_widget_renders_as_django_renders_it(data, language, cast):
    initial = {"when": datetime.date(2026, 1, 2)}  # cast: some units to choose from
    with override(language):
        fast = render_all(Everything(data, renderer=FastRenderer(), initial=initial))
        django = render_all(Everything(data, renderer=DjangoTemplates(), initial=initial))
        assert fast == django
        # Without ids a label is bare text, and the label's attrs may be None.
        fast = render_all(Everything(data, renderer=FastRenderer(), auto_id=False))
        django = render_all(Everything(data, renderer=DjangoTemplates(), auto_id=False))
    assert fast == django
    assert set(FastRenderer()._fast) >= {
        "django/forms/widgets/select.html",
        "django/forms/label.html",
    }


@pytest.mark.django_db
def test_the_project_forms_render_as_django_renders_them(cast):
    from minsheng.suggestions.filters import SuggestionFilterForm

    staff = cast.staff
    for data in (None, {"q": "x", "state": "open", "date_from": "bad", "sort": "-number"}):
        fast = SuggestionFilterForm(data, user=staff, renderer=FastRenderer())
        django = SuggestionFilterForm(data, user=staff, renderer=DjangoTemplates())
        assert render_all(fast) == render_all(django)


def test_the_renderer_is_the_projects():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastRenderer)


def test_the_python_versions_are_used(cast, monkeypatch):
    """What Django's templates still render: nothing of a plain text input, select or label."""
    asked = []
    monkeypatch.setattr(
        DjangoTemplates, "render", lambda self, name, context, request=None: asked.append(name)
    )
    form = Everything(renderer=FastRenderer())
    for name in ("text", "one", "body", "agree", "when"):
        str(form[name])
        form[name].label_tag()
    for radio in form["mode"]:
        radio.tag()
    assert asked == []


def test_an_overridden_template_is_rendered_by_django(monkeypatch):
    """An app's own copy of a widget template wins over the Python version."""
    renderer = FastRenderer()
    monkeypatch.setattr(
        renderer, "_is_stock", lambda name: name != "django/forms/widgets/text.html"
    )
    assert "django/forms/widgets/text.html" not in renderer._fast
    assert "django/forms/widgets/select.html" in renderer._fast
    shared = FastRenderer()
    monkeypatch.setattr(shared, "_is_stock", lambda name: name != "django/forms/widgets/input.html")
    assert not {"django/forms/widgets/text.html", "django/forms/widgets/radio_option.html"} & set(
        shared._fast
    )


class Grouped(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, initial="t")
    first = forms.CharField(label="First")
    second = forms.CharField(label="Second", required=False)

    def clean(self):
        raise forms.ValidationError("the whole form is wrong")


def test_form_fields_renders_a_group_of_fields_or_the_whole_form():
    from django.template.loader import render_to_string

    form = Grouped(data={"token": "t", "first": ""})
    form.is_valid()
    whole = render_to_string("form_fields.html", {"form": form})
    assert 'name="token"' in whole and 'name="first"' in whole and 'name="second"' in whole
    group = render_to_string("form_fields.html", {"form": form, "fields": [form["second"]]})
    assert 'name="second"' in group
    assert 'name="first"' not in group and 'name="token"' not in group  # no hidden fields
    assert "the whole form is wrong" not in group  # nor the form's own errors
    # The group's field renders as in the whole form (label, errors, help).
    alone = render_to_string("form_fields.html", {"form": form, "fields": [form["first"]]})
    assert 'id="id_first_error"' in alone and 'id="id_first_error"' in whole
    empty = render_to_string("form_fields.html", {"form": form, "fields": []})
    assert empty.strip() == ""
