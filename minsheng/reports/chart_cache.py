"""The dashboard's SVG charts, drawn once and kept as files: shared by every server process and
kept across restarts, so only the first view of a set of numbers anywhere pays for the drawing
(matplotlib's text layout: 0.1–0.5 s a chart, seconds for a page of ten).

A `Chart` is what a chart is drawn from: its kind, labels, values or series and options
(colours, the words written after a value, the "no data" text), all plain data. Its file's
name is the SHA-256 of those inputs, the alternative text, the language and `CODE_STAMP`
(this module's and `charts.py`'s source, matplotlib's version, the font): the same inputs are
the same drawing, different ones another file, so a file is never stale and never needs
invalidating: a new release or new numbers simply name new files.

Where: ``REPORTS_CHART_DIR`` (default ``var/charts/``; `settings.VAR_DIR` follows
``MINSHENG_VAR_DIR``), one ``<hash>.svg`` per drawing. Written atomically (a temporary file in
the same folder, then `os.replace`), so a reader never sees half a file and two processes
drawing the same chart at once both write whole ones. Bounded: after a write, when the folder
holds more than ``REPORTS_CHART_FILES`` drawings (default 2,000, about 30 MB), the least
recently used are removed down to three quarters of that (a file read from disk has its time
refreshed at most once an hour). Each process also keeps the last `MEMORY` drawings it used in
memory. A folder that cannot be written (read-only var/) costs only the caching: the chart is
drawn and shown.

Clear it with ``minsheng report dashboard --clear`` (or delete the folder); pre-draw a period's
charts in every language with ``minsheng report dashboard --year 2026`` (`predraw`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.utils import translation

__all__ = ["CODE_STAMP", "Chart", "clear", "folder", "svg"]

log = logging.getLogger(__name__)
MAX_FILES = 2000
MEMORY = 256
TOUCH_SECONDS = 3600
SUFFIX = ".svg"


def _code_stamp() -> str:
    import importlib.metadata

    from minsheng.reports import charts

    parts = [Path(charts.__file__).read_bytes(), Path(__file__).read_bytes()]
    try:
        parts.append(importlib.metadata.version("matplotlib").encode())
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        parts.append(b"?")
    parts.append(charts.FONT_FILE.encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


CODE_STAMP = _code_stamp()


@dataclass(frozen=True)
class Chart:
    """A chart's inputs: `kind` "bar" (`labels`, `values`) or "line" (`labels`, `series`),
    `key` the panel's (ids inside the SVG), `options` the drawing function's keyword
    arguments as sorted pairs."""

    kind: Literal["bar", "line"]
    key: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...] = ()
    series: tuple[tuple[str, tuple[float, ...]], ...] = ()
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def bar(
        cls, key: str, title: str, labels: Sequence[str], values: Sequence[float], **options: Any
    ) -> Chart:
        if options.get("colours") is not None:
            options["colours"] = tuple(options["colours"])
        return cls(
            "bar", key, title, tuple(labels), tuple(values), options=tuple(sorted(options.items()))
        )

    @classmethod
    def line(
        cls,
        key: str,
        title: str,
        labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[float]]],
        **options: Any,
    ) -> Chart:
        return cls(
            "line",
            key,
            title,
            tuple(labels),
            series=tuple((name, tuple(v)) for name, v in series),
            options=tuple(sorted(options.items())),
        )

    def digest(self, alt: str, language: str) -> str:
        raw = json.dumps(
            [
                CODE_STAMP,
                language,
                self.kind,
                self.key,
                self.title,
                self.labels,
                self.values,
                self.series,
                self.options,
                alt,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(raw.encode()).hexdigest()

    def draw(self, alt: str) -> str:
        from minsheng.reports import charts

        options = dict(self.options)
        if self.kind == "line":
            return str(
                charts.line_chart(
                    self.title,
                    self.labels,
                    self.series,
                    fmt="svg",
                    key=self.key,
                    alt=alt,
                    **options,
                )
            )
        return str(
            charts.bar_chart(
                self.title, self.labels, self.values, fmt="svg", key=self.key, alt=alt, **options
            )
        )


_memory: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def folder() -> Path:
    return Path(getattr(settings, "REPORTS_CHART_DIR", None) or Path(settings.VAR_DIR) / "charts")


def _remember(name: str, text: str) -> None:
    with _lock:
        _memory[name] = text
        _memory.move_to_end(name)
        while len(_memory) > MEMORY:
            _memory.popitem(last=False)


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError):
        log.warning("chart file %s unreadable; drawing again", path, exc_info=True)
        return None
    if not text.startswith("<svg ") or not text.endswith("</svg>"):
        return None  # not one of ours, or cut short by a full disk: draw again
    try:
        if time.time() - path.stat().st_mtime > TOUCH_SECONDS:
            os.utime(path)  # recently used: kept when the folder is pruned
    except OSError:
        pass
    return text


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        prune(path.parent)
    except OSError:
        log.warning("chart file %s not written", path, exc_info=True)


def prune(where: Path, limit: int | None = None) -> int:
    """Remove the least recently used drawings beyond `limit` (down to ¾ of it) and
    temporary files left by a process that died while writing; the number removed."""
    limit = limit or int(getattr(settings, "REPORTS_CHART_FILES", MAX_FILES))
    removed = 0
    now = time.time()
    files = []
    with os.scandir(where) as entries:
        for entry in entries:
            try:
                mtime = entry.stat().st_mtime
            except OSError:
                continue
            if entry.name.endswith(SUFFIX):
                files.append((mtime, entry.path))
            elif entry.name.endswith(".tmp") and now - mtime > TOUCH_SECONDS:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    if len(files) > limit:
        files.sort()
        for _mtime, name in files[: len(files) - limit * 3 // 4]:
            Path(name).unlink(missing_ok=True)
            removed += 1
    return removed


def svg(chart: Chart, alt: str) -> tuple[str, bool]:
    """The chart's SVG markup, and whether it was drawn now (False: memory or file)."""
    name = chart.digest(alt, translation.get_language() or settings.LANGUAGE_CODE)
    found = _memory.get(name)
    if found is not None:
        return found, False
    path = folder() / f"{name}{SUFFIX}"
    text = _read(path)
    drawn = text is None
    if text is None:
        text = chart.draw(alt)
        _write(path, text)
    _remember(name, text)
    return text, drawn


def clear() -> int:
    """Delete every drawing (and this process's memory of them); the number of files."""
    with _lock:
        _memory.clear()
    where = folder()
    removed = 0
    if where.is_dir():
        for path in where.iterdir():
            if path.name.endswith((SUFFIX, ".tmp")):
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def forget() -> None:
    """Empty this process's memory of drawings (the files stay): for tests."""
    with _lock:
        _memory.clear()
