"""The evaluation harness: read a real-world file, cross-validate, report the figures.

`read_table` reads CSV (UTF-8, with or without BOM, or GBK/GB18030, detected) and xlsx (header
found in the first rows, padded empty rows skipped); cells are cleaned by the model's own
`clean`. Rows whose label is blank are skipped and counted; a file that cannot be read says why
(`DataError`). `cross_validate` / `holdout` train Minsheng's model (and, when asked, the plain
character n-gram SVM baseline on the same folds) and `metrics` computes accuracy, macro-F1,
top-3 accuracy, per-class precision/recall/F1 and the confusion matrix from the predictions.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minsheng.insight.textmodel import Doc, TextModel, prepare
from minsheng.insight.words import clean

__all__ = [
    "DataError",
    "Table",
    "cross_validate",
    "find_header",
    "holdout",
    "metrics",
    "read_rows",
    "read_table",
]

ENCODINGS = ("utf-8-sig", "gb18030")
HEADER_SEARCH_ROWS = 20


class DataError(Exception):
    """A file that cannot be evaluated, with a message for the person who gave it."""


@dataclass
class Table:
    texts: list[tuple[str, ...]]
    labels: list[str]
    skipped_blank_label: int = 0
    skipped_empty_text: int = 0
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DataError(
        f"{path.name}: not UTF-8 and not GBK text, so it cannot be read as CSV. "
        "Save it again as 'CSV UTF-8' (or give the .xlsx file)."
    )


def _rows_csv(path: Path) -> tuple[list[list[str]], str]:
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        raise DataError(f"{path.name}: this is an Excel (xlsx) file; name it .xlsx.")
    text, encoding = _decode(raw, path)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect)), encoding


def _rows_xlsx(path: Path) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError(f"{path.name}: not a readable xlsx file ({error}).") from error
    try:
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()


def read_rows(path: Path | str) -> tuple[list[list[str]], str]:
    """Every row of a CSV or xlsx file as strings, and how it was read (encoding or "xlsx")."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_xlsx(path), "xlsx"
    if suffix in (".csv", ".tsv", ".txt"):
        return _rows_csv(path)
    raise DataError(f"{path.name}: give a .csv or .xlsx file.")


