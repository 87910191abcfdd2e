"""The reply-norm checker (DOMAIN §3): each rule fires on a reply that breaks it and stays silent
on one that keeps it; coverage and boilerplate are measured as documented; any input gives
findings or none, never an exception; `minsheng insight check-replies` reads UTF-8, GBK and xlsx."""

import csv
import json
import re

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from minsheng.insight.norms import (
    ERROR,
    MESSAGES,
    RULES,
    WARNING,
    Limits,
    ReplyText,
    SuggestionText,
    boilerplate_share,
    check,
    check_file,
    coverage,
    key_requests,
)

SUGGESTION = SuggestionText(
    title="关于改善城西片区农村公路和校车接送条件的建议",
    body=(
        "城西片区农村公路年久失修，雨天路面坑洼积水，群众出行困难。"
        "建议交通运输部门尽快对城西至马坊的县道进行拓宽改造。"
        "希望教育部门增加校车线路，解决偏远村学生上学难。"
        "要求在学校门口增设交通信号灯和减速带。"
    ),
)

GOOD_B = """尊敬的王明代表：
您提出的《关于改善城西片区农村公路和校车接送条件的建议》收悉，现答复如下：
一、关于县道拓宽改造。城西至马坊县道全长12.6公里，已列入2027年农村公路提升改造计划，估算投资3800万元，\
计划2027年3月开工、2027年10月底前完工。
二、关于校车线路。经会同市教育局调研，市教育局意见：2026年秋季学期起新增马坊、石桥两条校车线路，\
覆盖偏远村学生210名。
三、关于信号灯和减速带。已协调公安交警部门于2026年11月在城西小学门口增设交通信号灯1处、减速带3条。
办理过程中，我局于2026年8月12日与您电话沟通，并陪同您实地查看了路况。
签发人：李建国
联系人：张华  联系电话：0971-6123456
西宁市交通运输局
2026年11月20日"""

EMPTY_FORMULA = (
    "王明代表：您的建议收悉。我局高度重视，认真研究，积极协调有关部门，进一步加大工作力度，"
    "持续关注此事。感谢您对交通工作的关心和支持！"
)

SIGNATURE = "\n签发人：李建国\n联系人：张华  联系电话：0971-6123456"

A_TEXT = (
    "尊敬的赵丽代表：您提出的关于老旧小区加装电梯的建议收悉。我局于2026年5月10日与您当面沟通，"
    "并到和平路小区实地查看。现已完成和平路小区4栋住宅的电梯加装，2026年9月已投入使用，"
    "市级补助资金每台20万元已拨付到位，其余6栋已纳入2027年计划。感谢您的关心。" + SIGNATURE
)
C_TEXT = (
    "尊敬的孙强代表：关于在北山新建综合体育馆的建议，我局于2026年6月与您座谈交流。"
    "由于北山片区用地规划为生态保护区，不符合建设用地规定，且市级财政今年资金缺口较大，"
    "目前尚不具备新建条件，待国土空间规划调整后再作研究。" + SIGNATURE
)


def codes(findings):
    return {f.code for f in findings}


def run(rule_code, reply, suggestion=SUGGESTION, limits=None):
    """The findings of one rule (by its RULES name)."""
    rule = dict(RULES)[rule_code]
    return rule(reply, suggestion, limits or Limits())


# --- a compliant reply --------------------------------------------------------------------------


def test_a_compliant_b_reply_has_no_findings():
    reply = ReplyText(text=GOOD_B, category="B", contact_logged=True)
    assert check(reply, SUGGESTION) == []


def test_every_finding_is_explained_in_chinese_and_english():
    for code, table in MESSAGES.items():
        assert table["zh"] and table["en"], code
    findings = check(ReplyText(text=EMPTY_FORMULA, category="A", contact_logged=False), SUGGESTION)
    for finding in findings:
        zh, en = finding.message("zh"), finding.message("en")
        assert any("\u4e00" <= c <= "\u9fff" for c in zh)
        assert "{" not in en and "{" not in zh
        assert not any("\u4e00" <= c <= "\u9fff" for c in en), en
        assert finding.severity in (ERROR, WARNING)


def test_errors_come_before_warnings():
    findings = check(ReplyText(text=EMPTY_FORMULA, category="A"), SUGGESTION)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != ERROR)
    assert ERROR in severities and WARNING in severities


