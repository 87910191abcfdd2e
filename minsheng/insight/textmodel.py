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
        if len(docs) == 1:
            return self._vector(docs[0])
        return sp.hstack(
            [v.transform(self._inputs(name, docs)) for name, v in self.blocks], format="csr"
        )

    def _vector(self, doc: Doc) -> Any:
        """One document's features, as the vectorisers' transform computes them (sublinear tf
        × idf, L2 per block), without their per-call validation: a page asks for one text at a
        time (tests/test_insight_recommender.py checks both agree)."""
        indices: list[int] = []
        values: list[float] = []
        offset = 0
        for name, vectoriser in self.blocks:
            vocabulary = vectoriser.vocabulary_
            analyse = vectoriser.build_analyzer()
            counts: dict[int, int] = defaultdict(int)
            for term in analyse(self._inputs(name, [doc])[0]):
                j = vocabulary.get(term)
                if j is not None:
                    counts[j] += 1
            if counts:
                at = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
                weight = tf * vectoriser.idf_[at]
                norm = float(np.sqrt((weight**2).sum()))
                order = np.argsort(at)
                indices.extend((at[order] + offset).tolist())
                values.extend((weight[order] / norm if norm else weight[order]).tolist())
            offset += len(vocabulary)
        return sp.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                [0, len(indices)],
            ),
            shape=(1, offset),
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
        self._fit_classifier(x, labels, sample_weight, step)
        self.train_s = time.perf_counter() - started
        self.train_matrix = x  # for `head`; dropped when the model is saved
        return self

    def head(
        self, rows: Sequence[int], labels: Sequence[Hashable], progress: Progress | None = None
    ) -> TextModel:
        """A second classifier over the same features (the category beside the unit), fitted
        on rows of the matrix this model was trained on: the texts are read once."""
        started = time.perf_counter()
        other = TextModel(kind=self.kind, c=self.c)
        other.blocks, other.names = self.blocks, self.names
        step = progress or (lambda _stage, _done, _total: None)
        other._fit_classifier(self.train_matrix[list(rows)], labels, None, step)
        other.train_s = time.perf_counter() - started
        return other

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("train_matrix", None)
        return state

    def _fit_classifier(
        self,
        x: Any,
        labels: Sequence[Hashable],
        sample_weight: Sequence[float] | None,
        step: Progress,
    ) -> None:
        self.labels = sorted(set(labels), key=str)
        index = {label: i for i, label in enumerate(self.labels)}
        y = np.array([index[label] for label in labels])
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
            # newton-cg, not lbfgs: SciPy's L-BFGS-B (C since 1.15) spends most of its time in
            # its own bookkeeping on a million coefficients (scipy/scipy#23161, #23191).
            lr = LogisticRegression(
                C=self.c, class_weight="balanced", max_iter=100, tol=1e-3, solver="newton-cg"
            )
            lr.fit(x, y, sample_weight=weight)
            self._take(lr)
        step("model", 1, 1)

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
        containing = _containing(doc.words) if explain else {}
        return [
            Scored(
                self.labels[i],
                round(float(scores[i]), 4),
                self.explain(x, int(i), explain, containing) if explain else (),
            )
            for i in order
        ]

    def explain(
        self, x: Any, klass: int, n: int, containing: dict[str, list[str]]
    ) -> tuple[Explained, ...]:
        """The words of the text that pushed class `klass` up most, with their shares
        (`containing`: `_containing(doc.words)`)."""
        contributions = x.data * self.coef[klass, x.indices]
        credit: dict[str, float] = defaultdict(float)
        for index, value in zip(
            x.indices[contributions > 0], contributions[contributions > 0], strict=True
        ):
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