def find_header(
    rows: Sequence[Sequence[str]], wanted: Sequence[str], path: Path | str, encoding: str
) -> int:
    """The index of the first row (of the first HEADER_SEARCH_ROWS) naming every wanted column."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [clean(c) for c in row]
        if all(w in names for w in wanted):
            return i
    first = next((r for r in rows if any(c.strip() for c in r)), [])
    raise DataError(
        f"{Path(path).name}: columns {', '.join(wanted)} not found in the first "
        f"{HEADER_SEARCH_ROWS} rows (read as {encoding}); the file has: "
        f"{', '.join(clean(c) for c in first if clean(c)) or 'no columns'}."
    )


def read_table(path: Path | str, text_cols: Sequence[str], label_col: str | None) -> Table:
    """The texts (one tuple of the text columns per row) and labels of a CSV or xlsx file."""
    rows, encoding = read_rows(path)
    wanted = [*text_cols, *([label_col] if label_col else [])]
    header_at = find_header(rows, wanted, path, encoding)
    names = [clean(c) for c in rows[header_at]]
    text_at = [names.index(c) for c in text_cols]
    label_at = names.index(label_col) if label_col else None
    table = Table([], [], encoding=encoding)
    for row in rows[header_at + 1 :]:
        if not any(str(c).strip() for c in row):
            continue  # padding
        cells = [clean(row[i]) if i < len(row) else "" for i in text_at]
        label = clean(row[label_at]) if label_at is not None and label_at < len(row) else ""
        if label_at is not None and not label:
            table.skipped_blank_label += 1
            continue
        if not any(cells):
            table.skipped_empty_text += 1
            continue
        table.texts.append(tuple(cells))
        table.labels.append(label)
    return table


# --- metrics ----------------------------------------------------------------------------------


def confusion(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable]
) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index[p]] += 1
    return matrix


def metrics(
    truth: Sequence[Hashable],
    predicted: Sequence[Hashable],
    labels: Sequence[Hashable],
    top3: Sequence[Sequence[Hashable]] | None = None,
) -> dict[str, Any]:
    """Accuracy, macro-F1 (the unweighted mean of the classes' F1), per-class P/R/F1 and the
    confusion matrix (rows: truth, columns: prediction), from the predictions alone."""
    matrix = confusion(truth, predicted, labels)
    total = sum(map(sum, matrix))
    per_class: dict[str, dict[str, float]] = {}
    f1s = []
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        predicted_i = sum(row[i] for row in matrix)
        actual_i = sum(matrix[i])
        p = tp / predicted_i if predicted_i else 0.0
        r = tp / actual_i if actual_i else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        per_class[str(label)] = {"precision": p, "recall": r, "f1": f1, "support": actual_i}
    result: dict[str, Any] = {
        "n": total,
        "accuracy": sum(matrix[i][i] for i in range(len(labels))) / total if total else 0.0,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_class": per_class,
        "labels": [str(label) for label in labels],
        "confusion": matrix,
    }
    if top3 is not None:
        hits = sum(t in best for t, best in zip(truth, top3, strict=True))
        result["top3_accuracy"] = hits / total if total else 0.0
    return result


def calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """Expected calibration error: how far the top score is from the share it gets right."""
    conf, hit = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if not len(conf):
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            error += mask.mean() * abs(conf[mask].mean() - hit[mask].mean())
    return float(error)


# --- running ----------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


@dataclass
class _Prepared:
    docs: list[Doc]
    seconds: list[float]


def _prepare_all(texts: Sequence[tuple[str, ...]], progress: Progress | None) -> _Prepared:
    docs, seconds = [], []
    for i, cells in enumerate(texts):
        started = time.perf_counter()
        title = cells[0] if cells else ""
        docs.append(prepare(title, " ".join(cells[1:])))
        seconds.append(time.perf_counter() - started)
        if progress and (i % 500 == 0 or i == len(texts) - 1):
            progress("segmenting", i + 1, len(texts))
    return _Prepared(docs, seconds)


def _run_fold(
    kind: str,
    train: _Prepared,
    train_labels: Sequence[str],
    test: _Prepared,
    test_texts: Sequence[tuple[str, ...]],
    latency_sample: int,
) -> dict[str, Any]:
    model = TextModel(kind=kind).fit(train.docs, train_labels)
    scores = model.proba(test.docs)
    order = np.argsort(-scores, axis=1, kind="stable")
    predicted = [model.labels[row[0]] for row in order]
    top3 = [[model.labels[j] for j in row[:3]] for row in order]
    confidence = [float(scores[i, row[0]]) for i, row in enumerate(order)]
    latencies = []
    for cells in test_texts[:latency_sample]:
        started = time.perf_counter()
        model.top(prepare(cells[0], " ".join(cells[1:])), 3)
        latencies.append(time.perf_counter() - started)
    return {
        "predicted": predicted,
        "top3": top3,
        "confidence": confidence,
        "train_s": model.train_s + sum(train.seconds),
        "latency": latencies,
    }


def _summarise(
    truth: list[str], runs: list[dict[str, Any]], labels: list[str], kind: str
) -> dict[str, Any]:
    predicted = [p for r in runs for p in r["predicted"]]
    top3 = [t for r in runs for t in r["top3"]]
    result = metrics(truth, predicted, labels, top3)
    latency = np.array([x for r in runs for x in r["latency"]]) * 1000
    result.update(
        {
            "model": kind,
            "folds": len(runs),
            "train_s": float(np.mean([r["train_s"] for r in runs])),
            "predict_p50_ms": float(np.percentile(latency, 50)) if latency.size else 0.0,
            "predict_p95_ms": float(np.percentile(latency, 95)) if latency.size else 0.0,
        }
    )
    if kind != "chars-svm":
        confidence = [c for r in runs for c in r["confidence"]]
        result["calibration_error"] = calibration_error(
            confidence, [t == p for t, p in zip(truth, predicted, strict=True)]
        )
    return result


def cross_validate(
    table: Table,
    *,
    folds: int = 5,
    seed: int = 0,
    baseline: bool = False,
    latency_sample: int = 200,
    progress: Progress | None = None,
) -> dict[str, Any]:
    from sklearn.model_selection import StratifiedKFold

    labels = sorted(set(table.labels))
    if len(labels) < 2:
        raise DataError("The label column has fewer than two classes: nothing to evaluate.")
    smallest = min(table.labels.count(label) for label in labels)
    if smallest < folds:
        raise DataError(
            f"The smallest class has {smallest} rows, fewer than the {folds} folds; "
            "use fewer folds (--folds) or a separate test file (--test)."
        )
    prepared = _prepare_all(table.texts, progress)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    kinds = ["words+chars"] + (["chars-svm"] if baseline else [])
    truth_order: list[int] = []
    runs: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for fold, (train_at, test_at) in enumerate(splitter.split(table.texts, table.labels)):
        if progress:
            progress("folds", fold, folds)
        train = _Prepared(
            [prepared.docs[i] for i in train_at], [prepared.seconds[i] for i in train_at]
        )
        test = _Prepared(
            [prepared.docs[i] for i in test_at], [prepared.seconds[i] for i in test_at]
        )
        for kind in kinds:
            runs[kind].append(
                _run_fold(
                    kind,
                    train,
                    [table.labels[i] for i in train_at],
                    test,
                    [table.texts[i] for i in test_at],
                    max(1, latency_sample // folds),
                )
            )
        truth_order.extend(int(i) for i in test_at)
    if progress:
        progress("folds", folds, folds)
    truth = [table.labels[i] for i in truth_order]
    result = _summarise(truth, runs[kinds[0]], labels, kinds[0])
    if baseline:
        result["baseline"] = _summarise(truth, runs["chars-svm"], labels, "chars-svm")
    return result


def holdout(
    train_table: Table,
    test_table: Table,
    *,
    baseline: bool = False,
    latency_sample: int = 200,
    progress: Progress | None = None,
) -> dict[str, Any]:
    known = set(train_table.labels)
    unknown = sorted(set(test_table.labels) - known)
    labels = sorted(known | set(test_table.labels))
    train = _prepare_all(train_table.texts, progress)
    test = _prepare_all(test_table.texts, progress)
    kinds = ["words+chars"] + (["chars-svm"] if baseline else [])
    results = {}
    for kind in kinds:
        run = _run_fold(kind, train, train_table.labels, test, test_table.texts, latency_sample)
        results[kind] = _summarise(test_table.labels, [run], labels, kind)
    result = results[kinds[0]]
    if unknown:
        result["unknown_test_labels"] = unknown
    if baseline:
        result["baseline"] = results["chars-svm"]
    return result
