"""Hot topics: a period's texts clustered into topics, each with its key terms, size, growth
against the previous period of the same length, and the items nearest its centre.

Design (docs/insight.md "Hot topics"), every step explainable and deterministic for a seed:

1. Words: each text's jieba words (`words.words`, stop words and single characters left out,
   and `GENERIC`, the words of how a text asks: 加强, 推进, 反映, 何时…); the title's words
   count twice (a title states the matter).
2. Features: TF-IDF over those words (sublinear term frequency; a word must occur in at least
   two texts and in at most half of them, so words every message shares fall away), reduced by
   TruncatedSVD to at most 100 dimensions (latent semantic analysis: words that occur together
   fold into one direction) and normalised, so that distances are cosine distances.
3. Clusters: KMeans. Unless k is given, k is the one of 2..K (K = min(25, √n); every k up to 8,
   then every second) whose KMeans on a sample of at most 2,000 texts has the highest
   silhouette (the smallest k within 5 % of the highest); then KMeans with that k over all.
   Clusters smaller than `min_size` (1 % of the texts, at least 2) and texts with no words
   left are gathered into "other".
4. Labels: class-based TF-IDF (c-TF-IDF): a word's share of the topic's words times
   log(1 + A / its count over all topics), A the average number of words per topic; the top
   four, a word left out when it is part of one already chosen (噪音 beside 噪音扰民).
5. Representatives: the items whose vectors are closest (cosine) to the topic's centre.
6. Growth: each text of the previous period goes to its nearest topic when its similarity to
   that topic's centre is at least half the median similarity of the topic's own texts,
   otherwise to "other"; growth is (size − previous) / previous, none when the previous
   period had none ("new").

The linear algebra runs on one thread (threadpoolctl): on a shared two-core server OpenMP's
spinning threads made k-means twenty times slower, not faster.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import datetime
import math
import re
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minsheng.insight.evaluate import DataError, find_header, read_rows
from minsheng.insight.words import clean, words

__all__ = [
    "FileItems",
    "Item",
    "Member",
    "Topic",
    "TopicResult",
    "parse_day",
    "previous_period",
    "read_items",
    "split_period",
    "topics",
]

Progress = Callable[[str, int, int], None]

MAX_DIMENSIONS = 100
MAX_K = 25
SAMPLE = 2000
TERMS = 4
REPRESENTATIVES = 5
# A previous-period text joins its nearest topic when its similarity to the centre is at least
# this share of the median similarity of the topic's own texts (the centre was fitted to those,
# so they are closer to it than any new text of the same matter).
JOIN_SHARE = 0.5
OTHER = 0


@dataclass(frozen=True)
class Item:
    """One text: a suggestion (key: its id) or a file's row (key: its row number)."""

    key: Hashable
    title: str
    body: str = ""
    day: datetime.date | None = None


@dataclass(frozen=True)
class Member:
    key: Hashable
    title: str
    score: float  # cosine similarity to the topic's centre, 0..1


@dataclass(frozen=True)
class Topic:
    number: int  # 1.. by size; 0 is "other"
    terms: tuple[str, ...]
    size: int
    previous: int | None  # None: no previous period was given
    representatives: tuple[Member, ...] = ()
    members: tuple[Hashable, ...] = ()  # every item's key, closest to the centre first

    @property
    def other(self) -> bool:
        return self.number == OTHER

    @property
    def growth(self) -> float | None:
        """(size − previous) / previous; None when there is no previous figure or it is 0."""
        if not self.previous:
            return None
        return (self.size - self.previous) / self.previous

    @property
    def new(self) -> bool:
        return self.previous == 0 and self.size > 0

    def as_dict(self) -> dict[str, Any]:
        growth = self.growth
        return {
            "number": self.number,
            "other": self.other,
            "terms": list(self.terms),
            "label": "、".join(self.terms),
            "size": self.size,
            "previous": self.previous,
            "growth": None if growth is None else round(growth, 4),
            "new": self.new,
            "representatives": [
                {"key": m.key, "title": m.title, "score": round(m.score, 4)}
                for m in self.representatives
            ],
            "members": list(self.members),
        }


