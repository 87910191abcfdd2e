"""The routing recommender's core (minsheng.insight, no database): it learns, explains itself
with words of the text, survives bad input, and saves and loads its model."""

import datetime

import pytest

from minsheng.insight.recommend import Example, ModelError, RoutingModel, train
from minsheng.insight.synthetic import CLASSES, messages
from minsheng.insight.textmodel import TextModel, prepare
from minsheng.insight.words import MAX_CHARS, clean, words


@pytest.fixture(scope="module")
def split():
    rows = list(messages(1600, seed=7))
    return rows[:1200], rows[1200:]


@pytest.fixture(scope="module")
def model(split):
    train_rows, _ = split
    return TextModel().fit(
        [prepare(m.title, m.body) for m in train_rows], [m.label for m in train_rows]
    )


def test_beats_the_most_frequent_class_by_a_wide_margin(split, model):
    from sklearn.metrics import f1_score

    train_rows, test_rows = split
    truth = [m.label for m in test_rows]
    scores = model.proba([prepare(m.title, m.body) for m in test_rows])
    predicted = [model.labels[i] for i in scores.argmax(axis=1)]
    commonest = max(CLASSES, key=lambda c: sum(m.label == c for m in train_rows))
    baseline_accuracy = sum(t == commonest for t in truth) / len(truth)
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
    baseline_f1 = f1_score(truth, [commonest] * len(truth), average="macro")
    assert accuracy > 0.9 > baseline_accuracy + 0.5
    assert f1_score(truth, predicted, average="macro") > baseline_f1 + 0.6


def test_scores_are_probabilities_best_first(model):
    top = model.top(prepare("A市小区物业不作为", "物业公司收了物业费却不管事"), k=7)
    assert [t.label for t in top][0] == "城乡建设"
    assert sum(t.score for t in top) == pytest.approx(1, abs=1e-3)
    assert [t.score for t in top] == sorted((t.score for t in top), reverse=True)


def test_explanations_name_words_of_the_text(split, model):
    _, test_rows = split
    for m in test_rows[:60]:
        doc = prepare(m.title, m.body)
        for scored in model.top(doc, k=3):
            assert scored.words, m.title
            for explained in scored.words:
                assert explained.word in doc.words  # a jieba word of this text, never a fragment
                assert explained.word.lower() in clean(f"{m.title} {m.body}").lower()
                assert 0 < explained.weight <= 1


def test_the_words_behind_the_best_class_are_its_own_vocabulary(model):
    top = model.top(prepare("关于学校乱收费的问题", "学校以各种名义向家长收取费用"), k=1)[0]
    assert top.label == "教育文体"
    assert "学校" in [w.word for w in top.words]


@pytest.mark.parametrize(
    "title,body",
    [
        ("", ""),
        ("！！！？？？", "。。。……——"),
        ("12345", "2020-01-01"),
        (None, None),
    ],
)
def test_no_words_gives_no_recommendation_and_no_error(model, title, body):
    routing = RoutingModel(model, None, "v", "t", 10, 0, False)
    found = routing.recommend(title, body)
    assert found.units == () and found.categories == ()


def test_a_100000_character_text_is_read_up_to_the_limit(model):
    body = "小区物业不作为，房屋漏水无人维修。" * 6000  # 102,000 characters
    doc = prepare("物业问题", body)
    assert len(doc.text) <= MAX_CHARS + 10
    assert model.top(doc, k=1)[0].label == "城乡建设"


@pytest.mark.parametrize(
    "text",
    [
        "ང་ཚོའི་གྲོང་གསེབ་ཀྱི་ལམ་ཁ་ཉམས་ཆག་ཤོར་འདུག",  # Tibetan: our village road is broken
        "ᠮᠠᠨ ᠤ ᠰᠤᠷᠭᠠᠭᠤᠯᠢ ᠶᠢᠨ ᠵᠠᠮ",  # Mongolian script
        "مەكتەپ يولى ناچار، بالىلار قىينىلىۋاتىدۇ",  # Uyghur (Arabic script)
        "学校 مەكتەپ ཡིག་ཚང 道路",  # mixed
    ],
)
def test_other_scripts_give_words_and_results(model, text):
    found = words(clean(text))
    assert found and all(w in clean(text).lower() for w in found)
    top = model.top(prepare(text, text), k=3)
    assert len(top) == 3
    for scored in top:
        assert all(w.word in found for w in scored.words)


