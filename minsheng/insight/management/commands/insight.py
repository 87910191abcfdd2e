"""`minsheng insight train|evaluate|check-replies|topics`: train the routing recommender, measure
it on a file, check a file of replies against the reply norms, or list a period's hot topics
(`topics`: minsheng/insight/management/topics_command.py).

`train [--jurisdiction CODE]` learns from every assigned suggestion of each congress (and each
handling unit's duty description) and saves one model per congress under INSIGHT_MODEL_DIR
(var/insight by default) with its version and training date. `evaluate --file DATA.csv|xlsx
--text-cols 留言主题,留言详情 --label-col 一级分类 [--folds 5 | --test FILE] [--seed N]
[--json FILE] [--baseline]` prints accuracy, macro-F1, top-3 accuracy, per-class
precision/recall/F1, the confusion matrix, training time and latency (docs/insight.md).
`check-replies --file F.csv|xlsx [--text-col 答复内容] [--category-col 类别] [--suggestion-col
建议内容] [--json OUT]` prints one row per finding of the reply-norm checker and a summary.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.insight.evaluate import DataError, cross_validate, holdout, read_table
from minsheng.insight.management import topics_command
from minsheng.insight.norms import ERROR, Limits, check_file
from minsheng.lib.terminal import table as text_table


def _pad(text: str, width: int) -> str:
    """Left-aligned in `width` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


