"""Charts with Chinese labels, drawn offline: PNG images for the Word documents and SVG markup
for the dashboards, from the same drawing functions and the same figures.

matplotlib (the Agg renderer, through its object-oriented `Figure`: no pyplot state, safe in
a web worker's threads) with Noto Sans CJK SC, the OFL font the `mplfonts` package ships: a
machine with only Python and pip has both, no system font and no network are needed. The font
file is used directly (registered once with matplotlib's font manager); `mplfonts` itself is
never imported, so it changes no matplotlib settings.

Why matplotlib: the best-kept Python charting library (a NumFOCUS project with regular
releases), it writes PNGs and SVGs without a browser or a JavaScript runtime (plotly's static
export needs kaleido and Chrome; pygal needs cairo and its own fonts; a JavaScript chart
library would be an npm package at run time), and its text engine shapes CJK with any OpenType
font it is given.

The browser's SVG (`svg`): drawn by the same function as the PNG, then made fit for the
page's Content-Security-Policy (``style-src 'self'``, no inline style): matplotlib writes each
element's look as a ``style="…"`` attribute and a ``<style>`` block, which the policy refuses
in a page; `_presentational` turns each declaration into the SVG presentation attribute of the
same name (``fill``, ``stroke``, ``font-size``, …), which no policy governs. Text stays text
(``svg.fonttype: none``): screen readers and search find it, the browser draws it in the
first CJK font of `FONT_STACK` it has (Noto/Source Han, PingFang, YaHei, WenQuanYi), and the
markup stays small. The size is a ``viewBox`` only, so the chart scales to its column;
`role="img"` with a ``<title>`` gives it its alternative text, and the page shows the data
table beside it.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from django.utils.html import escape

__all__ = [
    "FONT_FILE",
    "FONT_STACK",
    "bar_chart",
    "font_name",
    "line_chart",
]

FONT_FILE = "NotoSansCJKsc-Regular.otf"
DPI = 200
COLOURS = ("#b22222", "#d9822b", "#4a7ab5", "#6b8e23", "#8c6bb1", "#7f7f7f")
FONT_STACK = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
Format = Literal["png", "svg"]
WEB_WIDTH_CM = 12.0  # ~340 pt: about 1:1 on a phone, scaled up in a desktop column
WEB_FONT = 12.5
MAX_BARS_SHOWN = 15  # a horizontal chart's rows in the browser (the table has them all)


@functools.cache
def font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The mplfonts package (Noto Sans CJK) is not installed.")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"{path} is missing from the mplfonts package.")
    return path


@functools.cache
def font_name() -> str:
    """Register the CJK font with matplotlib once; its family name for the charts."""
    from matplotlib import font_manager

    path = str(font_path())
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def _figure(width_cm: float, height_cm: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI, layout="constrained")


def _png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _rc(fmt: Format, key: str) -> dict[str, Any]:
    return {
        "font.family": font_name(),
        "font.size": WEB_FONT if fmt == "svg" else 9,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a "$" in a unit's name is text, not TeX
        "svg.fonttype": "none",
        "svg.hashsalt": f"chart-{key}",  # ids of clip paths and markers unique per chart
    }


# --- SVG for the page --------------------------------------------------------------------------

STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-weight",
    "font-style",
    "font-family",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
}


def _attributes(match: re.Match[str]) -> str:
    out = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name not in PRESENTATION or not value:
            continue
        if name == "font-family":
            value = FONT_STACK
        out.append(f' {name}="{value.replace(chr(34), "&quot;")}"')
    return "".join(out)


def _presentational(svg: str, key: str, title: str) -> str:
    """matplotlib's SVG as markup a page under ``style-src 'self'`` may hold (see the module)."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'<g id="[^"]*"', "<g", svg)  # figure_1, axes_1…: repeated in every chart
    svg = STYLE_ATTRIBUTE.sub(_attributes, svg)
    title_id = f"chart-{key}-title"
    svg = re.sub(
        r'<svg ([^>]*?)width="[^"]*" height="[^"]*" ',
        rf'<svg \1role="img" aria-labelledby="{title_id}" class="chart-svg" '
        'stroke-linejoin="round" stroke-linecap="butt" '
        'preserveAspectRatio="xMidYMid meet" ',
        svg,
        count=1,
    )
    svg = re.sub(
        r"(<svg [^>]*>)", rf'\1<title id="{title_id}">{escape(title)}</title>', svg, count=1
    )
    return re.sub(r">\s+<", "><", svg).strip()