def test_debris_is_cleaned_before_reading():
    assert clean("<p>小区&nbsp;停车</p>\u200b\t\t 收费 http://x.cn/a?b=1 ") == "小区 停车 收费"
    assert clean(float("nan")) == "" and clean(None) == ""


def _examples():
    rows = []
    for i in range(40):
        rows.append(
            Example(
                f"关于农村公路提质改造的建议{i}", "通村道路年久失修，坑洼不平", unit=1, category=10
            )
        )
        rows.append(
            Example(
                f"关于扩大学前教育资源的建议{i}",
                "幼儿园学位严重不足，教师待遇低",
                unit=2,
                category=20,
            )
        )
    return rows


DUTIES = {
    1: "省交通运输厅。公路、水路交通运输，农村公路建设与养护，城乡客运。",
    2: "省教育厅。学前教育、义务教育、高中和职业教育，教师队伍建设。",
    3: "省卫生健康委员会。医疗卫生、公共卫生、医院管理、疫苗接种、计划生育。",
}


def test_cold_start_from_duty_descriptions_alone():
    model = train([], DUTIES)
    assert model.cold_start and model.history == 0 and model.duty_units == 3
    found = model.recommend("关于加强乡镇医院疫苗接种服务的建议", "乡镇卫生院缺医少药")
    assert found.units[0].label == 3
    assert found.cold_start
    assert {"疫苗", "接种"} & {w.word for w in found.units[0].words}
    assert found.categories == ()  # no history, no category to learn


def test_a_unit_without_history_can_still_be_recommended_from_its_duties():
    model = train(_examples(), DUTIES)
    assert not model.cold_start and model.history == 80
    assert model.recommend("医院疫苗接种点排队时间过长", "").units[0].label == 3
    assert model.recommend("农村公路坑洼不平", "").units[0].label == 1
    assert model.recommend("幼儿园学位不足", "").categories[0].label == 20


def test_a_saved_model_loads_with_its_version_and_date(tmp_path):
    when = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    model = train(_examples(), DUTIES, now=when)
    path = tmp_path / "routing.joblib"
    model.save(path)
    loaded = RoutingModel.load(path)
    assert loaded.version == model.version and loaded.version.startswith("20261201093000-")
    assert loaded.trained_at == "2026-12-01T09:30:00+00:00"
    assert loaded.recommend("农村公路", "").units[0].label == 1


def test_a_missing_or_foreign_model_file_is_refused_with_a_reason(tmp_path):
    with pytest.raises(ModelError, match="no model"):
        RoutingModel.load(tmp_path / "none.joblib")
    junk = tmp_path / "junk.joblib"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="unreadable"):
        RoutingModel.load(junk)
    import joblib

    joblib.dump({"format": "something else"}, tmp_path / "other.joblib")
    with pytest.raises(ModelError, match="not a"):
        RoutingModel.load(tmp_path / "other.joblib")


def test_nothing_to_learn_from_is_a_model_error():
    with pytest.raises(ModelError):
        train([], {})


def test_the_fast_single_text_vector_equals_the_vectorisers_transform(split, model):
    import numpy as np
    import scipy.sparse as sp

    _, test_rows = split
    for m in test_rows[:20]:
        doc = prepare(m.title, m.body)
        fast = model._vector(doc)
        slow = sp.hstack(
            [v.transform(model._inputs(name, [doc])) for name, v in model.blocks], format="csr"
        )
        assert fast.shape == slow.shape
        assert np.allclose(fast.toarray(), slow.toarray(), atol=1e-6)