@dataclass
class TopicResult:
    topics: list[Topic] = field(default_factory=list)  # by size, "other" last
    items: int = 0  # texts of the period
    previous_items: int | None = None
    without_words: int = 0  # texts with no word left (blank, punctuation, stop words)
    k: int = 0
    silhouette: float | None = None
    seed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "previous_items": self.previous_items,
            "without_words": self.without_words,
            "k": self.k,
            "silhouette": None if self.silhouette is None else round(self.silhouette, 4),
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "topics": [t.as_dict() for t in self.topics],
        }


# --- periods ----------------------------------------------------------------------------------


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period of the same number of days that ends the day before `start`."""
    days = (end - start).days + 1
    last = start - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=days - 1), last


def split_period(
    items: Sequence[Item], start: datetime.date, end: datetime.date
) -> tuple[list[Item], list[Item]]:
    """The items dated within [start, end] and those of the previous period of that length;
    undated items belong to neither."""
    p_start, p_end = previous_period(start, end)
    current = [i for i in items if i.day is not None and start <= i.day <= end]
    previous = [i for i in items if i.day is not None and p_start <= i.day <= p_end]
    return current, previous


# --- clustering -------------------------------------------------------------------------------


# Words of how a suggestion or a message asks, not of what it is about: they would name every
# topic (加强…建设的建议, 反映…何时解决). Left out of the topics' words only.
_GENERIC_TEXT = (
    "加强 加快 推进 推动 完善 提高 提升 支持 建设 解决 促进 进一步 做好 落实 强化 健全 优化 "
    "部门 政府 有关部门 相关部门 工作 情况 反映 投诉 何时 尽快 严重 得到 重视 领导 "
    "群众 居民 我市 全市 我省 全省 本人 我们 你们 大家"
)
GENERIC = frozenset(_GENERIC_TEXT.split())


def _tokens(item: Item) -> list[str]:
    title = [w for w in words(clean(item.title)) if w not in GENERIC]
    return title + title + [w for w in words(clean(item.body)) if w not in GENERIC]


def _identity(tokens: Any) -> Any:
    return tokens


def _heading(item: Item) -> str:
    title = clean(item.title)
    if title:
        return title[:80]
    body = clean(item.body)
    return body[:40] + ("…" if len(body) > 40 else "")


def _vectoriser(n: int, relaxed: bool) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    small = relaxed or n < 20
    return TfidfVectorizer(
        analyzer=_identity,
        lowercase=False,
        sublinear_tf=True,
        min_df=1 if small else 2,
        max_df=1.0 if small else 0.5,
        max_features=20000,
        dtype=np.float32,
    )


def _normalise(matrix: Any) -> Any:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _kmeans(k: int, seed: int, n_init: int = 4) -> Any:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=n_init, random_state=seed)


def _candidates(top: int) -> list[int]:
    """2..top, every k up to 8, then every second one (and top itself)."""
    found = [k for k in range(2, top + 1) if k <= 8 or k % 2 == 0]
    return found if top in found else [*found, top]


def _choose_k(space: Any, seed: int) -> tuple[int, float | None]:
    from sklearn.metrics import silhouette_score

    n = space.shape[0]
    distinct = len({row.tobytes() for row in np.round(space, 5)})
    top = min(MAX_K, max(2, int(math.sqrt(n))), distinct - 1)
    if n < 6 or top < 2:
        return 1, None
    rng = np.random.default_rng(seed)
    sample = space if n <= SAMPLE else space[np.sort(rng.choice(n, SAMPLE, replace=False))]
    scores: dict[int, float] = {}
    for k in _candidates(top):
        labels = _kmeans(k, seed, n_init=2).fit_predict(sample)
        if len(set(labels.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(sample, labels, metric="euclidean"))
    if not scores:
        return 1, None
    # The fewest topics whose silhouette is within 5 % of the best: near-ties (0.342 against
    # 0.347) are noise of the sample and the seed, and fewer topics read better.
    best = max(scores.values())
    chosen = min(k for k, score in scores.items() if score >= best - 0.05 * abs(best))
    return chosen, scores[chosen]


def _terms(
    counts: Any, members: list[np.ndarray], names: Sequence[str], how_many: int
) -> list[tuple[str, ...]]:
    """c-TF-IDF: the top words of each cluster (rows of `counts` are the texts)."""
    per_topic = np.vstack([np.asarray(counts[m].sum(axis=0)).ravel() for m in members])
    totals = per_topic.sum(axis=0)
    average = per_topic.sum() / max(1, len(members))
    idf = np.log1p(average / np.maximum(totals, 1))
    found = []
    for row in per_topic:
        share = row / max(1.0, row.sum())
        score = share * idf
        order = sorted(np.flatnonzero(score > 0).tolist(), key=lambda j: (-score[j], names[j]))
        chosen: list[str] = []
        for j in order:
            word = names[j]
            if any(word in c or c in word for c in chosen):
                continue
            chosen.append(word)
            if len(chosen) == how_many:
                break
        found.append(tuple(chosen))
    return found


def topics(
    current: Sequence[Item],
    previous: Sequence[Item] | None = None,
    **options: Any,
) -> TopicResult:
    """The topics of `current`; with `previous` (the period before), each topic's growth.
    Options: k, seed, min_size, terms, representatives, progress (see `_topics`)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _topics(current, previous, **options)


