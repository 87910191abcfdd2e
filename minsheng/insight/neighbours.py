"""Similar suggestions, explainably: TF-IDF over words and character pairs, cosine similarity,
and the shared words that made two texts similar.

A text (title and the start of its body) becomes two blocks of features:

- its **words** (`words.words`: jieba for Han runs, other scripts' runs kept whole), the title's
  words counted twice (a title states the matter in a few words);
- its **character pairs** (bigrams) within Han runs, and each other-script word whole: what the
  segmenter cuts differently in a paraphrase (农村公路 / 乡村公路 share 公路, 村公 is noise the
  IDF discounts).

Each block is TF-IDF weighted (sublinear term frequency, smoothed IDF from the indexed texts),
L2-normalised, and the two are joined with equal weight; a vector keeps its `MAX_TERMS`
heaviest features (renormalised) so that 100,000 texts fit in a few tens of megabytes. The
similarity of two texts is the dot product of their vectors (cosine, 0–1).

`Index` holds the vectors as an inverted index (a sparse matrix by feature), so a query reads
only the postings of its own features. Texts added after it was built wait in a small pending
list that is scanned directly and folded into the matrix once it grows (`FOLD_AT`). The IDF is
the one of the build; `rebuild()` refreshes it.

The explanation of a match lists the features both texts share, by their share of the score;
a character pair is credited to the query's word that contains it, so the words shown are words
of the query text (or, for a pair no word holds, the pair itself).

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from minsheng.insight.words import clean, is_han, words

__all__ = [
    "BODY_CHARS",
    "DUPLICATE_FROM",
    "SIMILAR_FROM",
    "Index",
    "Match",
    "Vector",
    "readable",
]

# What a text is compared by: the title and this much of the body (a suggestion's matter is
# stated in its first paragraphs; a 100,000-character paste is cut here).
BODY_CHARS = 1500
MAX_TERMS = 96
FOLD_AT = 512
# A query reads at most this many postings for its candidates (the commonest features, whose
# postings are longest and weights smallest, are left to the exact step).
POSTINGS_BUDGET = 150_000
# Scores (cosine, 0–1): shown as similar from SIMILAR_FROM; a near-duplicate (the deputy is
# warned, staff are offered 并案) from DUPLICATE_FROM. Measured on the paraphrase fixture of
# tests/test_insight_similar.py: paraphrases 0.33–0.63, same field, another matter, at most 0.18.
SIMILAR_FROM = 0.15
DUPLICATE_FROM = 0.3

Key = Hashable


@dataclass(frozen=True)
class Vector:
    """A text's features: (feature, weight) pairs, L2 norm 1 (empty for a text with no words);
    `words` are the text's own words (for explanations)."""

    terms: dict[str, float]
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True)
class Match:
    key: Key
    score: float
    shared: tuple[tuple[str, float], ...] = field(default=())  # (word, share of the score)


# Words that say how, not what (and the form's own words): two suggestions sharing them are
# not on the same matter. `words.words` already leaves out stop words and single characters.
_GENERIC_TEXT = """
    加强 加大 推进 推动 完善 提高 提升 进一步 有关 部门 有关部门 政府 相关部门 尽快 力度 工作
    实施 开展 落实 建立 健全 强化 重视 解决 切实 积极 支持 要求 应当 应该 需要 呼吁 恳请 请求
    亟需 亟待 务必 必须 为此 对此 建议 方面 情况 措施 同时 各级 我市 我省 我县 我区 全市 全省 全县
    群众 百姓 老百姓 人民 广大 代表 问题 困难 存在 不断 加快 逐步 大力 认真 努力 及时 确保
    保障 有效 做好 抓好 形成 实现 增加 提供 给予 予以 进行 不够 较为 比较 非常 特别 目前 当前
    严重 影响 近年来 随着 越来越 部分 不少 现象 尤其 议案 提案 意见 关于进一步 建设 发展 改善
"""
GENERIC = frozenset(_GENERIC_TEXT.split())


def _content(text: str) -> list[str]:
    return [w for w in words(text) if w not in GENERIC]


def _pairs(found: list[str]) -> list[str]:
    """The character pairs of each Han word (农村公路 → 农村, 村公, 公路): what still matches
    when a paraphrase is segmented otherwise (农村 公路)."""
    pairs: list[str] = []
    for word in found:
        if len(word) >= 2 and is_han(word[0]):
            pairs.extend("c:" + word[i : i + 2] for i in range(len(word) - 1))
    return pairs


