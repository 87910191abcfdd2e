"""The evaluation harness: real-world files in, the same figures as scikit-learn out, and a
clear message for a file it cannot read."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from minsheng.insight.evaluate import DataError, cross_validate, holdout, metrics, read_table
from minsheng.insight.synthetic import COLUMNS, messages

TEXT = ["留言主题", "留言详情"]
LABEL = "一级分类"


def write_csv(path, rows, encoding="utf-8", header=COLUMNS):
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def fixture_rows(n, seed=0, blank_every=0):
    return [
        [
            m.number,
            m.user,
            m.title,
            m.time,
            m.body,
            "" if blank_every and i % blank_every == 0 else m.label,
        ]
        for i, m in enumerate(messages(n, seed=seed))
    ]


def test_metrics_equal_scikit_learns_on_a_known_confusion():
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    labels = ["a", "b", "c"]
    # A known confusion: rows truth, columns prediction (c is never predicted: P=0, F1=0).
    known = [[5, 2, 0], [1, 3, 0], [2, 1, 0]]
    truth, predicted = [], []
    for i, row in enumerate(known):
        for j, n in enumerate(row):
            truth += [labels[i]] * n
            predicted += [labels[j]] * n
    top3 = [[p, "c", "b"] for p in predicted]
    ours = metrics(truth, predicted, labels, top3)
    assert ours["confusion"] == known == confusion_matrix(truth, predicted, labels=labels).tolist()
    assert ours["accuracy"] == pytest.approx(accuracy_score(truth, predicted))
    assert ours["macro_f1"] == pytest.approx(
        f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
    )
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    for i, label in enumerate(labels):
        got = ours["per_class"][label]
        assert (got["precision"], got["recall"], got["f1"], got["support"]) == pytest.approx(
            (p[i], r[i], f[i], s[i])
        )
    expected_top3 = sum(t in best for t, best in zip(truth, top3, strict=True)) / len(truth)
    assert ours["top3_accuracy"] == pytest.approx(expected_top3)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk_is_read_and_blank_labels_are_counted(tmp_path, encoding):
    path = write_csv(tmp_path / "d.csv", fixture_rows(60, blank_every=10), encoding=encoding)
    table = read_table(path, TEXT, LABEL)
    assert len(table.texts) == 54 and table.skipped_blank_label == 6
    assert all(t[0] and "\t" not in t[0] for t in table.texts)
    assert table.encoding == ("gb18030" if encoding == "gbk" else "utf-8-sig")


def test_xlsx_with_a_title_row_padding_and_debris_is_read(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["2020年群众留言（导出）"])
    sheet.append([])
    sheet.append([f" {c} " for c in COLUMNS])  # stray spaces in the header
    for row in fixture_rows(30):
        sheet.append(row)
        sheet.append([None] * 6)  # padded empty rows
    sheet.append(["1", "u", "<p>&nbsp;</p>", "", "   ", "城乡建设"])  # no text at all
    for _ in range(50):
        sheet.append([None, None, None])
    path = tmp_path / "d.xlsx"
    book.save(path)
    table = read_table(path, TEXT, LABEL)
    assert len(table.texts) == 30
    assert table.skipped_empty_text == 1
    assert not any("<" in t[1] or "&nbsp;" in t[1] for t in table.texts)


def test_wrong_encoding_gives_a_clear_message(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("留言主题,留言详情,一级分类\n".encode("utf-16") + b"\xff\xfe\x00\xd8")
    with pytest.raises(DataError, match="not UTF-8 and not GBK"):
        read_table(path, TEXT, LABEL)


def test_missing_columns_name_the_columns_the_file_has(tmp_path):
    path = write_csv(tmp_path / "d.csv", [["1", "x"]], header=["编号", "内容"])
    with pytest.raises(DataError, match="not found.*编号, 内容"):
        read_table(path, TEXT, LABEL)


def test_an_xlsx_named_csv_and_a_broken_xlsx_are_refused(tmp_path):
    book = Workbook()
    book.save(tmp_path / "real.xlsx")
    (tmp_path / "fake.csv").write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(DataError, match="Excel"):
        read_table(tmp_path / "fake.csv", TEXT, LABEL)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DataError, match="not a readable xlsx"):
        read_table(tmp_path / "broken.xlsx", TEXT, LABEL)
    with pytest.raises(DataError, match="no such file"):
        read_table(tmp_path / "absent.csv", TEXT, LABEL)


def test_cross_validation_reports_every_figure_and_the_baseline(tmp_path):
    table = read_table(write_csv(tmp_path / "d.csv", fixture_rows(500, seed=2)), TEXT, LABEL)
    result = cross_validate(table, folds=3, seed=1, baseline=True, latency_sample=30)
    for key in (
        "accuracy",
        "macro_f1",
        "top3_accuracy",
        "per_class",
        "confusion",
        "train_s",
        "predict_p95_ms",
    ):
        assert key in result
    assert result["n"] == 500 and sum(map(sum, result["confusion"])) == 500
    assert result["macro_f1"] > 0.85 and result["top3_accuracy"] >= result["accuracy"]
    assert 0 <= result["calibration_error"] < 0.2
    assert result["baseline"]["model"] == "chars-svm"
    again = cross_validate(table, folds=3, seed=1, latency_sample=5)
    assert again["confusion"] == result["confusion"]  # deterministic for a seed


def test_a_class_smaller_than_the_folds_is_a_clear_message(tmp_path):
    rows = fixture_rows(40) + [["1", "u", "某个问题", "", "很少见的类别", "稀有类"]]
    table = read_table(write_csv(tmp_path / "d.csv", rows), TEXT, LABEL)
    with pytest.raises(DataError, match="fewer than the 5 folds"):
        cross_validate(table, folds=5)


def test_holdout_on_a_test_file(tmp_path):
    train = read_table(write_csv(tmp_path / "a.csv", fixture_rows(300, seed=3)), TEXT, LABEL)
    test = read_table(write_csv(tmp_path / "b.csv", fixture_rows(100, seed=4)), TEXT, LABEL)
    result = holdout(train, test, latency_sample=10)
    assert result["n"] == 100 and result["accuracy"] > 0.85


def test_the_command_prints_the_figures_and_writes_json(tmp_path, capsys):
    path = write_csv(tmp_path / "d.csv", fixture_rows(300, blank_every=50), encoding="gbk")
    out = tmp_path / "r.json"
    call_command(
        "insight",
        "evaluate",
        "--file",
        str(path),
        "--text-cols",
        "留言主题,留言详情",
        "--label-col",
        "一级分类",
        "--folds",
        "3",
        "--seed",
        "5",
        "--json",
        str(out),
        "--quiet",
    )
    printed = capsys.readouterr().out
    assert (
        "macro-F1" in printed
        and "skipped 6 with a blank label" in printed
        and "城乡建设" in printed
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "accuracy",
        "macro_f1",
        "top3_accuracy",
        "per_class",
        "confusion",
        "train_s",
        "predict_p95_ms",
    } <= set(result)
    assert result["skipped_blank_label"] == 6


def test_the_command_turns_a_bad_file_into_a_command_error(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8\x00\xdc" * 10)
    with pytest.raises(CommandError, match="not UTF-8 and not GBK"):
        call_command("insight", "evaluate", "--file", str(path), "--quiet")
    with pytest.raises(CommandError, match="give a .csv or .xlsx"):
        call_command("insight", "evaluate", "--file", __file__, "--quiet")
