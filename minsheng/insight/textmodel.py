"""A linear text classifier whose every score can be explained by the words of the text.

Design (docs/insight.md):
- Three blocks of TF-IDF features (sublinear term frequency, L2 per block): the title's jieba
  words, the whole text's jieba words (unigrams and adjacent pairs), and the whole text's
  character 1–3-grams. Words carry meaning ("农村公路", "医保"); character n-grams catch what the
  segmenter cuts badly (new names, typos, other scripts). The title has its own block because
  it states the matter in a few words and a long body would otherwise drown it.
- A multinomial logistic regression over the blocks, with class weights balanced, so a rare
  class (a small unit) is not swallowed by a large one. Its softmax probabilities are the
  scores; on held-out folds they are calibrated (the evaluator reports the expected
  calibration error).
- An explanation is read off the model itself: the score of class k is b_k + Σ_j x_j·w_kj,
  so x_j·w_kj is feature j's contribution. The coefficients are centred across classes
  (softmax does not change when a constant is added to every class), so a contribution says how
  much the feature pushed this class above the average class. Character n-grams are credited
  to the words that contain them; the words with the largest total are the explanation, each a
  word of the text.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from minsheng.insight.words import clean, words

__all__ = ["Doc", "Explained", "Scored", "TextModel", "prepare"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Doc:
    """A text as the model reads it (prepared once: segmenting is the slow part)."""

    text: str  # cleaned title + body
    title_words: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Explained:
    word: str
    weight: float  # its share of what pushed the class up, 0..1


@dataclass(frozen=True)
class Scored:
    label: Hashable
    score: float
    words: tuple[Explained, ...] = field(default=())


def prepare(title: object, body: object = "") -> Doc:
    t, b = clean(title), clean(body)
    text = f"{t}。{b}" if t and b else (t or b)
    title_words = tuple(words(t))
    return Doc(text, title_words, title_words + tuple(words(b)))


def _given(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _with_pairs(tokens: Sequence[str]) -> list[str]:
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _char_text(doc: Doc) -> str:
    # Punctuation and spaces separate; n-grams never run across them.
    return " ".join(doc.words) if not doc.text else doc.text


def _char_grams(text: str) -> list[str]:
    grams: list[str] = []
    for part in "".join(c if c.isalnum() else " " for c in text.lower()).split():
        n = len(part)
        for size in (1, 2, 3):
            grams.extend(part[i : i + size] for i in range(n - size + 1))
    return grams


def _vectoriser(analyzer: Callable[[Any], Any], min_df: int, max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        lowercase=False,
        sublinear_tf=True,
        min_df=min_df,
        max_features=max_features,
        dtype=np.float32,
    )


class TextModel:
    """Fit on prepared docs and labels; `top` gives the best labels with scores and words.

    `kind="words+chars"` is Minsheng's design; `kind="chars-svm"` is the plain character
    n-gram linear SVM that the evaluator reports beside it as the baseline."""

    def __init__(self, *, kind: str = "words+chars", c: float = 4.0) -> None:
        if kind not in ("words+chars", "chars-svm"):
            raise ValueError(kind)
        self.kind = kind
        self.c = c
        self.labels: list[Hashable] = []
        self.blocks: list[tuple[str, TfidfVectorizer]] = []
        self.coef: Any = None  # classes × features, centred
        self.intercept: Any = None
        self.names: list[str] = []  # feature index → "t:word", "w:word", "c:ngram"
        self.train_s = 0.0

    # --- training ---------------------------------------------------------------------------

    def _inputs(self, name: str, docs: Sequence[Doc]) -> list[Any]:
        if name == "t":
            return [d.title_words for d in docs]
        if name == "w":
            return [d.words for d in docs]
        return [_char_text(d) for d in docs]

    def _matrix(self, docs: Sequence[Doc]) -> Any:
        return sp.hstack(
            [v.transform(self._inputs(name, docs)) for name, v in self.blocks], format="csr"
        )

    def fit(
        self,
        docs: Sequence[Doc],
        labels: Sequence[Hashable],
        *,
        sample_weight: Sequence[float] | None = None,
        progress: Progress | None = None,
    ) -> TextModel:
        if len(docs) != len(labels) or not docs:
            raise ValueError("need as many labels as texts, and at least one")
        started = time.perf_counter()
        step = progress or (lambda _stage, _done, _total: None)
        small = len(docs) < 200  # duty descriptions alone: keep every term
        min_df = 1 if small else 2
        if self.kind == "chars-svm":
            specs = [("c", _vectoriser(_char_grams, min_df, 300_000))]
        else:
            specs = [
                ("t", _vectoriser(_given, 1, 50_000)),
                ("w", _vectoriser(_with_pairs, min_df, 200_000)),
                ("c", _vectoriser(_char_grams, min_df, 200_000)),
            ]
        parts = []
        for i, (name, vectoriser) in enumerate(specs):
            step("features", i, len(specs))
            parts.append(vectoriser.fit_transform(self._inputs(name, docs)))
        self.blocks = specs
        self.names = [
            f"{name}:{term}" for name, v in specs for term in v.get_feature_names_out().tolist()
        ]
        x = sp.hstack(parts, format="csr")
        step("features", len(specs), len(specs))
        self.labels = sorted(set(labels), key=str)
        y = np.array([self.labels.index(label) for label in labels])
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        step("model", 0, 1)
        if len(self.labels) == 1:
            self.coef = np.zeros((1, x.shape[1]), dtype=np.float32)
            self.intercept = np.zeros(1)
        elif self.kind == "chars-svm":
            svm = LinearSVC(C=0.5, class_weight="balanced")
            svm.fit(x, y, sample_weight=weight)
            self._take(svm)
        else:
            lr = LogisticRegression(
                C=self.c, class_weight="balanced", max_iter=300, tol=1e-3, solver="lbfgs"
            )
            lr.fit(x, y, sample_weight=weight)
            self._take(lr)
        step("model", 1, 1)
        self.train_s = time.perf_counter() - started
        return self

    def _take(self, estimator: Any) -> None:
        coef = np.asarray(estimator.coef_, dtype=np.float32)
        intercept = np.asarray(estimator.intercept_, dtype=float)
        if coef.shape[0] == 1:  # two classes: one row for the second
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        self.coef = coef - coef.mean(axis=0, keepdims=True)
        self.intercept = intercept - intercept.mean()

    # --- prediction -------------------------------------------------------------------------

    def _scores(self, x: Any) -> Any:
        logits = np.asarray(x @ self.coef.T) + self.intercept
        if self.kind == "chars-svm":
            return logits  # margins, not probabilities
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def proba(self, docs: Sequence[Doc]) -> Any:
        return self._scores(self._matrix(docs))

    def top(self, doc: Doc, k: int = 3, *, explain: int = 5) -> list[Scored]:
        x = self._matrix([doc])
        scores = self._scores(x)[0]
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Scored(
                self.labels[i],
                round(float(scores[i]), 4),
                self.explain(doc, x, int(i), explain) if explain else (),
            )
            for i in order
        ]

    def explain(self, doc: Doc, x: Any, klass: int, n: int) -> tuple[Explained, ...]:
        """The words of the text that pushed class `klass` up most, with their shares."""
        row = x.getrow(0)
        contributions = row.data * self.coef[klass, row.indices]
        credit: dict[str, float] = defaultdict(float)
        containing = _containing(doc.words)
        for index, value in zip(row.indices, contributions, strict=True):
            if value <= 0:
                continue
            block, term = self.names[index].split(":", 1)
            if block in ("t", "w"):
                for word in term.split(" "):
                    credit[word] += float(value) / len(term.split(" "))
            else:
                holders = containing.get(term)
                if holders:
                    for word in holders:
                        credit[word] += float(value) / len(holders)
        total = sum(credit.values())
        if total <= 0:
            return ()
        best = sorted(credit.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return tuple(Explained(word, round(value / total, 3)) for word, value in best)


def _containing(tokens: Sequence[str]) -> dict[str, list[str]]:
    """Each character n-gram (1–3 characters) of the words → the distinct words holding it; an
    n-gram across two neighbouring words → both words (it is credited to them, never named)."""
    found: dict[str, list[str]] = defaultdict(list)
    for word in dict.fromkeys(tokens):
        for gram in dict.fromkeys(_char_grams(word)):
            found[gram].append(word)
    across: dict[str, list[str]] = defaultdict(list)
    for a, b in zip(tokens, tokens[1:], strict=False):
        joined = f"{a}{b}".lower()
        cut = len(a)
        for size in (2, 3):
            for start in range(max(0, cut - size + 1), min(cut, len(joined) - size + 1)):
                gram = joined[start : start + size]
                if gram not in found:
                    across[gram].extend(w for w in (a, b) if w not in across[gram])
    for gram, holders in across.items():
        found[gram] = holders
    return found