def _svg(fig: Any, key: str, title: str) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return _presentational(out.getvalue(), key, title)


def _finish(fig: Any, fmt: Format, key: str, alt: str) -> bytes | str:
    return _svg(fig, key, alt) if fmt == "svg" else _png(fig)


NO_DATA = "无数据"


def _no_data(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center")


def _plain(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --- the charts --------------------------------------------------------------------------------


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    unit: str = "件",
    value_labels: Sequence[str] | None = None,
    no_data: str = NO_DATA,
    horizontal: bool = False,
    percent: bool = False,
    width_cm: float = 15.0,
    colours: Sequence[str] | None = None,
    fmt: Format = "png",
    key: str = "bar",
    alt: str = "",
) -> Any:
    """A bar chart with each bar's value written at its end; labels in Chinese. PNG bytes for
    Word (`fmt="png"`), SVG markup for a page (`fmt="svg"`, `alt` its alternative text).

    Each value is written with `unit` after it ("12件"), or as `value_labels` says when given
    (one text a bar: the page passes its language's words, "1 item", "12 items"); the Word
    documents keep the Chinese defaults, and so `no_data`, the text of an empty chart."""
    import matplotlib

    with matplotlib.rc_context(_rc(fmt, key)):  # type: ignore[arg-type]
        if fmt == "svg":
            width_cm = WEB_WIDTH_CM
            if horizontal and len(labels) > MAX_BARS_SHOWN:
                labels, values = labels[:MAX_BARS_SHOWN], values[:MAX_BARS_SHOWN]
                value_labels = value_labels[:MAX_BARS_SHOWN] if value_labels else value_labels
        rows = max(len(labels), 1)
        row_cm = 0.85 if fmt == "svg" else 0.7
        height = max(6.0, row_cm * rows + 2.5) if horizontal else 8.0
        fig = _figure(width_cm, height)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        palette = colours or COLOURS
        bar_colours = [palette[i % len(palette)] for i in positions]
        if percent:
            texts = [f"{v:.1f}%" for v in values]
        elif value_labels is not None:
            texts = list(value_labels)
        else:
            texts = [f"{int(v):,}{unit}" for v in values]
        if horizontal:
            bars = ax.barh(positions, values, color=bar_colours)
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
        else:
            bars = ax.bar(positions, values, color=bar_colours)
            ax.set_xticks(positions, labels)
        empty = not any(values)
        if not empty:
            ax.bar_label(bars, labels=texts, padding=2)
        if fmt == "png":  # on a page the panel's heading is the title
            ax.set_title(title)
        _plain(ax)
        ax.margins(x=0.18) if horizontal else ax.margins(y=0.15)
        if empty:
            # Only the words "no data" over the categories: no "0 items" at every bar and no
            # value axis around nothing (matplotlib's ±0.05).
            _no_data(ax, no_data)
            ax.set_xticks([]) if horizontal else ax.set_yticks([])
            if not labels:
                ax.set_xticks([])
                ax.set_yticks([])
        return _finish(fig, fmt, key, alt or title)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width_cm: float = 15.0,
    no_data: str = NO_DATA,
    fmt: Format = "png",
    key: str = "line",
    alt: str = "",
) -> Any:
    """Lines over time (e.g. months), one per series, with a legend; labels in Chinese."""
    import matplotlib

    with matplotlib.rc_context(_rc(fmt, key)):  # type: ignore[arg-type]
        if fmt == "svg":
            width_cm = WEB_WIDTH_CM
        fig = _figure(width_cm, 8.0)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        for i, (name, values) in enumerate(series):
            ax.plot(positions, values, marker="o", color=COLOURS[i % len(COLOURS)], label=name)
        step = max(1, (len(labels) + 7) // 8)  # at most about 8 tick labels: a phone's width
        ax.set_xticks(positions[::step], list(labels)[::step])
        ax.set_ylim(bottom=0)
        ax.yaxis.get_major_locator().set_params(integer=True)
        if fmt == "png":
            ax.set_title(title)
        _plain(ax)
        if not any(any(v) for _n, v in series):
            _no_data(ax, no_data)
            ax.set_yticks([])  # no value axis around nothing
            if not labels:
                ax.set_xticks([])
        elif series:
            ax.legend(frameon=False, loc="best")
        return _finish(fig, fmt, key, alt or title)