# --- category -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "  ", "E", "已办"])
def test_a_blank_or_unknown_category_is_an_error(value):
    findings = run("category", ReplyText(text=GOOD_B, category=value))
    assert [(f.code, f.severity) for f in findings] == [("category-missing", ERROR)]
    if value.strip():
        assert f"“{value}”" in findings[0].message("zh")
        assert f"(given: “{value}”)" in findings[0].message("en")


@pytest.mark.parametrize("value", ["A", "b", "C类", "丁", "Ｂ"])
def test_a_category_in_any_usual_spelling_is_present(value):
    assert run("category", ReplyText(text=GOOD_B, category=value)) == []


def test_an_unknown_category_leaves_the_category_rules_silent():
    reply = ReplyText(text=EMPTY_FORMULA, category=None)
    assert run("category", reply) == [] and run("category-consistent", reply) == []


def test_an_a_reply_must_say_what_was_solved():
    assert run("category-consistent", ReplyText(text=A_TEXT, category="A")) == []
    text = "尊敬的代表：关于加装电梯的建议，目前尚不具备加装条件，我们将持续关注。" + SIGNATURE
    findings = run("category-consistent", ReplyText(text=text, category="A"))
    assert codes(findings) == {"category-a-unsolved"}
    assert "尚不具备" in findings[0].message()
    assert "it says “尚不具备”" in findings[0].message("en")


def test_a_b_reply_needs_a_plan_and_a_target_date():
    assert run("category-consistent", ReplyText(text=GOOD_B, category="B")) == []
    vague = "尊敬的代表：您反映的县道路面问题确实存在，我局高度重视，会认真研究。" + SIGNATURE
    found = run("category-consistent", ReplyText(text=vague, category="B"))
    assert codes(found) == {"category-b-plan", "category-b-date"}
    assert all(f.severity == ERROR for f in found)
    no_date = "尊敬的代表：县道拓宽已列入农村公路提升改造计划，分两期实施。" + SIGNATURE
    assert codes(run("category-consistent", ReplyText(text=no_date, category="B"))) == {
        "category-b-date"
    }


def test_a_b_reply_plan_and_date_may_come_from_the_form_fields():
    vague = "尊敬的代表：您反映的县道路面问题确实存在。" + SIGNATURE
    reply = ReplyText(text=vague, category="B", plan="分两期拓宽县道", target_date="2027-10-31")
    assert run("category-consistent", reply) == []


@pytest.mark.parametrize("category", ["C", "D"])
def test_c_and_d_replies_need_reasons(category):
    assert run("category-consistent", ReplyText(text=C_TEXT, category=category)) == []
    bare = "尊敬的孙强代表：关于在北山新建综合体育馆的建议，我局将留作参考。" + SIGNATURE
    found = run("category-consistent", ReplyText(text=bare, category=category))
    assert [(f.code, f.severity) for f in found] == [("category-cd-reasons", ERROR)]
    assert category in found[0].message()
    with_reasons = ReplyText(text=bare, category=category, reasons="用地为生态保护区")
    assert run("category-consistent", with_reasons) == []


# --- coverage -----------------------------------------------------------------------------------


def test_key_requests_are_the_sentences_that_ask_with_their_content_words():
    requests = key_requests(SUGGESTION)
    assert len(requests) == 3  # the first sentence describes, it asks nothing
    assert "拓宽" in requests[0].words and "马坊" in requests[0].words
    assert "校车" in requests[1].words
    assert "信号灯" in requests[2].words
    for request in requests:
        assert not {"建议", "尽快", "部门", "要求", "希望"} & set(request.words)


def test_key_requests_split_enumerations_and_fall_back_to_the_title():
    listed = SuggestionText(body="为此建议：一是增加城区停车泊位；二是规范共享单车停放秩序。")
    assert len(key_requests(listed)) == 2
    titled = SuggestionText(title="关于整治城东菜市场环境卫生的建议", body="菜市场脏乱。")
    assert key_requests(titled)[0].sentence.startswith("关于整治城东菜市场")


def test_coverage_measures_which_requests_the_reply_addresses():
    share, requests = coverage(SUGGESTION, GOOD_B)
    assert share == 1.0 and all(r.covered() for r in requests)
    partial = "关于县道拓宽改造：城西至马坊县道已列入2027年改造计划。"
    share, requests = coverage(SUGGESTION, partial)
    assert share == pytest.approx(1 / 3)
    assert [r.covered() for r in requests] == [True, False, False]
    assert coverage(SUGGESTION, EMPTY_FORMULA)[0] == 0.0
    assert coverage(SuggestionText(), GOOD_B) == (1.0, [])