class Bar:
    """A one-line progress bar on stderr (redrawn in place on a terminal, a line per stage
    otherwise)."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.stage = ""
        self.started = time.perf_counter()

    def __call__(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(self.width * share)
        line = (
            f"{stage:<12} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{share:4.0%} {done}/{total} {time.perf_counter() - self.started:5.1f}s"
        )
        if self.tty:
            self.stream.write("\r" + line)
            if done >= total:
                self.stream.write("\n")
        elif stage != self.stage or done >= total:
            self.stream.write(line + "\n")
        self.stage = stage
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Text intelligence: train the routing recommender, evaluate it on a file, or check a "
        "file of replies against the reply norms."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="Train one model per congress and save it.")
        train.add_argument("--jurisdiction", help="Only this congress (its code).")
        train.add_argument("--quiet", action="store_true", help="No progress bar.")
        evaluate = sub.add_parser("evaluate", help="Cross-validate on a CSV or xlsx file.")
        evaluate.add_argument("--file", required=True, type=Path)
        evaluate.add_argument(
            "--text-cols", default="留言主题,留言详情", help="Comma-separated: title first."
        )
        evaluate.add_argument("--label-col", default="一级分类")
        how = evaluate.add_mutually_exclusive_group()
        how.add_argument("--folds", type=int, default=5)
        how.add_argument("--test", type=Path, help="Train on --file, test on this file.")
        evaluate.add_argument("--seed", type=int, default=0)
        evaluate.add_argument("--json", type=Path, help="Also write the figures here.")
        evaluate.add_argument(
            "--baseline",
            action="store_true",
            help="Also run the plain character n-gram linear SVM on the same folds.",
        )
        evaluate.add_argument("--quiet", action="store_true", help="No progress bar.")
        replies = sub.add_parser(
            "check-replies", help="Check a CSV or xlsx file of replies against the reply norms."
        )
        replies.add_argument("--file", required=True, type=Path)
        replies.add_argument("--text-col", default="答复内容", help="The reply's text.")
        replies.add_argument("--category-col", default="类别", help="A/B/C/D (optional column).")
        replies.add_argument(
            "--suggestion-col", default="建议内容", help="The suggestion's body (optional column)."
        )
        replies.add_argument(
            "--title-col", default="建议标题", help="The suggestion's title (optional column)."
        )
        replies.add_argument("--min-chars", type=int, default=Limits.min_chars)
        replies.add_argument("--max-chars", type=int, default=Limits.max_chars)
        replies.add_argument("--lang", choices=("zh", "en"), default="zh")
        replies.add_argument("--json", type=Path, help="Also write the findings here.")
        topics_command.add_parser(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['subcommand'].replace('-', '_')}")(options)

    # --- train ------------------------------------------------------------------------------

    def do_train(self, options: dict[str, Any]) -> None:
        from minsheng.insight import adapter
        from minsheng.insight.recommend import ModelError
        from minsheng.people.models import Jurisdiction

        jurisdictions = Jurisdiction.objects.order_by("pk")
        if options.get("jurisdiction"):
            jurisdictions = jurisdictions.filter(code=options["jurisdiction"])
            if not jurisdictions.exists():
                raise CommandError(
                    _("No congress with the code %(code)s.") % {"code": options["jurisdiction"]}
                )
        for jurisdiction in jurisdictions:
            bar = None if options.get("quiet") else Bar(self.stderr._out)
            started = time.perf_counter()
            try:
                model = adapter.train_jurisdiction(jurisdiction, progress=bar)
            except ModelError as error:
                self.stdout.write(
                    _("%(congress)s: not trained (%(reason)s).")
                    % {"congress": jurisdiction, "reason": error}
                )
                continue
            self.stdout.write(
                _(
                    "%(congress)s: model %(version)s trained on %(history)s assigned "
                    "suggestions and %(duties)s duty descriptions in %(seconds).1f s%(cold)s; "
                    "saved to %(path)s."
                )
                % {
                    "congress": jurisdiction,
                    "version": model.version,
                    "history": model.history,
                    "duties": model.duty_units,
                    "seconds": time.perf_counter() - started,
                    "cold": _(" (cold start: too little history)") if model.cold_start else "",
                    "path": adapter.model_path(jurisdiction.pk),
                }
            )

    # --- evaluate ---------------------------------------------------------------------------

    def do_evaluate(self, options: dict[str, Any]) -> None:
        text_cols = [c.strip() for c in options["text_cols"].split(",") if c.strip()]
        if not text_cols:
            raise CommandError(_("--text-cols names no column."))
        bar = None if options.get("quiet") else Bar(self.stderr._out)
        try:
            table = read_table(options["file"], text_cols, options["label_col"])
            self._describe(options["file"], table)
            if options.get("test"):
                test = read_table(options["test"], text_cols, options["label_col"])
                self._describe(options["test"], test)
                result = holdout(table, test, baseline=options["baseline"], progress=bar)
            else:
                if options["folds"] < 2:
                    raise CommandError(_("--folds must be at least 2."))
                result = cross_validate(
                    table,
                    folds=options["folds"],
                    seed=options["seed"],
                    baseline=options["baseline"],
                    progress=bar,
                )
        except DataError as error:
            raise CommandError(str(error)) from error
        result["skipped_blank_label"] = table.skipped_blank_label
        result["skipped_empty_text"] = table.skipped_empty_text
        self._print(result)
        if options.get("json"):
            options["json"].write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            self.stdout.write(f"JSON: {options['json']}")

    def _describe(self, path: Path, table: Any) -> None:
        self.stdout.write(
            f"{path.name}: {len(table.texts)} rows ({table.encoding}); skipped "
            f"{table.skipped_blank_label} with a blank label, "
            f"{table.skipped_empty_text} with no text"
        )

    def _print(self, result: dict[str, Any]) -> None:
        w = self.stdout.write
        rows = [result] + ([result["baseline"]] if "baseline" in result else [])
        w("")
        w(
            f"{'model':<14}{'accuracy':>10}{'macro-F1':>10}{'top-3':>8}{'train s':>9}"
            f"{'p50 ms':>8}{'p95 ms':>8}"
        )
        for r in rows:
            w(
                f"{r['model']:<14}{r['accuracy']:>10.4f}{r['macro_f1']:>10.4f}"
                f"{r.get('top3_accuracy', 0):>8.4f}{r['train_s']:>9.2f}"
                f"{r['predict_p50_ms']:>8.2f}{r['predict_p95_ms']:>8.2f}"
            )
        if "calibration_error" in result:
            w(f"expected calibration error of the top score: {result['calibration_error']:.4f}")
        w("")
        w(f"{'class':<16}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
        for label, m in result["per_class"].items():
            w(
                f"{_pad(label, 16)}{m['precision']:>10.4f}{m['recall']:>8.4f}{m['f1']:>8.4f}"
                f"{m['support']:>9}"
            )
        w("")
        w("confusion (rows: true class, columns: predicted, in the order above)")
        for label, row in zip(result["labels"], result["confusion"], strict=True):
            w(_pad(label, 16) + "".join(f"{n:>7}" for n in row))

    def do_topics(self, options: dict[str, Any]) -> None:
        topics_command.run(self, options)

    # --- check-replies ----------------------------------------------------------------------

    def do_check_replies(self, options: dict[str, Any]) -> None:
        if options["min_chars"] < 0 or options["max_chars"] <= options["min_chars"]:
            raise CommandError("--max-chars must be greater than --min-chars (and both >= 0).")
        limits = Limits(min_chars=options["min_chars"], max_chars=options["max_chars"])
        try:
            result = check_file(
                options["file"],
                text_col=options["text_col"],
                category_col=options["category_col"],
                suggestion_col=options["suggestion_col"],
                title_col=options["title_col"],
                limits=limits,
            )
        except DataError as error:
            raise CommandError(str(error)) from error
        lang = options["lang"]
        heads = {
            "zh": ("行", "级别", "代码", "说明"),
            "en": ("row", "severity", "code", "explanation"),
        }[lang]
        severity = {"zh": {ERROR: "须改正", "warning": "提示"}, "en": {}}[lang]
        rows = [list(heads)]
        for number, finding in result.findings:
            explanation = finding.message(lang)
            if finding.items:
                explanation += " " + " | ".join(finding.items)
            rows.append(
                [
                    str(number),
                    severity.get(finding.severity, finding.severity),
                    finding.code,
                    explanation,
                ]
            )
        w = self.stdout.write
        missing = ", ".join(result.missing_columns)
        summary = result.summary()
        said = {
            "zh": (
                f"{options['file'].name}：{result.rows}份答复（{result.encoding}）",
                f"文件无“{missing}”列，依赖该列的规则未检查",
                f"共{summary['rows']}份答复，{summary['rows_with_findings']}份有问题："
                f"须改正{summary['errors']}项，提示{summary['warnings']}项",
            ),
            "en": (
                f"{options['file'].name}: {result.rows} replies ({result.encoding})",
                f"no column {missing}: the rules that need it are left out",
                f"{summary['rows']} replies, {summary['rows_with_findings']} with findings: "
                f"{summary['errors']} errors, {summary['warnings']} warnings",
            ),
        }[lang]
        w(said[0])
        if result.missing_columns:
            w(said[1])
        if result.findings:
            for line in text_table(rows):
                w(line)
        w(said[2])
        if options.get("json"):
            payload = {
                "file": str(options["file"]),
                "encoding": result.encoding,
                "summary": summary,
                "findings": [{"row": n, **f.as_dict()} for n, f in result.findings],
            }
            options["json"].write_text(
                json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            w(f"JSON: {options['json']}")
