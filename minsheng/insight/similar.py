"""Similar titles, explainably: the share of character pairs two titles have in common.

A Chinese title is read as its overlapping pairs of characters (bigrams: 农村公路 → 农村, 村公,
公路), after the words every suggestion title shares ("关于", "的建议") and punctuation are
taken off; two titles are as similar as the Jaccard index of their pairs (shared pairs over all
pairs), 0 to 1. No model, no training, and the page can say why two titles matched.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

__all__ = ["bigrams", "jaccard", "ranked", "similarity"]

T = TypeVar("T")

# The words of the form, not of the topic.
BOILERPLATE = ("关于进一步", "关于加快", "关于加强", "关于", "的建议", "建议", "的议案", "问题")
NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)


def _core(title: str) -> str:
    text = title.strip()
    for word in BOILERPLATE:
        text = text.replace(word, " ")
    return NOT_WORDS.sub(" ", text)


def bigrams(title: str) -> frozenset[str]:
    """The title's overlapping character pairs (within words; a one-character word counts as
    itself)."""
    pairs: set[str] = set()
    for part in _core(title).split():
        if len(part) == 1:
            pairs.add(part)
        pairs.update(part[i : i + 2] for i in range(len(part) - 1))
    return frozenset(pairs)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(one: str, other: str) -> float:
    return jaccard(bigrams(one), bigrams(other))


def ranked(
    title: str, candidates: Iterable[tuple[T, str]], *, threshold: float
) -> Sequence[tuple[T, float]]:
    """The candidates (object, title) at least `threshold` similar to `title`, most similar
    first, each with its score rounded to two decimals."""
    mine = bigrams(title)
    found = []
    for obj, other in candidates:
        score = jaccard(mine, bigrams(other))
        if score >= threshold:
            found.append((obj, round(score, 2)))
    found.sort(key=lambda pair: -pair[1])
    return found
