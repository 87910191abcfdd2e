"""Near-duplicates across a batch: clusters of texts that say the same thing.

Every text of the batch is compared with every other through the similarity index
(`neighbours.Index`: TF-IDF over words and character pairs, cosine). Two texts at least
`threshold` similar are linked; a cluster is a connected group of linked texts, listed with its
pairs' scores and the words the cluster's texts share. Linking is single-link, so a chain
A~B~C makes one cluster even when A and C are further apart; every cluster therefore also says
its weakest link (`min_score`), and a cluster larger than `max_size` is split at its weakest
links until its parts are small enough — a batch of hundreds of texts on one broad matter is a
topic, not a duplicate.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.insight.neighbours import DUPLICATE_FROM, Index

__all__ = ["Cluster", "clusters", "clusters_in_file"]

Key = Hashable


@dataclass
class Cluster:
    keys: list[Key]
    pairs: list[tuple[Key, Key, float]] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)

    @property
    def min_score(self) -> float:
        return min((s for _a, _b, s in self.pairs), default=0.0)

    @property
    def max_score(self) -> float:
        return max((s for _a, _b, s in self.pairs), default=0.0)

    def as_dict(self) -> dict[str, object]:
        return {
            "keys": self.keys,
            "size": len(self.keys),
            "min_score": self.min_score,
            "max_score": self.max_score,
            "shared": self.shared,
            "pairs": [{"a": a, "b": b, "score": s} for a, b, s in self.pairs],
        }


class _Union:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}

    def find(self, x: Key) -> Key:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _components(keys: Sequence[Key], links: Sequence[tuple[Key, Key, float]]) -> list[list[Key]]:
    union = _Union()
    for a, b, _s in links:
        union.join(a, b)
    groups: dict[Key, list[Key]] = {}
    for key in keys:
        if key in union.parent:
            groups.setdefault(union.find(key), []).append(key)
    return [g for g in groups.values() if len(g) > 1]


def _split(
    group: list[Key], links: list[tuple[Key, Key, float]], max_size: int
) -> list[tuple[list[Key], list[tuple[Key, Key, float]]]]:
    """A group and its links, split at its weakest links until each part is at most max_size."""
    members = set(group)
    inner = [link for link in links if link[0] in members and link[1] in members]
    if len(group) <= max_size or not inner:
        return [(group, inner)]
    weakest = min(s for _a, _b, s in inner)
    stronger = [link for link in inner if link[2] > weakest]
    parts = _components(group, stronger)
    if not parts or (len(parts) == 1 and len(parts[0]) == len(group)):
        return [(group, inner)]
    found = []
    for part in parts:
        found.extend(_split(part, stronger, max_size))
    return found


def clusters(
    items: Iterable[tuple[Key, str, str]],
    *,
    threshold: float = DUPLICATE_FROM,
    max_size: int = 12,
    neighbours: int = 20,
) -> list[Cluster]:
    """Clusters of near-duplicates among (key, title, body), largest first. Each text is
    linked to its `neighbours` nearest texts at least `threshold` similar."""
    rows = list(items)
    index = Index.build(rows, keep_rows=True)
    keys = [key for key, _t, _b in rows]
    links: dict[tuple[Key, Key], float] = {}
    order = {key: i for i, key in enumerate(keys)}
    for key in keys:
        for match in index.similar_to(key, k=neighbours, threshold=threshold):
            a, b = sorted((key, match.key), key=order.__getitem__)
            links[(a, b)] = max(links.get((a, b), 0.0), match.score)
    linked = [(a, b, s) for (a, b), s in links.items()]
    found: list[Cluster] = []
    for group in _components(keys, linked):
        for part, inner in _split(sorted(group, key=order.__getitem__), linked, max_size):
            if len(part) < 2:
                continue
            inner.sort(key=lambda link: (-link[2], order[link[0]], order[link[1]]))
            found.append(Cluster(part, inner, _shared_words(index, part)))
    found.sort(key=lambda c: (-len(c.keys), -c.max_score, order[c.keys[0]]))
    return found


def _shared_words(index: Index, keys: Sequence[Key], top: int = 5) -> list[str]:
    """The words most of the cluster's texts have, by their summed weight."""
    weight: dict[str, float] = {}
    count: dict[str, int] = {}
    for key in keys:
        for term, w in index.terms_of(key).items():
            if term.startswith("w:"):
                weight[term[2:]] = weight.get(term[2:], 0.0) + w
                count[term[2:]] = count.get(term[2:], 0) + 1
    need = max(2, (len(keys) + 1) // 2)
    common = [w for w in weight if count[w] >= need]
    return sorted(common, key=lambda w: -weight[w])[:top]


def clusters_in_file(
    path: str | Path,
    text_cols: Sequence[str],
    *,
    threshold: float = DUPLICATE_FROM,
    max_size: int = 12,
) -> tuple[list[Cluster], list[tuple[str, ...]], list[int], str]:
    """Clusters among the rows of a CSV or xlsx file (read by the evaluation harness's reader):
    the clusters (keys are the spreadsheet's row numbers, header included), the rows' texts,
    their row numbers, and how the file was read."""
    from minsheng.insight.evaluate import find_header, read_rows
    from minsheng.insight.words import clean

    rows, encoding = read_rows(Path(path))
    header_at = find_header(rows, list(text_cols), Path(path), encoding)
    names = [clean(c) for c in rows[header_at]]
    at = [names.index(c) for c in text_cols]
    texts: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = tuple(clean(row[i]) if i < len(row) else "" for i in at)
        if not any(cells):
            continue
        texts.append(cells)
        numbers.append(number)
    items = [
        (number, cells[0], " ".join(cells[1:]))
        for number, cells in zip(numbers, texts, strict=True)
    ]
    return clusters(items, threshold=threshold, max_size=max_size), texts, numbers, encoding