def _topics(
    current: Sequence[Item],
    previous: Sequence[Item] | None = None,
    *,
    k: int | None = None,
    seed: int = 0,
    min_size: int | None = None,
    terms: int = TERMS,
    representatives: int = REPRESENTATIVES,
    progress: Progress | None = None,
) -> TopicResult:
    started = time.perf_counter()
    note = progress or (lambda stage, done, total: None)
    # One order whatever order the caller read the rows in: the same seed, the same topics.
    items = sorted(current, key=lambda i: (i.day or datetime.date.min, str(i.key)))
    before = sorted(previous or (), key=lambda i: (i.day or datetime.date.min, str(i.key)))
    result = TopicResult(
        items=len(items), previous_items=None if previous is None else len(before), seed=seed
    )
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    note("words", 0, len(items) + len(before))
    docs = []
    for n, item in enumerate(items, 1):
        docs.append(_tokens(item))
        if n % 500 == 0:
            note("words", n, len(items) + len(before))
    old_docs = [_tokens(i) for i in before]
    note("words", len(items) + len(before), len(items) + len(before))

    readable = [i for i, d in enumerate(docs) if d]
    old_readable = [i for i, d in enumerate(old_docs) if d]
    result.without_words = len(items) - len(readable)

    def only_other(old_other: int) -> TopicResult:
        if items:
            result.topics = [
                Topic(
                    OTHER,
                    (),
                    len(items),
                    None if previous is None else old_other,
                    (),
                    tuple(i.key for i in items),
                )
            ]
        result.seconds = time.perf_counter() - started
        return result

    if not readable:
        return only_other(len(before))

    note("features", 0, 1)
    vectoriser = _vectoriser(len(readable), relaxed=False)
    try:
        tfidf = vectoriser.fit_transform([docs[i] for i in readable])
    except ValueError:  # every word pruned (few texts, or all of them alike)
        vectoriser = _vectoriser(len(readable), relaxed=True)
        try:
            tfidf = vectoriser.fit_transform([docs[i] for i in readable])
        except ValueError:
            return only_other(len(before))
    features = tfidf.shape[1]
    dims = min(MAX_DIMENSIONS, features - 1, len(readable) - 1)
    svd = None
    if dims >= 2 and features > MAX_DIMENSIONS:
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=dims, random_state=seed)
        space = _normalise(svd.fit_transform(tfidf).astype(np.float64))
    else:
        space = _normalise(tfidf.toarray().astype(np.float64))
    note("features", 1, 1)

    # Rows left with no feature (every word pruned) cannot be placed: they go to "other".
    placed = np.flatnonzero(np.linalg.norm(space, axis=1) > 0)
    if placed.size == 0:
        return only_other(len(before))
    points = space[placed]

    note("clusters", 0, 1)
    if k is None:
        k, result.silhouette = _choose_k(points, seed)
    k = max(1, min(k, len({row.tobytes() for row in np.round(points, 5)})))
    if k == 1:
        labels = np.zeros(len(points), dtype=int)
        centres = _normalise(points.mean(axis=0, keepdims=True))
    else:
        model = _kmeans(k, seed).fit(points)
        labels = model.labels_
        centres = _normalise(model.cluster_centers_)
    result.k = k
    note("clusters", 1, 1)

    smallest = min_size if min_size is not None else max(2, math.ceil(0.01 * len(items)))
    sizes = np.bincount(labels, minlength=k)
    kept = [c for c in range(k) if sizes[c] >= max(1, smallest)]
    kept.sort(key=lambda c: (-sizes[c], c))
    similarity = points @ centres.T
    members = [np.flatnonzero(labels == c) for c in kept]

    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(
        analyzer=_identity, lowercase=False, vocabulary=vectoriser.vocabulary_
    )
    counts = counter.transform([docs[readable[i]] for i in placed])
    names = [""] * len(vectoriser.vocabulary_)
    for word, j in vectoriser.vocabulary_.items():
        names[j] = word
    labels_terms = _terms(counts, members, names, terms) if members else []

    # Growth: the previous period's texts, placed by the same features and centres.
    old_counts: dict[int, int] = {}
    old_other = len(before)
    if previous is not None and before and kept:
        thresholds = {
            c: JOIN_SHARE * float(np.median(similarity[m, c]))
            for c, m in zip(kept, members, strict=True)
        }
        old_other = len(before) - len(old_readable)
        if old_readable:
            old = vectoriser.transform([old_docs[i] for i in old_readable])
            old_space = _normalise(
                (svd.transform(old) if svd is not None else old.toarray()).astype(np.float64)
            )
            old_sim = old_space @ centres[kept].T
            nearest = old_sim.argmax(axis=1)
            for row, j in enumerate(nearest):
                c = kept[j]
                if np.linalg.norm(old_space[row]) > 0 and old_sim[row, j] >= thresholds[c]:
                    old_counts[c] = old_counts.get(c, 0) + 1
                else:
                    old_other += 1

    found: list[Topic] = []
    for number, (c, m, words_) in enumerate(zip(kept, members, labels_terms, strict=True), 1):
        order = sorted(m, key=lambda i: (-similarity[i, c], str(items[readable[placed[i]]].key)))
        keys = tuple(items[readable[placed[i]]].key for i in order)
        reps = tuple(
            Member(
                items[readable[placed[i]]].key,
                _heading(items[readable[placed[i]]]),
                float(max(0.0, min(1.0, similarity[i, c]))),
            )
            for i in order[:representatives]
        )
        found.append(
            Topic(
                number,
                words_,
                len(m),
                None if previous is None else old_counts.get(c, 0),
                reps,
                keys,
            )
        )
    grouped = {key for t in found for key in t.members}
    rest = tuple(i.key for i in items if i.key not in grouped)
    if rest:
        found.append(Topic(OTHER, (), len(rest), None if previous is None else old_other, (), rest))
    elif previous is not None and old_other:
        found.append(Topic(OTHER, (), 0, old_other, ()))
    result.topics = found
    result.seconds = time.perf_counter() - started
    return result


