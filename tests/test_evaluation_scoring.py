"""The scoring arithmetic (pure) and the three presets of DOMAIN.md §6, rule by rule."""

import datetime

import pytest

from minsheng.evaluation import scoring
from minsheng.evaluation.indicators import INDICATORS, PURE
from minsheng.evaluation.presets import HAINAN, PRESETS, QINGDAO, SHENZHEN
from minsheng.evaluation.scoring import FAIL, GOOD, NO_DATA, PASS, Period, SchemeError, Tally


def test_a_value_is_a_percentage_or_no_data():
    assert Tally(3, 1).value == 33.3
    assert Tally(0, 0).value is None
    assert Tally(2, 0).value == 0.0


def test_presets_are_valid_schemes():
    for preset in PRESETS.values():
        scoring.check(preset["style"], preset["definition"], INDICATORS)


# --- Shenzhen gates ----------------------------------------------------------------------------

SZ = PRESETS[SHENZHEN]["definition"]
GOOD_UNIT = {
    "sign_on_time": 100.0,
    "reply_within_limit": 80.0,
    "reply_on_time": 100.0,
    "reply_within_cap": 100.0,
    "satisfied_share": 80.0,
    "unsatisfied_share": 0.0,
}


def _gates(values):
    return scoring.score_gates(1, SZ, values)


def test_shenzhen_sign_for_gate_100_good_90_pass_below_fail():
    assert _gates(GOOD_UNIT).parts[0].result == GOOD
    assert _gates({**GOOD_UNIT, "sign_on_time": 90.0}).parts[0].result == PASS
    assert _gates({**GOOD_UNIT, "sign_on_time": 89.9}).parts[0].result == FAIL


def test_shenzhen_timeliness_80_within_3_months_and_none_overdue_good_all_within_6_pass():
    assert _gates(GOOD_UNIT).parts[1].result == GOOD
    # 80 % within 3 months but one overdue: not good; all within 6 months: pass.
    assert _gates({**GOOD_UNIT, "reply_on_time": 95.0}).parts[1].result == PASS
    assert _gates({**GOOD_UNIT, "reply_within_limit": 79.9}).parts[1].result == PASS
    assert (
        _gates({**GOOD_UNIT, "reply_within_limit": 70.0, "reply_within_cap": 99.0}).parts[1].result
        == FAIL
    )


def test_shenzhen_satisfaction_80_satisfied_and_no_unsatisfied_good():
    assert _gates(GOOD_UNIT).parts[2].result == GOOD
    assert _gates({**GOOD_UNIT, "unsatisfied_share": 5.0}).parts[2].result == PASS
    assert _gates({**GOOD_UNIT, "satisfied_share": 79.0}).parts[2].result == PASS


def test_shenzhen_any_failed_gate_fails_the_unit():
    assert _gates(GOOD_UNIT).result == GOOD
    assert _gates({**GOOD_UNIT, "sign_on_time": 95.0}).result == PASS
    assert _gates({**GOOD_UNIT, "sign_on_time": 50.0}).result == FAIL
    assert _gates({**GOOD_UNIT, "sign_on_time": 50.0, "satisfied_share": 100.0}).result == FAIL


def test_gates_with_no_data_are_no_data_never_good():
    assert _gates({}).result == NO_DATA
    only_sign = _gates({"sign_on_time": 100.0})
    assert [p.result for p in only_sign.parts] == [GOOD, NO_DATA, NO_DATA]
    assert only_sign.result == PASS  # a gate without data cannot make a unit good


# --- Hainan points, Qingdao deputy rating ------------------------------------------------------


def test_hainan_speed_20_quality_50_result_30_out_of_100():
    definition = PRESETS[HAINAN]["definition"]
    weights = {i["label"]: i["weight"] for i in definition["items"]}
    assert weights == {"办理速度": 20, "答复质量": 50, "办理结果": 30}
    full = {"reply_on_time": 100.0, "satisfaction": 100.0, "share_ab": 100.0}
    assert scoring.score_points(1, definition, full, PURE).score == 100.0
    # Half the speed, all the quality, a third of the results: 10 + 50 + 10.
    some = {"reply_on_time": 50.0, "satisfaction": 100.0, "share_ab": 100 / 3}
    assert scoring.score_points(1, definition, some, PURE).score == 70.0


