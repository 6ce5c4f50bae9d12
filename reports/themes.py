"""Themes: what people talked about, as clusters of comments that keep their ids week to week.

Comments are clustered on the bundled encoder's embeddings (unit length, so k-means on them
groups by cosine) with scikit-learn's KMeans; the number of clusters is the one with the best
silhouette between `min_themes` and `max_themes`. A theme's label is its most distinctive
words by class-based TF-IDF (each theme's comments as one document, so a word scores for
being frequent in this theme and rare in the others). Its examples are the two or three
comments nearest its centre, among those that were left visible.

To follow a theme from one week to the next, this week's centres are matched one to one
(Hungarian assignment on cosine similarity) to the centres kept in the theme book
(`ThemeBook`): a match at `theme_match` or above keeps the old id, anything else is new.
Comments are clustered in the order of their text, so the same comments give the same
clusters whatever week or store they come from.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.metrics import silhouette_score

FloatArray = npt.NDArray[np.float32]
# Too few comments to group meaningfully: fewer than this many per possible theme.
MIN_PER_THEME = 4
TERMS = 4
EXAMPLES = 3
# Words that say nothing about a topic in council comments.
_NOISE = frozenset(
    {"council", "councils", "just", "like", "don", "does", "did", "get", "got", "people", "amp"}
)
BOOK_FILE = "themes.json"


@dataclass(frozen=True, slots=True)
class Cluster:
    """One theme this week, before it has an id."""

    members: tuple[int, ...]  # indices into the clustered comments
    centre: FloatArray
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BookTheme:
    theme_id: int
    label: str
    centre: tuple[float, ...]
    share: float


@dataclass
class ThemeBook:
    """Every week's theme centres, kept in the report's state folder as JSON.

    Centres are only comparable under the model that made them: a book from another model
    version starts again (its ids are not reused)."""

    model: str
    next_id: int = 1
    weeks: dict[str, list[BookTheme]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, model: str) -> ThemeBook:
        path = folder / BOOK_FILE
        if not path.is_file():
            return cls(model)
        data = json.loads(path.read_text(encoding="utf-8"))
        next_id = int(data.get("next_id", 1))
        if data.get("model") != model:
            return cls(model, next_id)
        weeks = {
            week: [
                BookTheme(int(t["id"]), str(t["label"]), tuple(t["centre"]), float(t["share"]))
                for t in themes
            ]
            for week, themes in data.get("weeks", {}).items()
        }
        return cls(model, next_id, weeks)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "model": self.model,
            "next_id": self.next_id,
            "weeks": {
                week: [
                    {"id": t.theme_id, "label": t.label, "centre": list(t.centre), "share": t.share}
                    for t in themes
                ]
                for week, themes in sorted(self.weeks.items())
            },
        }
        partial = folder / f"{BOOK_FILE}.{os.getpid()}.partial"
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, folder / BOOK_FILE)

    def latest_before(self, week: str) -> tuple[str, list[BookTheme]] | None:
        earlier = sorted(w for w in self.weeks if w < week)
        return (earlier[-1], self.weeks[earlier[-1]]) if earlier else None


def cluster(
    texts: Sequence[str],
    embeddings: FloatArray,
    *,
    min_themes: int,
    max_themes: int,
    exclude_words: frozenset[str] = frozenset(),
) -> list[Cluster]:
    """Group the comments into themes; [] when there are too few to group."""
    n = len(texts)
    most = min(max_themes, n // MIN_PER_THEME)
    if most < min_themes:
        return []
    order = sorted(range(n), key=lambda i: (texts[i], i))
    data = embeddings[order].astype(np.float64)
    best: tuple[float, npt.NDArray[np.int_]] | None = None
    for k in range(min_themes, most + 1):
        # One k-means++ start (scikit-learn's own default): more starts cost several times
        # as long and made no better grouping on the demo or the busy bench week.
        labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit_predict(data)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(
            silhouette_score(
                data, labels, metric="cosine", sample_size=min(n, 3000), random_state=0
            )
        )
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return []
    labels = best[1]
    groups = [
        [order[row] for row in np.flatnonzero(labels == k).tolist()]
        for k in sorted(set(labels.tolist()))
    ]
    groups = [g for g in groups if g]
    terms = _distinctive_terms([[texts[i] for i in g] for g in groups], exclude_words)
    return [
        Cluster(tuple(sorted(g)), _unit(embeddings[g].mean(axis=0)), tuple(t))
        for g, t in zip(groups, terms, strict=True)
    ]


_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\S+\.(?:co\.uk|gov\.uk|com|org|net|uk)\S*")


def _distinctive_terms(groups: list[list[str]], exclude: frozenset[str]) -> list[list[str]]:
    """Class-based TF-IDF: the words (and pairs of words) most particular to each group.
    Addresses, handles and links are left out: they name no topic, and may name someone."""
    stop = sorted(ENGLISH_STOP_WORDS | _NOISE | exclude)
    vectorizer = CountVectorizer(
        stop_words=stop,
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        lowercase=True,
        ngram_range=(1, 2),
    )
    documents = [_ADDRESSES.sub(" ", " \n ".join(g)) for g in groups]
    try:
        counts = vectorizer.fit_transform(documents).toarray()
    except ValueError:  # nothing but stop words
        return [[] for _ in groups]
    words = vectorizer.get_feature_names_out()
    per_group = counts.sum(axis=1, keepdims=True).clip(min=1)
    tf = counts / per_group
    average = counts.sum() / len(groups)
    idf = np.log(1 + average / counts.sum(axis=0).clip(min=1))
    scores = tf * idf
    result = []
    for row, total in zip(scores, counts, strict=True):
        chosen: list[str] = []
        for j in np.argsort(-row, kind="stable"):
            word = str(words[j])
            if total[j] < 2 or row[j] <= 0:
                continue
            # "food waste" makes "food" and "waste" redundant, and the other way round.
            if any(_overlaps(word, c) for c in chosen):
                continue
            chosen.append(word)
            if len(chosen) == TERMS:
                break
        result.append(chosen)
    return result


def _overlaps(word: str, other: str) -> bool:
    def stems(text: str) -> set[str]:
        return {w.removesuffix("s") for w in text.split()}

    return bool(stems(word) & stems(other))


def match(
    centres: Sequence[FloatArray], earlier: Sequence[BookTheme], threshold: float
) -> dict[int, int]:
    """This week's cluster index -> the id of the earlier theme it continues."""
    if not centres or not earlier:
        return {}
    old = np.array([t.centre for t in earlier], dtype=np.float64)
    new = np.array(centres, dtype=np.float64)
    similarity = new @ old.T
    rows, cols = linear_sum_assignment(-similarity)
    return {
        int(r): earlier[int(c)].theme_id
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= threshold
    }


def _unit(vector: npt.NDArray[Any]) -> FloatArray:
    norm = float(np.linalg.norm(vector)) or 1.0
    return (vector / norm).astype(np.float32)