# --- files ------------------------------------------------------------------------------------

DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_day(text: object) -> datetime.date | None:
    """A date as files write it: 2019/4/25 9:32:09, 2019-04-25, 2019年4月25日, or an Excel serial
    number (43580.4); None when it is none of these."""
    value = clean(text)
    if not value:
        return None
    match = DAY.search(value)
    try:
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
        if re.fullmatch(r"\d{5}(\.\d+)?", value):
            return EXCEL_EPOCH + datetime.timedelta(days=int(float(value)))
    except (ValueError, OverflowError):
        return None
    return None


@dataclass
class FileItems:
    items: list[Item]
    encoding: str
    skipped_empty_text: int = 0
    undated: int = 0


def read_items(
    path: Path | str, text_cols: Sequence[str], date_col: str | None = None
) -> FileItems:
    """The rows of a CSV or xlsx file as items (title = the first text column, body = the rest;
    key = the row number as a spreadsheet shows it). Raises DataError with a message."""
    if not text_cols:
        raise DataError("no text column given.")
    rows, encoding = read_rows(path)
    wanted = [*text_cols, *([date_col] if date_col else [])]
    header_at = find_header(rows, wanted, path, encoding)
    names = [clean(c) for c in rows[header_at]]
    text_at = [names.index(c) for c in text_cols]
    date_at = names.index(date_col) if date_col else None
    found = FileItems([], encoding)
    for number, row in enumerate(rows[header_at + 1 :], header_at + 2):
        if not any(str(c).strip() for c in row):
            continue  # padding
        cells = [row[i] if i < len(row) else "" for i in text_at]
        if not any(clean(c) for c in cells):
            found.skipped_empty_text += 1
            continue
        day = None
        if date_at is not None:
            day = parse_day(row[date_at] if date_at < len(row) else "")
            if day is None:
                found.undated += 1
        found.items.append(Item(number, cells[0], " ".join(cells[1:]), day))
    return found
