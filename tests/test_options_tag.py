"""The `{% options %}` tag: a filter's `<option>`s rendered in one step."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation


def render(text: str, **context: object) -> str:
    return Template("{% load pages %}" + text).render(Context(context))


def test_pairs_with_the_selected_value_marked():
    out = render("{% options choices picked %}", choices=[("a", "甲"), ("b", "乙")], picked="b")
    assert out == '<option value="a">甲</option><option value="b" selected>乙</option>'


def test_nothing_selected_when_the_filter_is_empty():
    out = render("{% options choices picked %}", choices=[("", "全部"), ("a", "甲")], picked="")
    assert "selected" not in out


def test_objects_compare_by_primary_key_as_text():
    units = [SimpleNamespace(pk=3, name="省教育厅"), SimpleNamespace(pk=12, name="省财政厅")]
    out = render("{% options units picked %}", units=units, picked=12)
    assert out == '<option value="3">省教育厅</option><option value="12" selected>省财政厅</option>'


def test_values_and_labels_are_escaped():
    out = render("{% options choices None %}", choices=[('x"><script>', "<b>&</b>")])
    assert "<script>" not in out and "<b>" not in out
    assert 'value="x&quot;&gt;&lt;script&gt;"' in out and "&lt;b&gt;&amp;&lt;/b&gt;" in out


def test_stored_data_is_marked_chinese_on_an_english_page_only():
    units = [SimpleNamespace(pk=1, name="省教育厅")]
    with translation.override("en"):
        assert 'lang="zh-Hans"' in render("{% options units None data=True %}", units=units)
        assert "lang=" not in render("{% options units None %}", units=units)
    with translation.override("zh-hans"):
        assert "lang=" not in render("{% options units None data=True %}", units=units)


def test_plain_values_are_their_own_labels():
    out = render("{% options years picked %}", years=[2026, 2025], picked=2025)
    assert out == '<option value="2026">2026</option><option value="2025" selected>2025</option>'
    assert "selected" not in render("{% options years None %}", years=[2026])
