"""The form pattern every page copies (docs/pages.md): help and errors carry the ids Django's
aria-describedby names, a failed form opens with an error summary that takes the focus, long
pickers are marked for the one-control enhancement, and Chinese data is marked lang="zh-Hans"
in English pages while labels carry no hard-coded full-width punctuation."""

import datetime
import re
from html import escape
from html.parser import HTMLParser
from unittest.mock import patch

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from minsheng.people.models import Deputy
from minsheng.suggestions.forms import SuggestionForm
from tests import states

pytestmark = pytest.mark.django_db
IN_SESSION = datetime.date(2026, 1, 20)


class Elements(HTMLParser):
    """Every element's attributes, and the ids in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _tag, a in self.elements if "id" in a}

    def with_attr(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return [(t, a) for t, a in self.elements if name in a]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def assert_every_reference_resolves(html: str) -> Elements:
    page = parse(html)
    for attr in ("aria-describedby", "aria-labelledby", "aria-controls", "for"):
        for tag, attrs in page.with_attr(attr):
            missing = [i for i in attrs[attr].split() if i not in page.ids]
            assert not missing, f"<{tag} {attr}={attrs[attr]!r}> names missing ids {missing}"
    return page


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def post_new(client, user, **data):
    client.force_login(user)
    values = {"title": "", "body": "", "intent": "draft", **data}
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        return client.post(reverse("suggestions:new"), values)


def test_failed_deputy_form_links_each_field_to_its_help_and_error(english, cast):
    response = post_new(english, cast.deputy)
    assert response.status_code == 422
    html = response.content.decode()
    page = assert_every_reference_resolves(html)
    title = next(a for t, a in page.elements if t == "input" and a.get("name") == "title")
    assert title["aria-invalid"] == "true"
    assert title["aria-describedby"].split() == ["id_title_helptext", "id_title_error"]
    assert 'id="id_title_helptext"' in html and 'id="id_title_error"' in html
    assert "This field is required." in html
    # No error is announced twice: the summary is read when it takes the focus.
    assert 'role="alert"' not in html


def test_failed_form_opens_with_an_error_summary_that_takes_the_focus(english, cast):
    html = post_new(english, cast.deputy).content.decode()
    page = parse(html)
    summary = [a for _t, a in page.with_attr("data-error-summary")]
    assert len(summary) == 1
    assert summary[0]["tabindex"] == "-1" and "autofocus" in summary[0]
    assert summary[0]["aria-labelledby"] in page.ids
    assert "There is a problem" in html
    # Each error is a link to its field.
    assert re.search(r'<a href="#id_title">Title: This field is required\.</a>', html)
    assert re.search(r'<a href="#id_body">Content: This field is required\.</a>', html)


def test_a_form_without_errors_has_no_summary_and_no_invalid_field(english, cast):
    english.force_login(cast.deputy)
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        html = english.get(reverse("suggestions:new")).content.decode()
    assert "data-error-summary" not in html and "aria-invalid" not in html
    page = assert_every_reference_resolves(html)
    title = next(a for t, a in page.elements if t == "input" and a.get("name") == "title")
    assert title["aria-describedby"] == "id_title_helptext"


def test_the_chinese_summary_uses_full_width_punctuation(client, cast):
    html = post_new(client, cast.deputy).content.decode()
    assert re.search(r'<a href="#id_title">标题：[^<]+</a>', html)


def test_a_failed_action_form_has_a_summary_and_wired_errors(english, cast):
    s = states.submitted(cast)
    english.force_login(cast.staff)
    response = english.post(
        reverse("suggestions:act", args=[s.pk, "decline"]), {"reason": "other", "note": ""}
    )
    html = response.content.decode()
    page = assert_every_reference_resolves(html)
    summaries = [a for _t, a in page.with_attr("data-error-summary")]
    assert [a["id"] for a in summaries] == ["errors-decline"]
    invalid = [a for _t, a in page.with_attr("aria-invalid")]
    assert invalid, "the field in error is marked aria-invalid"
    for attrs in invalid:
        assert any(i.endswith("_error") for i in attrs.get("aria-describedby", "").split())


def test_groups_describe_the_fieldset_and_long_lists_become_a_picker(english, cast):
    english.force_login(cast.deputy)
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        html = english.get(reverse("suggestions:new")).content.decode()
    page = assert_every_reference_resolves(html)
    group = next(
        a for t, a in page.elements if t == "fieldset" and a.get("id") == "id_cosigners_group"
    )
    assert group["aria-describedby"] == "id_cosigners_helptext"
    picker = next(a for _t, a in page.with_attr("data-picker"))
    assert picker["lang"] == "zh-Hans" and picker["data-picker-label"] == "Co-signers"
    assert 'src="/static/js/picker.js"' in html or "js/picker" in html


def test_the_login_form_uses_the_same_pattern(english, cast):
    response = english.post(reverse("login"), {"username": "deputy", "password": "wrong"})
    html = response.content.decode()
    assert_every_reference_resolves(html)
    assert "data-error-summary" in html


def test_cosigner_labels_take_their_brackets_from_the_catalogue(cast):
    deputy = Deputy.objects.get(user=cast.deputy)
    form = SuggestionForm(deputy=deputy)
    field = form.fields["cosigners"]
    other = Deputy.objects.get(user=cast.cosigner)
    name, delegation = other.user.display_name, other.delegation.name
    with translation.override("en"):
        assert field.label_from_instance(other) == f"{name} ({delegation})"
    with translation.override("zh-hans"):
        assert field.label_from_instance(other) == f"{name}（{delegation}）"


def test_chinese_data_is_marked_in_english_pages_only(english, cast):
    s = states.submitted(cast, title="关于加强校园周边交通安全的建议")
    english.force_login(cast.staff)
    html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert f'<span lang="zh-Hans">{s.title}</span>' in html
    assert '<html lang="en">' in html
    chinese = Client()
    chinese.force_login(cast.staff)
    html = chinese.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert '<html lang="zh-hans">' in html and 'lang="zh-Hans"' not in html.split("<main")[1]


def test_the_zh_filter_escapes_what_it_marks():
    template = Template("{% load pages %}{{ value|zh }}")
    with translation.override("en"):
        out = template.render(Context({"value": "<b>林</b>"}))
    assert out == '<span lang="zh-Hans">&lt;b&gt;林&lt;/b&gt;</span>'
    with translation.override("zh-hans"):
        assert template.render(Context({"value": "<b>林</b>"})) == "&lt;b&gt;林&lt;/b&gt;"


def test_label_value_pairs_use_the_catalogues_colon(english, cast):
    s = states.declined(cast)
    english.force_login(cast.deputy)
    html = english.get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    chinese = Client()
    chinese.force_login(cast.deputy)
    zh_html = chinese.get(reverse("suggestions:detail", args=[s.pk])).content.decode()

    def note_heading(page: str) -> str:
        return page.split('data-testid="state-note"')[1].split("</p>")[0]

    with translation.override("en"):
        assert f"</strong>: {escape(s.get_decline_reason_display())}" in note_heading(html)
    with translation.override("zh-hans"):
        assert f"</strong>：{escape(s.get_decline_reason_display())}" in note_heading(zh_html)


def test_sticky_bars_stick_to_the_top_and_are_declared_for_the_scroll_padding(cast, client):
    states.registered(cast)
    client.force_login(cast.staff)
    html = client.get(reverse("suggestions:assign_meeting")).content.decode()
    assert 'data-sticky="top"' in html and 'data-sticky="bottom"' not in html
    client.force_login(cast.deputy)
    with patch("django.utils.timezone.localdate", return_value=IN_SESSION):
        html = client.get(reverse("suggestions:new")).content.decode()
    assert "data-sticky" not in html  # the save buttons end the form


def test_meeting_unit_inputs_are_labelled_and_wired_to_their_errors(english, cast):
    states.registered(cast)
    english.force_login(cast.staff)
    page = assert_every_reference_resolves(
        english.get(reverse("suggestions:assign_meeting")).content.decode()
    )
    others = [a for t, a in page.elements if t == "input" and "-others_" in a.get("id", "")]
    assert others and all(a["aria-labelledby"] in page.ids for a in others)
    assert all(a["aria-describedby"].endswith("_helptext") for a in others)
    labels = {a["for"] for t, a in page.elements if t == "label" and "for" in a}
    leads = [a for t, a in page.elements if t == "input" and "-lead" in a.get("id", "")]
    assert leads and all(a["id"] in labels for a in leads)
