"""`minsheng insight topics`: the hot topics of a period, from the database or from a file.

    minsheng insight topics --from 2026-01-01 --to 2026-06-30 [--jurisdiction CODE]
        [--k N] [--seed N] [--json FILE]
    minsheng insight topics --file DATA.csv|xlsx --text-cols 留言主题,留言详情
        [--date-col 留言时间 [--from … --to …]] [--k N] [--seed N] [--json FILE]

Prints one row per topic: number, size, the previous period's size, growth, key terms and the
representative items (suggestion numbers, or the file's row numbers as a spreadsheet shows
them). Kept out of insight.py so the dispatcher only names it (docs/insight.md "Hot topics").
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.insight.evaluate import DataError
from minsheng.insight.topics import TopicResult, previous_period, read_items, split_period, topics
from minsheng.lib.terminal import table as text_table


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r}: give a date as YYYY-MM-DD.") from error


def add_parser(sub: Any) -> None:
    parser: CommandParser = sub.add_parser(
        "topics", help="Cluster a period's suggestions (or a file's texts) into hot topics."
    )
    parser.add_argument("--from", dest="start", help="First day (YYYY-MM-DD).")
    parser.add_argument("--to", dest="end", help="Last day (YYYY-MM-DD).")
    parser.add_argument("--jurisdiction", help="The congress (its code); default: the first.")
    parser.add_argument("--file", type=Path, help="A CSV or xlsx file instead of the database.")
    parser.add_argument(
        "--text-cols", default="留言主题,留言详情", help="Comma-separated: title first."
    )
    parser.add_argument("--date-col", help="The file's date column (e.g. 留言时间).")
    parser.add_argument("--k", type=int, help="Number of topics (default: by silhouette).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="Also write the topics here.")
    parser.add_argument("--quiet", action="store_true", help="No progress lines.")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    start = _day(options["start"]) if options.get("start") else None
    end = _day(options["end"]) if options.get("end") else None
    if bool(start) != bool(end):
        raise CommandError("Give both --from and --to, or neither (with --file).")
    if start and end and start > end:
        raise CommandError("--to comes before --from.")
    if options.get("k") is not None and options["k"] < 1:
        raise CommandError("--k must be at least 1.")
    progress = None
    if not options.get("quiet"):
        stages: set[str] = set()

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in stages:
                stages.add(stage)
                command.stderr.write(f"{stage}…")

    w = command.stdout.write
    started = time.perf_counter()
    source: dict[str, Any]
    if options.get("file"):
        text_cols = [c.strip() for c in options["text_cols"].split(",") if c.strip()]
        if not text_cols:
            raise CommandError(_("--text-cols names no column."))
        try:
            read = read_items(options["file"], text_cols, options.get("date_col"))
        except DataError as error:
            raise CommandError(str(error)) from error
        line = (
            f"{options['file'].name}: {len(read.items)} rows ({read.encoding}); "
            f"skipped {read.skipped_empty_text} with no text"
        )
        if options.get("date_col"):
            line += f", {read.undated} without a readable date"
        w(line)
        if start and end:
            if not options.get("date_col"):
                raise CommandError("--from/--to on a file need --date-col.")
            current, before = split_period(read.items, start, end)
            result = _topics(current, before, options, progress)
        else:
            result = _topics(read.items, None, options, progress)
        source = {"file": str(options["file"]), "encoding": read.encoding}
    else:
        if not (start and end):
            raise CommandError("Give --from and --to (or --file).")
        from minsheng.insight import topics_adapter
        from minsheng.people.models import Jurisdiction

        found = Jurisdiction.objects.order_by("pk")
        if options.get("jurisdiction"):
            jurisdiction = found.filter(code=options["jurisdiction"]).first()
        else:  # the first top-level congress (a province), else any
            jurisdiction = found.filter(parent__isnull=True).first() or found.first()
        if jurisdiction is None:
            raise CommandError(
                _("No congress with the code %(code)s.") % {"code": options.get("jurisdiction")}
            )
        result, _cached = topics_adapter.period_topics(
            jurisdiction.pk,
            start,
            end,
            k=options.get("k"),
            seed=options["seed"],
            use_cache=False,
            progress=progress,
        )
        p_start, p_end = previous_period(start, end)
        w(
            f"{jurisdiction.name}: {result.items} suggestions {start}–{end}, "
            f"{result.previous_items} in {p_start}–{p_end} (stored for the page)"
        )
        source = {"jurisdiction": jurisdiction.code}
    _print(command, result, with_numbers=not options.get("file"))
    w(
        f"{len(result.topics)} topics (k={result.k}"
        + (f", silhouette {result.silhouette:.3f}" if result.silhouette is not None else "")
        + f", seed {result.seed}) in {time.perf_counter() - started:.1f} s"
    )
    if options.get("json"):
        payload = {
            **source,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
            **result.as_dict(),
        }
        options["json"].write_text(
            json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        w(f"JSON: {options['json']}")


def _topics(current: Any, before: Any, options: dict[str, Any], progress: Any) -> TopicResult:
    return topics(current, before, k=options.get("k"), seed=options["seed"], progress=progress)


def _growth(topic: Any) -> str:
    if topic.previous is None:
        return "—"
    if topic.new:
        return "new"
    if topic.growth is None:
        return "—"
    return f"{topic.growth * 100:+.0f}%"


def _print(command: BaseCommand, result: TopicResult, *, with_numbers: bool) -> None:
    if not result.topics:
        command.stdout.write("No text in the period.")
        return
    rows = [["#", "size", "before", "growth", "key terms", "representatives"]]
    for t in result.topics:
        reps = " | ".join(
            (f"#{m.key} " if with_numbers else f"row {m.key}: ") + m.title[:24]
            for m in t.representatives[:3]
        )
        rows.append(
            [
                str(t.number) if not t.other else "other",
                str(t.size),
                "—" if t.previous is None else str(t.previous),
                _growth(t),
                "、".join(t.terms) if not t.other else "(其他)",
                reps,
            ]
        )
    for line in text_table(rows):
        command.stdout.write(line)