def _raw(title: str, body: str) -> tuple[Counter[str], Counter[str], tuple[str, ...]]:
    title = clean(title)[:400]
    body = clean(body)[:BODY_CHARS]
    title_words = _content(title)
    body_words = _content(body)
    w: Counter[str] = Counter()
    for word in title_words:
        w["w:" + word] += 2
    for word in body_words:
        w["w:" + word] += 1
    c: Counter[str] = Counter(_pairs(title_words))
    c.update(_pairs(title_words))  # the title counts twice here too
    c.update(_pairs(body_words))
    seen = tuple(dict.fromkeys([*title_words, *body_words]))
    return w, c, seen


def _weigh(block: Counter[str], idf: dict[str, float], default_idf: float) -> dict[str, float]:
    weights = {t: (1.0 + math.log(n)) * idf.get(t, default_idf) for t, n in block.items()}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {t: v / norm for t, v in weights.items()} if norm else {}


def readable(feature: str, query_words: Sequence[str]) -> str:
    """A feature as a person reads it: a word as itself; a character pair as the query's word
    that holds it (the first one), else the pair."""
    kind, text = feature[:2], feature[2:]
    if kind == "w:":
        return text
    for word in query_words:
        if text in word:
            return word
    return text


def readable_terms(query: Vector) -> dict[str, str]:
    """Every feature of the query as a person reads it (`readable`), computed once."""
    return {term: readable(term, query.words) for term in query.terms}


def explain(
    query: Vector,
    other: dict[str, float],
    score: float,
    top: int = 5,
    names: dict[str, str] | None = None,
) -> tuple[tuple[str, float], ...]:
    """The words behind a score: each shared feature's product, credited to a readable word,
    summed per word, as shares of the score (largest first). `names`: `readable_terms(query)`
    when many matches of one query are explained."""
    if score <= 0:
        return ()
    credit: dict[str, float] = {}
    for term, theirs in other.items():
        weight = query.terms.get(term)
        if weight and theirs:
            word = names[term] if names is not None else readable(term, query.words)
            credit[word] = credit.get(word, 0.0) + weight * theirs
    best = sorted(credit.items(), key=lambda kv: -kv[1])[:top]
    return tuple((word, round(value / score, 3)) for word, value in best)


