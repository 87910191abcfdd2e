"""`minsheng insight duplicates --session ID | --file F.csv|xlsx [--text-cols 标题,内容]`:
near-duplicate clusters of a session's suggestions, or of a file's rows; `minsheng insight
index [--jurisdiction CODE]`: build and save each congress's similar-suggestion index
(docs/insight.md "Similar suggestions").

Kept out of the command's module so that the insight command's dispatch stays a line per
subcommand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from minsheng.insight.neighbours import DUPLICATE_FROM

SHOW_CHARS = 40


def add_parser(sub: Any) -> None:
    index = sub.add_parser("index", help="Build and save each congress's similar-suggestion index.")
    index.add_argument("--jurisdiction", help="Only this congress (its code).")
    p = sub.add_parser(
        "duplicates", help="Near-duplicate clusters of a session's suggestions or of a file."
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--session", help="A session's id (or its name).")
    where.add_argument("--file", type=Path, help="A CSV or xlsx file.")
    p.add_argument(
        "--text-cols",
        default="留言主题,留言详情",
        help="With --file, comma-separated: title first.",
    )
    p.add_argument("--threshold", type=float, default=DUPLICATE_FROM, help="Cosine, 0–1.")
    p.add_argument("--max-size", type=int, default=12, help="Split larger clusters.")
    p.add_argument(
        "--all-states",
        action="store_true",
        help="With --session, every suggestion but drafts (default: submitted and registered).",
    )
    p.add_argument("--json", type=Path, help="Also write the clusters here.")


def run_index(command: Any, options: dict[str, Any]) -> None:
    """Build and save the similar-suggestion index of each congress (servers start from it)."""
    import time

    from minsheng.insight import similar_adapter
    from minsheng.people.models import Jurisdiction

    jurisdictions = Jurisdiction.objects.order_by("pk")
    if options.get("jurisdiction"):
        jurisdictions = jurisdictions.filter(code=options["jurisdiction"])
        if not jurisdictions.exists():
            raise CommandError(
                _("No congress with the code %(code)s.") % {"code": options["jurisdiction"]}
            )
    for jurisdiction in jurisdictions:
        started = time.perf_counter()
        texts, path = similar_adapter.save_index(jurisdiction.pk)
        command.stdout.write(
            _(
                "%(congress)s: similar-suggestion index of %(n)s suggestions in %(s).1f s; "
                "saved to %(path)s."
            )
            % {
                "congress": jurisdiction,
                "n": texts,
                "s": time.perf_counter() - started,
                "path": path,
            }
        )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 1] + "…"


def run(command: Any, options: dict[str, Any]) -> None:
    from minsheng.insight.duplicates import clusters, clusters_in_file
    from minsheng.insight.evaluate import DataError

    threshold = options["threshold"]
    if not 0 < threshold <= 1:
        raise CommandError(_("--threshold must be above 0 and at most 1."))
    if options["max_size"] < 2:
        raise CommandError(_("--max-size must be at least 2."))
    w = command.stdout.write
    labels: dict[Any, str] = {}
    if options.get("file"):
        cols = [c.strip() for c in options["text_cols"].split(",") if c.strip()]
        if not cols:
            raise CommandError(_("--text-cols names no column."))
        try:
            found, texts, numbers, encoding = clusters_in_file(
                options["file"], cols, threshold=threshold, max_size=options["max_size"]
            )
        except DataError as error:
            raise CommandError(str(error)) from error
        for number, cells in zip(numbers, texts, strict=True):
            labels[number] = (
                _("row %(n)s") % {"n": number} + "  " + _short(cells[0] or " ".join(cells))
            )
        w(
            _("%(file)s: %(rows)s rows (%(encoding)s)")
            % {"file": options["file"].name, "rows": len(texts), "encoding": encoding}
        )
        what = str(options["file"])
    else:
        from minsheng.people.models import Session
        from minsheng.suggestions.models import Suggestion
        from minsheng.suggestions.numbers import format_number

        key = options["session"]
        session = (
            Session.objects.filter(pk=int(key)).first()
            if str(key).isdigit()
            else Session.objects.filter(name=key).first()
        )
        if session is None:
            raise CommandError(_("No session %(key)s (give its id or its name).") % {"key": key})
        qs = Suggestion.objects.filter(session=session).exclude(state=Suggestion.State.DRAFT)
        if not options.get("all_states"):
            qs = qs.filter(state__in=(Suggestion.State.SUBMITTED, Suggestion.State.REGISTERED))
        rows = list(qs.order_by("pk").values_list("pk", "title", "body", "series", "number"))
        for pk, title, _body, series, num in rows:
            labels[pk] = f"#{pk} {format_number(series, num) or '—'}  {_short(title)}"
        w(_("%(session)s: %(n)s suggestions") % {"session": session, "n": len(rows)})
        found = clusters(
            [(pk, title, body) for pk, title, body, *_rest in rows],
            threshold=threshold,
            max_size=options["max_size"],
        )
        what = str(session)
    for i, cluster in enumerate(found, start=1):
        w("")
        w(
            _(
                "Cluster %(i)s: %(n)s texts, similarity %(low).2f–%(high).2f; "
                "shared words: %(words)s"
            )
            % {
                "i": i,
                "n": len(cluster.keys),
                "low": cluster.min_score,
                "high": cluster.max_score,
                "words": "、".join(cluster.shared) or "—",
            }
        )
        for key in cluster.keys:
            w("  " + labels.get(key, str(key)))
    w("")
    in_clusters = sum(len(c.keys) for c in found)
    w(
        _("%(clusters)s clusters, %(texts)s texts in them (threshold %(t).2f).")
        % {"clusters": len(found), "texts": in_clusters, "t": threshold}
    )
    if options.get("json"):
        payload = {
            "source": what,
            "threshold": threshold,
            "clusters": [
                {**c.as_dict(), "labels": [labels.get(k, "") for k in c.keys]} for c in found
            ],
        }
        options["json"].write_text(
            json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        w(f"JSON: {options['json']}")