def test_uncovered_requests_are_listed_in_the_finding():
    partial = (
        "尊敬的王明代表：关于县道拓宽改造，城西至马坊县道已列入2027年改造计划，"
        "2027年10月底前完工。关于校车线路，2026年秋季起新增两条校车线路。" + SIGNATURE
    )
    (finding,) = run("requests", ReplyText(text=partial, category="B"))
    assert finding.code == "requests-uncovered" and finding.severity == WARNING
    assert len(finding.items) == 1 and "信号灯" in finding.items[0]
    assert "1/3" in finding.message()
    (nothing,) = run("requests", ReplyText(text=EMPTY_FORMULA, category="B"))
    assert nothing.severity == ERROR and len(nothing.items) == 3


def test_a_compound_is_answered_by_its_head_but_not_by_a_generic_one():
    suggestion = SuggestionText(body="建议改造学校食堂，增加食堂窗口。")
    assert coverage(suggestion, "今年已新增食堂窗口6个，并改造了后厨。")[0] == 1.0
    other = SuggestionText(body="希望教育部门增加校车线路和偏远线路。")
    # 教育部门 is not matched by "有关部门": 部门 alone names nobody.
    _, (request,) = coverage(other, "我们将协调有关部门研究。")
    assert "教育部门" not in request.matched


# --- contact, joint opinions, signature ----------------------------------------------------------


def test_contact_not_logged_is_an_error_and_logged_is_silent():
    assert run("contact", ReplyText(text=EMPTY_FORMULA, contact_logged=True)) == []
    found = run("contact", ReplyText(text=GOOD_B, contact_logged=False))
    assert [(f.code, f.severity) for f in found] == [("contact-not-logged", ERROR)]


def test_unknown_contact_is_read_from_the_text():
    assert run("contact", ReplyText(text=GOOD_B)) == []
    found = run("contact", ReplyText(text=EMPTY_FORMULA))
    assert [(f.code, f.severity) for f in found] == [("contact-not-mentioned", WARNING)]


def test_thanking_the_deputy_or_a_phone_line_is_not_contact():
    text = "尊敬的代表：向您表示感谢。已完成路灯安装。" + SIGNATURE  # 联系电话 is the unit's line
    assert codes(run("contact", ReplyText(text=text))) == {"contact-not-mentioned"}
    visited = text + "\n2026年7月3日我局与您联系并到现场查看。"
    assert run("contact", ReplyText(text=visited)) == []


def test_joint_opinions_must_be_stated_when_there_were_joint_units():
    assert run("joint", ReplyText(text=EMPTY_FORMULA)) == []  # no joint units
    assert run("joint", ReplyText(text=GOOD_B, joint_units=["市教育局"])) == []
    missing = run("joint", ReplyText(text=A_TEXT, joint_units=["市财政局", "市住建局"]))
    assert [(f.code, f.severity) for f in missing] == [("joint-opinions-missing", ERROR)]
    assert "市财政局、市住建局" in missing[0].message()
    stated = ReplyText(text=A_TEXT, joint_units=["市财政局"], joint_opinions_stated=True)
    assert run("joint", stated) == []
    told = ReplyText(text=GOOD_B, joint_units=["市教育局"], joint_opinions_stated=False)
    assert codes(run("joint", told)) == {"joint-opinions-missing"}


def test_signer_from_the_field_or_the_text():
    assert run("signer", ReplyText(text=GOOD_B)) == []
    assert run("signer", ReplyText(text=EMPTY_FORMULA, signer="李建国")) == []
    assert codes(run("signer", ReplyText(text=EMPTY_FORMULA))) == {"signer-missing"}
    assert codes(run("signer", ReplyText(text=GOOD_B, signer=" "))) == {"signer-missing"}


def test_contact_person_and_phone_both_needed():
    assert run("contact-person", ReplyText(text=GOOD_B)) == []
    fields = ReplyText(text=EMPTY_FORMULA, contact_person="张华", contact_phone="13912345678")
    assert run("contact-person", fields) == []
    no_phone = GOOD_B.replace("  联系电话：0971-6123456", "")
    (finding,) = run("contact-person", ReplyText(text=no_phone))
    assert finding.severity == ERROR and finding.message() == MESSAGES[finding.code]["zh"].format(
        missing="联系电话", missing_en="phone"
    )
    (both,) = run("contact-person", ReplyText(text=EMPTY_FORMULA))
    assert "联系人、联系电话" in both.message()


# --- empty formula ------------------------------------------------------------------------------