class Index:
    """Texts by key, searchable by similarity. Thread-safe (one lock; a query takes a few ms).

    Storage: one sparse matrix, feature × text (float32 weights, int32 text positions: about
    8 bytes per kept feature, so 100,000 texts × 96 features ≈ 75 MB), plus the vocabulary.
    Texts added since the last fold wait as small dictionaries. `keep_rows=True` also keeps
    every text's features by name (`terms_of`): for a batch (duplicates), not for a server."""

    def __init__(self, max_terms: int = MAX_TERMS, keep_rows: bool = False) -> None:
        self.max_terms = max_terms
        self.keep_rows = keep_rows
        self._lock = threading.RLock()
        self.keys: list[Key] = []
        self._position: dict[Key, int] = {}
        self.idf: dict[str, float] = {}
        self.default_idf = 1.0
        self.vocab: dict[str, int] = {}
        self._by_term: sparse.csr_matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._folded = 0  # texts held in the matrix (the first ones of `keys`)
        self._pending: list[dict[int, float]] = []  # texts after them
        self._rows: list[dict[str, float]] = []  # with keep_rows
        self._removed: set[int] = set()

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        items: Iterable[tuple[Key, str, str]],
        max_terms: int = MAX_TERMS,
        keep_rows: bool = False,
    ) -> Index:
        """An index of (key, title, body) with the IDF of these texts.

        Two passes: each text's features become arrays of vocabulary ids and counts (compact:
        a text's dictionaries of words are not kept), then, with the document frequencies
        known, each text's weights are computed on those arrays and written into the matrix."""
        index = cls(max_terms, keep_rows)
        vocab = index.vocab
        compact: list[tuple[Key, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

        def arrays(block: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
            ids = np.fromiter(
                (vocab.setdefault(t, len(vocab)) for t in block), dtype=np.int32, count=len(block)
            )
            return ids, np.fromiter(block.values(), dtype=np.float32, count=len(block))

        for key, title, body in items:
            w, c, _seen = _raw(title or "", body or "")
            compact.append((key, *arrays(w), *arrays(c)))
        n = len(compact)
        all_ids = [part for row in compact for part in (row[1], row[3])]
        df = np.bincount(
            np.concatenate(all_ids) if all_ids else np.zeros(0, dtype=np.int32),
            minlength=len(vocab),
        )
        idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        names = list(vocab)  # insertion order = id order
        index.idf = dict(zip(names, idf.tolist(), strict=True))
        index.default_idf = math.log((1 + n) / 2) + 1.0
        half = math.sqrt(0.5)
        indptr = [0]
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        for key, w_ids, w_counts, c_ids, c_counts in compact:
            blocks = []
            for ids, counts in ((w_ids, w_counts), (c_ids, c_counts)):
                if len(ids):
                    weights = (1.0 + np.log(counts)) * idf[ids]
                    norm = float(np.sqrt(weights @ weights))
                    if norm:
                        blocks.append((ids, weights / norm))
            if len(blocks) == 2:
                blocks = [(ids, weights * half) for ids, weights in blocks]
            ids = np.concatenate([b[0] for b in blocks]) if blocks else np.zeros(0, np.int32)
            weights = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, np.float32)
            if len(ids) > max_terms:
                top = np.argpartition(-weights, max_terms - 1)[:max_terms]
                ids, weights = ids[top], weights[top]
            norm = float(np.sqrt(weights @ weights)) if len(ids) else 0.0
            if norm:
                weights = weights / norm
            else:
                ids, weights = ids[:0], weights[:0]
            index._position[key] = len(index.keys)
            index.keys.append(key)
            indices.append(ids.astype(np.int32))
            data.append(weights.astype(np.float32))
            indptr.append(indptr[-1] + len(ids))
            if keep_rows:
                index._rows.append(
                    {names[int(i)]: float(v) for i, v in zip(ids, weights, strict=True)}
                )
        del compact
        by_doc = sparse.csr_matrix(
            (
                np.concatenate(data) if data else np.zeros(0, np.float32),
                np.concatenate(indices) if indices else np.zeros(0, np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(n, max(1, len(vocab))),
        )
        by_term = by_doc.T.tocsr()
        by_term.indices = by_term.indices.astype(np.int32, copy=False)
        by_term.sort_indices()
        index._by_term = by_term
        index._folded = n
        return index

    def _vector_from(self, w: Counter[str], c: Counter[str], seen: tuple[str, ...]) -> Vector:
        wv = _weigh(w, self.idf, self.default_idf)
        cv = _weigh(c, self.idf, self.default_idf)
        if wv and cv:
            half = math.sqrt(0.5)
            joined = {t: v * half for t, v in wv.items()}
            joined.update({t: v * half for t, v in cv.items()})
        else:
            joined = wv or cv
        if len(joined) > self.max_terms:
            joined = dict(sorted(joined.items(), key=lambda kv: -kv[1])[: self.max_terms])
        norm = math.sqrt(sum(v * v for v in joined.values()))
        return Vector({t: v / norm for t, v in joined.items()} if norm else {}, seen)

    def vector(self, title: str, body: str = "") -> Vector:
        """A text's vector under this index's IDF (a query, or a text to add)."""
        return self._vector_from(*_raw(title or "", body or ""))

    def _append(self, key: Key, vector: Vector) -> None:
        row: dict[int, float] = {}
        for term, weight in vector.terms.items():
            at = self.vocab.get(term)
            if at is None:
                at = self.vocab[term] = len(self.vocab)
            row[at] = weight
        old = self._position.get(key)
        if old is not None:
            self._removed.add(old)
        self._position[key] = len(self.keys)
        self.keys.append(key)
        self._pending.append(row)
        if self.keep_rows:
            self._rows.append(dict(vector.terms))

    def add(self, key: Key, title: str, body: str = "") -> None:
        """Add a text (or replace the one under this key); folded into the matrix later."""
        vector = self.vector(title, body)
        with self._lock:
            self._append(key, vector)
            if len(self._pending) >= FOLD_AT:
                self.fold()

    def remove(self, key: Key) -> None:
        with self._lock:
            at = self._position.pop(key, None)
            if at is not None:
                self._removed.add(at)

    def fold(self) -> None:
        """Move the pending texts into the matrix."""
        with self._lock:
            vocab = max(1, len(self.vocab))
            indptr = [0]
            indices: list[int] = []
            data: list[float] = []
            for row in self._pending:
                indices.extend(row.keys())
                data.extend(row.values())
                indptr.append(len(indices))
            part = sparse.csr_matrix(
                (
                    np.asarray(data, dtype=np.float32),
                    np.asarray(indices, dtype=np.int32),
                    np.asarray(indptr, dtype=np.int64),
                ),
                shape=(len(self._pending), vocab),
            ).T.tocsr()
            old = self._by_term
            if old.shape[0] and old.shape[0] < vocab:  # new features since: more rows
                old = sparse.csr_matrix(
                    (
                        old.data,
                        old.indices,
                        np.concatenate([old.indptr, np.full(vocab - old.shape[0], old.indptr[-1])]),
                    ),
                    shape=(vocab, old.shape[1]),
                )
            merged = sparse.hstack([old, part], format="csr") if old.shape[1] else part
            merged = merged.astype(np.float32)
            merged.indices = merged.indices.astype(np.int32, copy=False)
            merged.sort_indices()
            self._by_term = merged
            self._folded += len(self._pending)
            self._pending = []

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def memory_bytes(self) -> int:
        """The matrix's arrays (the vocabulary's dictionary comes on top)."""
        m = self._by_term
        return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)

    def terms_of(self, key: Key) -> dict[str, float]:
        """A text's features by name (only with keep_rows)."""
        at = self._position.get(key)
        if at is None or not self.keep_rows:
            return {}
        return self._rows[at]

    def vectors_of(self, keys: Iterable[Key]) -> dict[Key, Vector]:
        """Indexed texts' vectors as the index holds them, without segmenting the texts again:
        for comparing many indexed texts with the rest (the look-back). Keys not in the index
        are left out."""
        with self._lock:
            wanted = [(key, self._position[key]) for key in keys if key in self._position]
            if not wanted:
                return {}
            names = [""] * len(self.vocab)
            for term, at in self.vocab.items():
                names[at] = term
            rows: dict[Key, dict[str, float]] = {}
            folded = [(key, at) for key, at in wanted if at < self._folded]
            if folded:
                columns = self._by_term[:, [at for _key, at in folded]].tocsc()
                for j, (key, _at) in enumerate(folded):
                    lo, hi = columns.indptr[j], columns.indptr[j + 1]
                    rows[key] = {
                        names[int(i)]: float(v)
                        for i, v in zip(columns.indices[lo:hi], columns.data[lo:hi], strict=True)
                    }
            for key, at in wanted:
                if at >= self._folded:
                    pending = self._pending[at - self._folded]
                    rows[key] = {names[i]: v for i, v in pending.items()}
        return {
            key: Vector(terms, tuple(dict.fromkeys(t[2:] for t in terms if t.startswith("w:"))))
            for key, terms in rows.items()
        }

    # --- querying ---------------------------------------------------------------------------

    def _query_ids(self, query: Vector) -> tuple[np.ndarray, np.ndarray, list[str]]:
        names = [t for t in query.terms if t in self.vocab]
        ids = np.asarray([self.vocab[t] for t in names], dtype=np.int64)
        weights = np.asarray([query.terms[t] for t in names], dtype=np.float32)
        return ids, weights, names

    def _scores(
        self, ids: np.ndarray, weights: np.ndarray, budget: int | None = None
    ) -> np.ndarray:
        """Every text's dot product with the query's features `ids` (removed texts 0). With a
        `budget`, the features are read rarest first and the commonest left out once their
        postings would pass it: a lower bound that costs at most `budget` postings."""
        n = len(self.keys)
        out = np.zeros(n, dtype=np.float32)
        m = self._by_term
        if len(ids) and self._folded:
            inside = ids < m.shape[0]
            t_ids, w = ids[inside], weights[inside]
            starts, ends = m.indptr[t_ids], m.indptr[t_ids + 1]
            lengths = ends - starts
            if budget is not None and int(lengths.sum()) > budget:
                order = np.argsort(lengths, kind="stable")
                keep = order[np.cumsum(lengths[order]) <= budget]
                t_ids, w, starts, lengths = t_ids[keep], w[keep], starts[keep], lengths[keep]
            total = int(lengths.sum())
            if total:
                # The positions of every posting of these features, without a Python loop.
                offsets = np.repeat(
                    starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths
                )
                take = np.arange(total, dtype=np.int64) + offsets
                out[: self._folded] = np.bincount(
                    m.indices[take],
                    weights=m.data[take] * np.repeat(w, lengths),
                    minlength=self._folded,
                )[: self._folded]
        if self._pending:
            by_id = dict(zip(ids.tolist(), weights.tolist(), strict=True))
            for i, row in enumerate(self._pending):
                out[self._folded + i] = sum(by_id.get(t, 0.0) * v for t, v in row.items())
        if self._removed:
            out[list(self._removed)] = 0.0
        return out

    def _weights_at(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The weights of features `ids` (rows) in the texts at `positions` (columns)."""
        found = np.zeros((len(ids), len(positions)), dtype=np.float32)
        m = self._by_term
        folded = positions < self._folded
        inside = positions[folded]
        if len(inside):
            for i, t in enumerate(ids):
                if t >= m.shape[0]:
                    continue
                lo, hi = m.indptr[t], m.indptr[t + 1]
                if lo == hi:
                    continue
                postings = m.indices[lo:hi]
                j = np.searchsorted(postings, inside)
                j_ok = j < hi - lo
                hit = np.zeros(len(inside), dtype=bool)
                hit[j_ok] = postings[j[j_ok]] == inside[j_ok]
                column = np.zeros(len(inside), dtype=np.float32)
                column[hit] = m.data[lo + j[hit]]
                found[i, folded] = column
        for c in np.flatnonzero(~folded):
            row = self._pending[int(positions[c]) - self._folded]
            found[:, c] = [row.get(int(t), 0.0) for t in ids]
        return found

    def search(
        self,
        query: Vector,
        *,
        k: int = 10,
        threshold: float = SIMILAR_FROM,
        exclude: Iterable[Key] = (),
        explain_top: int = 5,
    ) -> list[Match]:
        """The (at most) k texts most similar to the query, at least `threshold`, best first,
        each with the shared words behind its score.

        Two steps: candidates from a bounded read of the postings (the rarest features first,
        `POSTINGS_BUDGET`), then each candidate's exact score over all the query's features."""
        if not query or k <= 0:
            return []
        with self._lock:
            ids, weights, names = self._query_ids(query)
            rough = self._scores(ids, weights, POSTINGS_BUDGET)
            for key in exclude:
                at = self._position.get(key)
                if at is not None:
                    rough[at] = 0.0
            pool = max(4 * k, 50)
            above = np.flatnonzero(rough > 0)
            if not len(above):
                return []
            if len(above) > pool:
                above = above[np.argpartition(-rough[above], pool - 1)[:pool]]
            theirs = self._weights_at(ids, above)
            exact = weights @ theirs
            keep = exact >= max(threshold, 1e-6)
            above, exact, theirs = above[keep], exact[keep], theirs[:, keep]
            order = np.argsort(-exact, kind="stable")[:k]
            readable_names = readable_terms(query)
            found = []
            for c in order:
                score = float(min(1.0, exact[c]))
                other = {names[i]: float(v) for i, v in enumerate(theirs[:, c]) if v}
                found.append(
                    Match(
                        self.keys[above[c]],
                        round(score, 3),
                        explain(query, other, score, explain_top, readable_names),
                    )
                )
            return found

    def similar_to(self, key: Key, **kwargs: Any) -> list[Match]:
        """The texts most similar to an indexed one (itself left out; needs keep_rows)."""
        terms = self.terms_of(key)
        if not terms:
            return []
        seen = tuple(dict.fromkeys(t[2:] for t in terms if t.startswith("w:")))
        exclude = {key, *kwargs.pop("exclude", ())}
        return self.search(Vector(terms, seen), exclude=exclude, **kwargs)

    # --- saving -----------------------------------------------------------------------------

    FORMAT = "minsheng-similar/1"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state["format"] = self.FORMAT
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.pop("format", None)
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def save(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the index (and `extra`, e.g. the texts' versions) atomically."""
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".similar-", suffix=".tmp")
        os.close(fd)
        try:
            with self._lock:
                self.fold()
                joblib.dump({"format": self.FORMAT, "index": self, "extra": extra or {}}, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @classmethod
    def load(cls, path: Path) -> tuple[Index, dict[str, Any]]:
        """An index saved by `save` and its `extra`; ValueError for a missing, broken or
        foreign file."""
        import joblib

        try:
            found = joblib.load(path)
        except Exception as error:  # a truncated or foreign file: say so, never crash a page
            raise ValueError(f"{path}: unreadable index ({error.__class__.__name__})") from error
        if not isinstance(found, dict) or found.get("format") != cls.FORMAT:
            raise ValueError(f"{path}: not a {cls.FORMAT} index")
        index = found["index"]
        if not isinstance(index, cls):
            raise ValueError(f"{path}: not a {cls.FORMAT} index")
        return index, dict(found.get("extra") or {})
