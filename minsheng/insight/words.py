"""Text as the recommender reads it: cleaned, cut into words, and its character n-grams.

Real texts come with debris: HTML tags and entities from a scrape, full-width spaces, zero-width
characters, runs of blank lines. `clean` keeps the words and drops the rest (NFKC folds
full-width letters and digits). `words` cuts Han runs with jieba (its dictionary ships inside
the package; it is loaded once per process, quietly) and keeps every other script's runs
(Tibetan syllables, Mongolian and Uyghur words, Latin) as words of their own, so a deputy who
writes in their own script still gets words, and explanations that name them.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = ["MAX_CHARS", "clean", "is_han", "words"]

# What the recommender reads of one text: enough for any real suggestion (a long one is 3,000
# characters); a 100,000-character paste is cut here rather than slowing every request.
MAX_CHARS = 6000

TAGS = re.compile(r"<[^>]{0,200}>")
URLS = re.compile(r"https?://\S+|www\.\S+")
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
SPACES = re.compile(r"\s+")

# Words that carry no topic: the form of a suggestion, and the commonest function words.
_STOP_TEXT = (
    "的 了 和 与 及 或 是 在 对 为 将 把 被 从 等 中 并 也 都 而 就 其 之 以 于 这 那 有 无 "
    "我 我们 你 您 他 她 它 他们 自己 一个 一些 这个 这些 那些 什么 怎么 如何 进行 "
    "关于 建议 的建议 问题 希望 请 目前 现在 已经 还是 没有 可以 能够 但是 因为 所以 "
    "如果 以及 通过 相关 有关 一是 二是 三是 四是 五是 一 二 三 四 五 年 月 日 号"
)
STOP = frozenset(_STOP_TEXT.split())

_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    """jieba's default tokenizer, initialised once and without its banner on stderr."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _tokenizer = jieba.dt
    return _tokenizer


def clean(text: object) -> str:
    """One line of readable text: tags, entities, links and invisible characters dropped,
    whitespace collapsed, NFKC-folded, at most MAX_CHARS characters."""
    if text is None:
        return ""
    value = str(text)
    if value.lower() in ("nan", "none", "null"):
        return ""
    value = value[: MAX_CHARS * 3]
    value = html.unescape(TAGS.sub(" ", value))
    value = URLS.sub(" ", value)
    value = INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return SPACES.sub(" ", value).strip()[:MAX_CHARS]


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@lru_cache(maxsize=4096)
def _is_word_char(char: str) -> bool:
    # Letters, marks (Tibetan vowel signs, Arabic-script diacritics) and digits make words;
    # punctuation, symbols, separators and controls end them.
    return unicodedata.category(char)[0] in "LMN"


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    start = -1
    for i, char in enumerate(text):
        if _is_word_char(char):
            if start < 0:
                start = i
        elif start >= 0:
            runs.append(text[start:i])
            start = -1
    if start >= 0:
        runs.append(text[start:])
    return runs


def words(text: str) -> list[str]:
    """The words of a cleaned text, in order (stop words and lone digits left out)."""
    found: list[str] = []
    cut = None
    for run in _runs(text):
        if any(is_han(c) for c in run):
            if cut is None:
                cut = _jieba().cut
            pieces = [p for p in cut(run, HMM=True) if p.strip()]
        else:
            pieces = [run.lower()]
        for piece in pieces:
            # One character alone (人, 市, a lone Latin letter) says little: the character
            # n-grams still read it, but it is no word of its own, nor an explanation.
            if piece in STOP or piece.isdigit() or len(piece) == 1:
                continue
            found.append(piece)
    return found