def test_boilerplate_share_counts_stock_sentences_against_concrete_ones():
    empty = boilerplate_share(EMPTY_FORMULA)
    assert empty.concrete == 0 and empty.boilerplate >= 2 and empty.share == 1.0
    good = boilerplate_share(GOOD_B)
    assert good.concrete >= 5 and good.share < 0.2
    # Greeting, signature and contact lines are the letter's frame, not its content.
    assert boilerplate_share("尊敬的王明代表：\n签发人：李建国\n联系人：张华").boilerplate == 0


def test_a_reply_of_only_boilerplate_is_an_empty_formula():
    found = run("empty-formula", ReplyText(text=EMPTY_FORMULA))
    assert [(f.code, f.severity) for f in found] == [("empty-formula", ERROR)]
    assert "100%" in found[0].message()
    assert run("empty-formula", ReplyText(text=GOOD_B)) == []


def test_a_stock_phrase_with_a_concrete_measure_is_not_boilerplate():
    text = "我局高度重视，已于2026年9月下达专项资金120万元，完成5条背街小巷路灯安装。"
    assert boilerplate_share(text).boilerplate == 0
    assert run("empty-formula", ReplyText(text=text)) == []


def test_mostly_boilerplate_with_one_measure_is_a_warning():
    text = (
        "您的建议收悉。我局高度重视。我们认真研究了您的意见。将积极协调有关方面。"
        "下一步将进一步加大力度。已组织人员清理沟渠。感谢您的关心和支持。"
    )
    found = run("empty-formula", ReplyText(text=text))
    assert [(f.code, f.severity) for f in found] == [("boilerplate-heavy", WARNING)]


# --- length -------------------------------------------------------------------------------------


def test_length_bounds_are_parameters():
    assert run("length", ReplyText(text=GOOD_B)) == []
    (short,) = run("length", ReplyText(text=EMPTY_FORMULA))
    assert short.code == "too-short" and short.severity == WARNING
    assert run("length", ReplyText(text=EMPTY_FORMULA), limits=Limits(min_chars=20)) == []
    (long,) = run("length", ReplyText(text=GOOD_B), limits=Limits(max_chars=100))
    assert long.code == "too-long" and "100" in long.message()
    (empty,) = run("length", ReplyText(text="  \n "))
    assert (empty.code, empty.severity) == ("reply-empty", ERROR)


# --- bad input ----------------------------------------------------------------------------------

TIBETAN = "བོད་ཡིག་ནི་བོད་ཀྱི་ཡི་གེ་ཡིན། " * 20
UYGHUR = "بۇ تەكلىپنى ئەستايىدىل تەتقىق قىلدۇق ۋە مەسىلىنى ھەل قىلدۇق. " * 20


@pytest.mark.parametrize(
    "text",
    ["", "。。。！！！，，", "\u200b\ufeff", "字" * 100_000, GOOD_B * 200, TIBETAN, UYGHUR, None],
)
@pytest.mark.parametrize("category", ["", "B", "C", None])
def test_any_text_gives_findings_or_none_never_an_exception(text, category):
    reply = ReplyText(text=text, category=category)  # type: ignore[arg-type]
    findings = check(reply, SuggestionText(title=text or "", body=text or ""))
    assert isinstance(findings, list)
    for finding in findings:
        assert finding.message("zh") and finding.message("en")


def test_bad_input_findings_are_the_expected_ones():
    assert codes(check(ReplyText(text="", category="A"))) == {"reply-empty"}
    assert codes(check(ReplyText(text="。。。！！！", category="A"))) == {"reply-empty"}
    huge = check(ReplyText(text=GOOD_B * 200, category="B", contact_logged=True), SUGGESTION)
    assert codes(huge) == {"too-long"}
    # Other scripts are read as text: their length counts, no Chinese phrase is invented.
    tibetan = codes(check(ReplyText(text=TIBETAN, category="A", signer="x", contact_person="x")))
    assert "reply-empty" not in tibetan and "empty-formula" not in tibetan


# --- the command --------------------------------------------------------------------------------

HEADER = ["序号", "建议标题", "建议内容", "类别", "答复内容"]
ROWS = [
    ["1", SUGGESTION.title, SUGGESTION.body, "B", GOOD_B],
    ["2", SUGGESTION.title, SUGGESTION.body, "A", EMPTY_FORMULA],
    ["3", "关于新建北山体育馆的建议", "建议在北山新建综合体育馆。", "", C_TEXT],
]


