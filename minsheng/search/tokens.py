"""Chinese text as the search index and the search box read it (framework-free: no Django).

Indexing cuts a text into runs of letters, marks and digits (`insight.words`' runs: punctuation,
symbols and spaces end them) and writes each run as tokens, in order:

- a Han run as its overlapping character bigrams (城市道路 → 城市 市道 道路) followed by its last
  character (路), so every substring of two or more characters is a phrase of consecutive
  bigrams, and every single character is the first character of some token;
- any other run (Latin and digits lower-cased after NFKC; Tibetan, Mongolian, Uyghur words) as
  one whole word.

A query is cut the same way, but its Han runs are first split into words by jieba (the words
the recommender reads, `insight.words`): 道路维修 is the two words 道路 and 维修, each required
as a phrase of bigrams wherever it stands in the text, so 维修老旧道路 is found too; the whole
run is added as an optional phrase, which ranks the text holding it exactly above the one with
the words scattered. A one-character word matches any token starting with that character.

Bigrams rather than jieba's words in the index: jieba cuts a word differently in different
contexts (the text's 城市道路 and the query's 道路), and a phrase of bigrams finds a substring
whatever the context. The query's words are jieba's, which keeps 道路维修 from requiring the
substring 路维.

A query never reaches the database as syntax: `Query` holds plain terms, and each backend
writes its own quoted expression from them (backends.py). Bounded: at most MAX_QUERY_CHARS
characters and MAX_TERMS terms are read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from minsheng.insight.words import INVISIBLE, STOP, _jieba, _runs, is_han

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "Query", "Term", "index_tokens", "parse", "normalise"]

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A piece of text is indexed up to this many characters (a long reply is 10,000).
MAX_INDEX_CHARS = 60_000


def normalise(text: str) -> str:
    """NFKC-folded (full-width letters and digits), lower-cased, invisible characters gone."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _split_scripts(run: str) -> list[tuple[bool, str]]:
    """A run of word characters as its Han and non-Han stretches: 5g网络 → 5g, 网络."""
    parts: list[tuple[bool, str]] = []
    for char in run:
        han = is_han(char)
        if parts and parts[-1][0] == han:
            parts[-1] = (han, parts[-1][1] + char)
        else:
            parts.append((han, char))
    return parts


def bigrams(han: str) -> list[str]:
    if len(han) == 1:
        return [han]
    return [han[i : i + 2] for i in range(len(han) - 1)]


def _pieces(text: str) -> list[tuple[bool, str]]:
    found: list[tuple[bool, str]] = []
    for run in _runs(normalise(text)):
        found.extend(_split_scripts(run))
    return found


def index_tokens(text: str | None) -> list[str]:
    """The tokens of one text, in order (see the module's docstring)."""
    if not text:
        return []
    tokens: list[str] = []
    for han, piece in _pieces(text[:MAX_INDEX_CHARS]):
        if han:
            tokens.extend(bigrams(piece))
            if len(piece) > 1:
                tokens.append(piece[-1])
        else:
            tokens.append(piece)
    return tokens


@dataclass(frozen=True)
class Term:
    """One required word of a query: a phrase of tokens, or (`prefix`) one character that
    starts a token."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    # Optional phrases that only raise the rank (a Han run of several words, whole).
    boosts: tuple[Term, ...] = ()
    # What the highlighter marks in the shown text: each word and run, as typed (normalised).
    marks: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.terms)


def _han_words(run: str) -> list[str]:
    if len(run) <= 2:
        return [run]
    words = [w for w in _jieba().cut(run, HMM=True) if w.strip()]
    kept = [w for w in words if w not in STOP]
    # A query of stop words only (我们的) still looks for itself.
    return kept or [run]


def parse(text: object) -> Query:
    """The query typed in a search box as terms. Anything at all may come in: punctuation only,
    FTS syntax (quotes, *, NEAR, AND/OR, parentheses, colons), 100,000 characters; what is not
    a word is dropped, and a query without words is empty (no search)."""
    raw = str(text or "")[: MAX_QUERY_CHARS * 4]
    pieces = _pieces(raw[:MAX_QUERY_CHARS])
    terms: list[Term] = []
    boosts: list[Term] = []
    marks: list[str] = []
    for han, piece in pieces:
        if han:
            words = _han_words(piece)
            for word in words:
                terms.append(
                    Term((word,), prefix=True) if len(word) == 1 else Term(tuple(bigrams(word)))
                )
                marks.append(word)
            if len(words) > 1:
                boosts.append(Term(tuple(bigrams(piece))))
                marks.append(piece)
        else:
            terms.append(Term((piece,)))
            marks.append(piece)
    unique = list(dict.fromkeys(terms))[:MAX_TERMS]
    return Query(
        terms=tuple(unique),
        boosts=tuple(dict.fromkeys(boosts))[:3] if unique else (),
        marks=tuple(dict.fromkeys(marks)),
    )