def test_qingdao_contact_10_face_to_face_30_effect_50_follow_up_10():
    definition = PRESETS[QINGDAO]["definition"]
    weights = {i["label"]: i["weight"] for i in definition["items"]}
    assert weights == {"沟通联系": 10, "当面答复": 30, "实际效果": 50, "跟踪落实": 10}
    values = {
        "contact_before_reply": 100.0,
        "face_to_face": 50.0,
        "result_satisfaction": 80.0,
        "follow_up_contact": 0.0,
    }
    result = scoring.score_points(1, definition, values, PURE)
    assert [p.points for p in result.parts] == [10.0, 15.0, 40.0, 0.0]
    assert result.score == 65.0


def test_points_rescale_over_the_indicators_with_data_and_say_so():
    definition = PRESETS[HAINAN]["definition"]
    result = scoring.score_points(1, definition, {"reply_on_time": 100.0}, PURE)
    assert result.weight_covered == 20
    assert result.score == 100.0
    assert [p.points for p in result.parts] == [20.0, None, None]
    assert scoring.score_points(1, definition, {}, PURE).score is None


def test_a_lower_is_better_indicator_scores_its_complement():
    definition = {"items": [{"indicator": "extensions", "weight": 100}]}
    assert scoring.score_points(1, definition, {"extensions": 25.0}, PURE).score == 75.0


# --- bad definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "definition", "message"),
    [
        (
            "points",
            {
                "items": [
                    {"indicator": "reply_on_time", "weight": 20},
                    {"indicator": "satisfaction", "weight": 50},
                ]
            },
            "The weights add up to 70, not 100: add 30.",
        ),
        (
            "points",
            {"total": 10, "items": [{"indicator": "reply_on_time", "weight": 20}]},
            "The weights add up to 20, not 10: take off 10.",
        ),
        ("points", {"items": []}, "A points scheme needs at least one weighted indicator."),
        ("points", {"items": [{"indicator": "nonsense", "weight": 100}]}, "Unknown indicator"),
        ("points", {"items": [{"indicator": "share_a", "weight": "x"}]}, "must be a number"),
        ("gates", {"gates": []}, "A gates scheme needs at least one gate."),
        ("gates", {"gates": [{"label": "X", "good": []}]}, "Gate X has no condition for good."),
        ("gates", {"gates": [{"good": [["share_a", "~", 1]]}]}, "unknown operator"),
        ("gates", {"gates": [{"good": [["share_a", ">=", 120]]}]}, "from 0 to 100"),
        ("ranked", {}, "Unknown scheme style"),
    ],
)
def test_bad_definitions_are_refused_with_the_reason(style, definition, message):
    with pytest.raises(SchemeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scoring.check(style, definition, INDICATORS)


def test_weights_of_a_third_each_add_up():
    third = {
        "items": [{"indicator": k, "weight": 33.33} for k in ("share_a", "share_b", "share_c")]
    }
    with pytest.raises(SchemeError):
        scoring.check("points", third, INDICATORS)
    third["total"] = 99.99
    scoring.check("points", third, INDICATORS)


# --- ranking, periods --------------------------------------------------------------------------


def test_ranking_puts_no_data_last_unranked_and_ties_share_a_place():
    definition = {"items": [{"indicator": "share_a", "weight": 100}]}
    made = [
        scoring.score_points(u, definition, {"share_a": v}, PURE)
        for u, v in [(1, 50.0), (2, 90.0), (3, None), (4, 50.0)]
    ]
    ranked = scoring.rank(made)
    assert [(s.unit_id, s.rank) for s in ranked] == [(2, 1), (1, 2), (4, 2), (3, None)]


def test_gates_rank_good_before_pass_before_fail():
    made = [
        _gates({**GOOD_UNIT, "sign_on_time": 10.0}),
        _gates({**GOOD_UNIT, "sign_on_time": 95.0}),
        _gates(GOOD_UNIT),
    ]
    for unit_id, s in enumerate(made):
        s.unit_id = unit_id
    assert [s.result for s in scoring.rank(made)] == [GOOD, PASS, FAIL]


def test_periods():
    assert Period.month(2026, 2) == Period(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert Period.month(2026, 12).end == datetime.date(2026, 12, 31)
    assert Period.year(2026).as_of(datetime.date(2027, 3, 1)) == datetime.date(2027, 1, 1)
    assert Period.year(2026).as_of(datetime.date(2026, 3, 1)) == datetime.date(2026, 3, 1)
    with pytest.raises(ValueError):
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))
