"""The recommender in the product: trained from the assignments, shown on the assignment
meeting (a pinned rule still wins), in the API, and staff's choices counted against it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from minsheng.insight import adapter
from minsheng.insight.models import RoutingFeedback, RoutingRule
from minsheng.insight.proposals import Proposer
from minsheng.people.models import Deputy
from minsheng.suggestions import workflow
from minsheng.suggestions.models import Assignment
from minsheng.suggestions.workflow import UnitPlan
from tests import states

pytestmark = pytest.mark.django_db
MEETING = reverse("suggestions:assign_meeting")
ACCURACY = reverse("insight:routing")

ROADS = ("农村公路提质改造", "通村公路安全防护", "城乡公交线路", "国省道交通安全隐患", "客运班线")
SCHOOLS = ("学前教育资源", "农村幼儿园教师待遇", "义务教育学位", "中小学课后服务", "职业教育实训")


@pytest.fixture
def model_dir(settings, tmp_path):
    settings.INSIGHT_MODEL_DIR = tmp_path
    return tmp_path


def registered(cast, title, body, category="交通运输"):
    s = workflow.create_draft(
        by=cast.deputy,
        lead_deputy=Deputy.objects.get(user=cast.deputy),
        title=title,
        body=body,
        session=cast.term.sessions.get(number=4),
        category=states.category(cast, category),
    )
    return workflow.register(workflow.submit(s, by=cast.deputy), by=cast.staff)


def history(cast, n=4):
    """n rounds of road suggestions led by unit A and school suggestions led by unit B."""
    for i in range(n):
        for topic in ROADS:
            s = registered(
                cast, f"关于{topic}的建议（{i}）", f"建议加快{topic}，改善道路通行条件。"
            )
            workflow.assign(s, by=cast.staff, plan=[UnitPlan(cast.unit_a, Assignment.Mode.LEAD)])
        for topic in SCHOOLS:
            s = registered(
                cast, f"关于{topic}的建议（{i}）", f"建议加大{topic}投入，办好学校。", "教育"
            )
            workflow.assign(s, by=cast.staff, plan=[UnitPlan(cast.unit_b, Assignment.Mode.LEAD)])


@pytest.fixture
def trained(cast, model_dir):
    history(cast)
    out = io.StringIO()
    call_command(
        "insight", "train", "--jurisdiction", cast.jurisdiction.code, "--quiet", stdout=out
    )
    return out.getvalue()


def test_train_saves_a_model_with_its_version_and_date(cast, trained, model_dir):
    assert " 40 " in trained and "routing-" in trained  # the count and the file, in any language
    model = adapter.load_model(cast.jurisdiction.pk)
    assert model is not None and (model_dir / f"routing-{cast.jurisdiction.pk}.joblib").is_file()
    assert model.history == 40 and model.cold_start  # under MIN_HISTORY
    assert model.trained_at[:4] == model.version[:4]


def test_duties_drive_the_cold_start(cast, model_dir):
    cast.unit_b.duties = "学前教育、义务教育、职业教育，学校建设和教师队伍"
    cast.unit_b.save()
    cast.unit_a.duties = "公路、城乡客运、交通安全设施"
    cast.unit_a.save()
    call_command("insight", "train", "--quiet", stdout=io.StringIO())
    s = registered(cast, "关于改善幼儿园办学条件的建议", "幼儿园学位不足，教师短缺。", "教育")
    proposed = Proposer(cast.jurisdiction.pk).proposed(s)
    assert proposed.source == RoutingFeedback.Source.COLD_START
    assert proposed.plan[0].unit == cast.unit_b


def test_the_meeting_shows_recommended_units_with_their_words(client, cast, trained):
    s = registered(
        cast, "关于加快农村公路提质改造的建议", "通村公路年久失修，建议提质改造。", "教育"
    )
    client.force_login(cast.staff)
    response = client.get(MEETING)
    row = next(r for r in response.context["rows"] if r["s"].pk == s.pk)
    assert row["form"].initial["lead"] == cast.unit_a.pk  # the text, not the category, decided
    assert row["recommended"][0]["unit"] == cast.unit_a.name
    words = row["recommended"][0]["words"].split("、")
    assert words and all(w in s.title + s.body for w in words)
    html = response.content.decode()
    assert 'data-testid="recommended"' in html and "公路" in html


def test_a_pinned_rule_wins_over_the_recommender(client, cast, trained):
    rule = RoutingRule.objects.create(
        jurisdiction=cast.jurisdiction,
        category=states.category(cast, "教育"),
        lead_unit=cast.unit_b,
        pinned=True,
    )
    s = registered(cast, "关于加快农村公路提质改造的建议", "通村公路年久失修。", "教育")
    proposed = Proposer(cast.jurisdiction.pk).proposed(s)
    assert proposed.source == RoutingFeedback.Source.PINNED
    assert [p.unit for p in proposed.plan] == [cast.unit_b]
    assert proposed.recommendation.units[0].label == cast.unit_a.pk  # still shown beside it
    rule.pinned = False
    rule.save()
    proposed = Proposer(cast.jurisdiction.pk).proposed(s)
    assert proposed.source == RoutingFeedback.Source.COLD_START  # 40 < MIN_HISTORY
    assert proposed.plan[0].unit == cast.unit_a


def test_without_a_model_the_routing_table_proposes_as_before(cast):
    RoutingRule.objects.create(
        jurisdiction=cast.jurisdiction, category=states.category(cast), lead_unit=cast.unit_a
    )
    s = registered(cast, "关于农村公路的建议", "护栏缺失。")
    proposed = Proposer(cast.jurisdiction.pk).proposed(s)
    assert proposed.source == RoutingFeedback.Source.TABLE and proposed.recommendation is None


def test_staffs_choices_are_counted_against_the_recommendation(
    client, cast, trained, django_capture_on_commit_callbacks
):
    kept = registered(cast, "关于农村公路安全防护的建议", "通村公路缺护栏。")
    changed = registered(cast, "关于城乡公交线路的建议", "公交线路覆盖不足。")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign(kept, by=cast.staff, plan=[UnitPlan(cast.unit_a, Assignment.Mode.LEAD)])
        workflow.assign(changed, by=cast.staff, plan=[UnitPlan(cast.unit_b, Assignment.Mode.LEAD)])
    kept_row = RoutingFeedback.objects.get(suggestion=kept)
    assert kept_row.source == RoutingFeedback.Source.COLD_START
    assert kept_row.accepted and kept_row.in_top3 and kept_row.chosen_unit == cast.unit_a
    assert kept_row.recommended[0][0] == cast.unit_a.pk and kept_row.by == cast.staff
    changed_row = RoutingFeedback.objects.get(suggestion=changed)
    assert not changed_row.accepted and changed_row.in_top3  # two units: B is second
    client.force_login(cast.staff)
    response = client.get(ACCURACY)
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["source"] == "cold_start")
    assert (row["total"], row["accepted"], row["top3"]) == (2, 50.0, 100.0)
    assert response.context["model"].history == 40


def test_the_next_training_learns_from_the_correction(cast, trained):
    s = registered(cast, "关于城乡公交线路的建议（新）", "公交线路覆盖不足。")
    workflow.assign(s, by=cast.staff, plan=[UnitPlan(cast.unit_b, Assignment.Mode.LEAD)])
    examples = adapter.examples(cast.jurisdiction.pk)
    assert any(e.title == s.title and e.unit == cast.unit_b.pk for e in examples)


def test_the_accuracy_page_is_for_staff(client, cast):
    client.force_login(cast.deputy)
    assert client.get(ACCURACY).status_code == 403
    client.force_login(cast.staff)
    response = client.get(ACCURACY)
    assert response.status_code == 200 and 'data-testid="no-model"' in response.content.decode()


def test_the_api_gives_units_scores_and_words_to_staff_only(client, cast, trained):
    s = registered(cast, "关于义务教育学位紧张的建议", "学校学位不足。")
    client.force_login(cast.staff)
    url = f"/api/v1/suggestions/{s.pk}/routing"
    body = client.get(url).json()
    assert body["units"][0]["unit"] == {"id": cast.unit_b.pk, "name": cast.unit_b.name}
    assert 0 < body["units"][0]["score"] <= 1
    assert all(w["word"] in s.title + s.body for w in body["units"][0]["words"])
    assert body["model"]["history"] == 40 and body["source"] == "cold_start"
    assert body["proposal"][0]["unit"]["id"] == cast.unit_b.pk
    assert body["category"]["category"]["name"] == "教育"
    client.force_login(cast.deputy)
    assert client.get(url).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_the_meeting_page_records_what_staff_chose(
    client, cast, trained, django_capture_on_commit_callbacks
):
    s = registered(cast, "关于义务教育学位紧张的建议", "学校学位不足。")
    client.force_login(cast.staff)
    data = {
        "on": "2026-03-02",
        f"s{s.pk}-include": "on",
        f"s{s.pk}-mode": "lead",
        f"s{s.pk}-lead": cast.unit_a.pk,  # staff overrule the recommended unit B
        f"s{s.pk}-others": [],
        f"s{s.pk}-version": s.version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MEETING, data)
    assert response.status_code == 302
    row = RoutingFeedback.objects.get(suggestion=s)
    assert row.proposed_unit == cast.unit_b and row.chosen_unit == cast.unit_a
    assert not row.accepted and row.in_top3
    # The next training takes staff's unit as the answer.
    assert next(e.unit for e in adapter.examples(cast.jurisdiction.pk) if e.title == s.title) == (
        cast.unit_a.pk
    )