def write_csv(path, encoding, header=HEADER, rows=ROWS):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_check_file_reads_gbk_and_reports_per_row(tmp_path):
    result = check_file(write_csv(tmp_path / "replies.csv", "gbk"))
    assert result.encoding == "gb18030" and result.rows == 3
    by_row: dict[int, set[str]] = {}
    for row, finding in result.findings:
        by_row.setdefault(row, set()).add(finding.code)
    assert 2 not in by_row  # the good reply, on the file's second row
    assert {"empty-formula", "requests-uncovered", "signer-missing"} <= by_row[3]
    assert "category-missing" in by_row[4] and "empty-formula" not in by_row[4]
    assert result.summary()["rows_with_findings"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_the_command_prints_an_aligned_table_and_a_summary(tmp_path, capsys, encoding):
    from minsheng.lib.terminal import display_width

    path = write_csv(tmp_path / "replies.csv", encoding)
    out_json = tmp_path / "findings.json"
    call_command("insight", "check-replies", "--file", str(path), "--json", str(out_json))
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("行"))
    table = lines[head : head + 1 + len(json.loads(out_json.read_text("utf-8"))["findings"])]
    # The code column starts at the same display column on every row, the header's too.
    code_at = [display_width(line[: line.index("代码")]) for line in table[:1]]
    for line in table[1:]:
        match = re.search(r"[a-z]+(?:-[a-z]+)+", line)
        assert match, line
        code_at.append(display_width(line[: match.start()]))
    assert len(table) > 4 and len(set(code_at)) == 1
    assert "共3份答复，2份有问题" in lines[-2]
    data = json.loads(out_json.read_text("utf-8"))
    assert data["summary"]["rows"] == 3 and data["summary"]["errors"] >= 4
    first = data["findings"][0]
    assert set(first) == {"row", "code", "severity", "message_zh", "message_en", "items"}


def test_the_command_reads_xlsx_with_padding_and_other_column_names(tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(["某市人大代表建议答复汇总表"])
    sheet.append([])
    sheet.append(["编号", "建议", "办理结果", "答复正文"])
    sheet.append(["1", SUGGESTION.body, "B类", GOOD_B])
    sheet.append([None, None, None, None])
    sheet.append(["2", SUGGESTION.body, "甲", EMPTY_FORMULA])
    path = tmp_path / "replies.xlsx"
    book.save(path)
    call_command(
        "insight",
        "check-replies",
        "--file",
        str(path),
        "--text-col",
        "答复正文",
        "--category-col",
        "办理结果",
        "--suggestion-col",
        "建议",
        "--lang",
        "en",
    )
    out = capsys.readouterr().out
    assert "2 replies (xlsx)" in out
    assert "empty-formula" in out and "category-a-unsolved" in out
    rows = {line.split()[0] for line in out.splitlines()[2:-1]}
    assert rows == {"6"}  # the empty reply, on the sheet's sixth row; the good one has none


def test_missing_optional_columns_leave_their_rules_out(tmp_path, capsys):
    path = write_csv(tmp_path / "only.csv", "utf-8", ["答复内容"], [[GOOD_B], [EMPTY_FORMULA]])
    call_command("insight", "check-replies", "--file", str(path))
    out = capsys.readouterr().out
    assert "文件无“类别, 建议内容”列" in out
    assert "category-missing" not in out and "requests-uncovered" not in out
    assert "empty-formula" in out


def test_the_command_refuses_bad_files_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="答复内容"):
        call_command(
            "insight",
            "check-replies",
            "--file",
            str(write_csv(tmp_path / "x.csv", "utf-8", ["a"], [])),
        )
    latin = tmp_path / "latin.csv"
    latin.write_bytes("答复内容\n".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8 and not GBK"):
        call_command("insight", "check-replies", "--file", str(latin))
    with pytest.raises(CommandError, match="no such file"):
        call_command("insight", "check-replies", "--file", str(tmp_path / "none.csv"))
    with pytest.raises(CommandError, match="max-chars"):
        call_command(
            "insight", "check-replies", "--file", str(latin), "--min-chars", "9", "--max-chars", "9"
        )


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=400),
    body=st.text(max_size=200),
    category=st.one_of(st.none(), st.text(max_size=3), st.sampled_from(["A", "B", "C", "D"])),
)
def test_arbitrary_text_never_raises(text, body, category):
    findings = check(ReplyText(text=text, category=category), SuggestionText(body=body))
    assert all(f.code in MESSAGES and f.message("en") for f in findings)
