"""Charts as PNG images for the Word reports, with Chinese labels, drawn offline.

matplotlib (the Agg renderer, through its object-oriented `Figure`: no pyplot state, safe in
a web worker's threads) with Noto Sans CJK SC, the OFL font the `mplfonts` package ships: a
machine with only Python and pip has both, no system font and no network are needed. The font
file is used directly (registered once with matplotlib's font manager); `mplfonts` itself is
never imported, so it changes no matplotlib settings.

Why matplotlib: the best-kept Python charting library (a NumFOCUS project with regular
releases), it writes PNGs without a browser or a JavaScript runtime (plotly's static export
needs kaleido and Chrome; pygal needs cairo and its own fonts), and its text engine shapes CJK
with any OpenType font it is given.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FONT_FILE", "bar_chart", "font_name"]

FONT_FILE = "NotoSansCJKsc-Regular.otf"
DPI = 200
COLOURS = ("#b22222", "#d9822b", "#4a7ab5", "#6b8e23", "#8c6bb1", "#7f7f7f")


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


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    unit: str = "件",
    horizontal: bool = False,
    percent: bool = False,
    width_cm: float = 15.0,
) -> bytes:
    """A bar chart with each bar's value written at its end; labels in Chinese."""
    import matplotlib

    family = font_name()
    with matplotlib.rc_context(
        {"font.family": family, "font.size": 9, "axes.unicode_minus": False}
    ):
        rows = max(len(labels), 1)
        height = max(6.0, 0.7 * rows + 2.5) if horizontal else 8.0
        fig = _figure(width_cm, height)
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        colours = [COLOURS[i % len(COLOURS)] for i in positions]
        suffix = "%" if percent else unit
        texts = [f"{v:.1f}{suffix}" if percent else f"{int(v):,}{suffix}" for v in values]
        if horizontal:
            bars = ax.barh(positions, values, color=colours)
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
        else:
            bars = ax.bar(positions, values, color=colours)
            ax.set_xticks(positions, labels)
        ax.bar_label(bars, labels=texts, padding=2)
        ax.set_title(title)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not any(values):
            ax.text(0.5, 0.5, "无数据", transform=ax.transAxes, ha="center", va="center")
        ax.margins(x=0.15) if horizontal else ax.margins(y=0.15)
        return _png(fig)
