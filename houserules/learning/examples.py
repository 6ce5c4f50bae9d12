"""The council's reviewers' decisions as labelled examples for the model's heads.

Which decisions teach what (the model's labels are in moderation/model/labels.json):

- a hide confirmed: the categories that hid it are positives;
- a hide restored: the categories that hid it are negatives (the comment is lawful);
- an escalation: the categories that hid it are positives, and with a police or
  safeguarding referral the comment is a positive threat;
- categories a reviewer corrected ("recategorised" in the audit log): each category the model
  decides is a positive if the reviewer chose it and a negative if not; this overrides what
  the decision alone implied.

Only the labels a decision speaks for are set; every other label of that example is unknown
and left out of that label's fit. The text is the comment as stored. A comment that is no
longer stored (erased at its author's request, or past the retention limit) gives no
example, and `forget_removed` drops the embeddings kept for it (called by `houserules
erase`, `houserules retention` and every `houserules learn`).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from houserules.learning.versions import ModelVersions, key_digest
from moderation.comment import Comment
from moderation.model.onnx_model import SentenceEncoder
from moderation.review import RECATEGORISED, AuditEvent, DecisionKind, parse_recategorised
from moderation.rules import HouseRules
from moderation.verdict import Action, Category
from store.base import AuditFilter, Store

DECISIONS = (DecisionKind.CONFIRM.value, DecisionKind.RESTORE.value, DecisionKind.ESCALATE.value)
# An escalation referred to one of these (the review app's referral, first in its reason)
# is a threat.
THREAT_REFERRALS = ("Police", "Safeguarding")
# The house-rules category behind each of the model's labels ("negative" is tone).
CATEGORY_OF_LABEL: dict[str, Category] = {
    "threat": Category.THREAT,
    "harassment": Category.HARASSMENT,
    "discrimination": Category.DISCRIMINATION,
    "obscenity": Category.OBSCENITY,
    "allegation": Category.DEFAMATION,
    "scam": Category.SPAM_SCAM,
    "service_complaint": Category.SERVICE_COMPLAINT,
    "criticism": Category.CRITICISM,
}
LEARNABLE = frozenset(CATEGORY_OF_LABEL.values())
NEGATIVE_TONE = frozenset(
    {
        Category.CRITICISM,
        Category.SERVICE_COMPLAINT,
        Category.THREAT,
        Category.HARASSMENT,
        Category.DISCRIMINATION,
        Category.OBSCENITY,
        Category.DEFAMATION,
    }
)
EMBEDDINGS_FILE = "examples.npz"
# Pages read before the audit search restarts from the oldest time read (9 x 1,000 < 10,000).
WINDOW_PAGES = 9


@dataclass(frozen=True)
class Example:
    """One comment a reviewer decided, with the label values the decision implies (1, 0, or
    None where it says nothing)."""

    comment: Comment
    labels: tuple[float | None, ...]
    decided_at: datetime
    decision: str  # confirm, restore, escalate or recategorised
    gold_action: str  # the action the reviewer's decision says was right

    @property
    def key(self) -> str:
        return self.comment.key


@dataclass
class Collected:
    examples: list[Example] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


# --- reading the decisions -----------------------------------------------------------------


def audit_events(store: Store, event: str, page: int = 1000) -> list[AuditEvent]:
    """Every audit event of one kind, oldest first.

    Read newest first in pages; every WINDOW_PAGES pages the search restarts from the oldest
    time read (plus a second, so nothing at that time is skipped; what is read twice is
    recognised), so an Elasticsearch store's 10,000-hit window is never reached."""
    found: dict[tuple[object, ...], AuditEvent] = {}
    until: datetime | None = None
    offset = 0
    while True:
        events, _ = store.audit_page(
            AuditFilter(event=event, until=until), limit=page, offset=offset
        )
        for e in events:
            found.setdefault((e.at, e.actor, e.event, e.comment_key, e.item_id, e.detail), e)
        if len(events) < page:
            break
        offset += page
        if offset >= WINDOW_PAGES * page:
            until = min(e.at for e in events) + timedelta(seconds=1)
            offset = 0
    return sorted(found.values(), key=lambda e: e.at)


def _decision_labels(
    event: AuditEvent,
    comment: Comment,
    found: Sequence[Category],
    rules: HouseRules,
    labels: Sequence[str],
) -> dict[str, float]:
    hid = {
        c for c in found if rules.rule(c).action_on(comment.surface).weight >= Action.HIDE.weight
    }
    value = 0.0 if event.event == DecisionKind.RESTORE.value else 1.0
    out = {
        label: value
        for label, category in CATEGORY_OF_LABEL.items()
        if category in hid and label in labels
    }
    referral = event.detail.split(":", 1)[0].strip()
    if event.event == DecisionKind.ESCALATE.value and referral in THREAT_REFERRALS:
        out["threat"] = 1.0
    return out


def _correction_labels(chosen: frozenset[Category], labels: Sequence[str]) -> dict[str, float]:
    out = {
        label: float(category in chosen)
        for label, category in CATEGORY_OF_LABEL.items()
        if label in labels
    }
    if chosen & NEGATIVE_TONE and "negative" in labels:
        out["negative"] = 1.0
    return out


def _gold_action(decision: str, values: dict[str, float]) -> str:
    if decision == DecisionKind.ESCALATE.value or values.get("threat") == 1.0:
        return Action.ESCALATE.value
    if decision == DecisionKind.RESTORE.value:
        return Action.ALLOW.value
    if decision == DecisionKind.CONFIRM.value:
        return Action.HIDE.value
    hides = {"harassment", "discrimination", "obscenity", "allegation", "scam"}
    return Action.HIDE.value if any(values.get(k) == 1.0 for k in hides) else Action.ALLOW.value


def collect(store: Store, rules: HouseRules, labels: Sequence[str]) -> Collected:
    """Every decision still backed by a stored comment, as one example per comment (its
    latest decision, with its latest correction on top)."""
    decided: dict[str, AuditEvent] = {}
    for kind in DECISIONS:
        for e in audit_events(store, kind):
            if e.comment_key and (
                e.comment_key not in decided or decided[e.comment_key].at <= e.at
            ):
                decided[e.comment_key] = e
    corrected: dict[str, AuditEvent] = {}
    for e in audit_events(store, RECATEGORISED):
        if e.comment_key:
            corrected[e.comment_key] = e  # oldest first, so the latest stays
    out = Collected()
    for key in sorted(set(decided) | set(corrected)):
        stored = store.get(key)
        if stored is None:
            out.skipped["comment no longer stored (erased or past retention)"] += 1
            continue
        comment, verdict = stored.classified.comment, stored.classified.verdict
        values: dict[str, float] = {}
        times: list[datetime] = []
        decision = ""
        if key in decided:
            event = decided[key]
            values.update(_decision_labels(event, comment, verdict.categories, rules, labels))
            times.append(event.at)
            decision = event.event
        if key in corrected:
            chosen = parse_recategorised(corrected[key].detail)
            if chosen is not None:
                values.update(_correction_labels(chosen, labels))
                times.append(corrected[key].at)
                decision = decision or RECATEGORISED
        if not values:
            out.skipped["decided on something the model does not judge"] += 1
            continue
        out.examples.append(
            Example(
                comment=comment,
                labels=tuple(values.get(label) for label in labels),
                decided_at=max(times),
                decision=decision,
                gold_action=_gold_action(decision, values),
            )
        )
    out.examples.sort(key=lambda x: (x.decided_at, x.key))
    return out


def label_matrix(examples: Sequence[Example]) -> npt.NDArray[np.float32]:
    return np.array(
        [[np.nan if v is None else v for v in e.labels] for e in examples], dtype=np.float32
    ).reshape(len(examples), -1)


# --- their embeddings, kept between runs --------------------------------------------------


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ExampleEmbeddings:
    """The embeddings of the comments learned from, kept in <models_dir>/examples.npz so that
    the next `learn` encodes only what is new. Derived from comments' text, so erasure and
    retention remove them with the comments (`forget_removed`)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / EMBEDDINGS_FILE

    def _read(self) -> dict[str, tuple[str, npt.NDArray[np.float32]]]:
        if not self.path.is_file():
            return {}
        with np.load(self.path, allow_pickle=False) as data:
            keys = [str(k) for k in data["keys"]]
            digests = [str(d) for d in data["texts"]]
            vectors = data["embeddings"].astype(np.float32)
        return {k: (d, vectors[i]) for i, (k, d) in enumerate(zip(keys, digests, strict=True))}

    def _write(self, kept: dict[str, tuple[str, npt.NDArray[np.float32]]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        keys = sorted(kept)
        with partial.open("wb") as handle:
            np.savez(
                handle,
                keys=np.array(keys, dtype=str),
                texts=np.array([kept[k][0] for k in keys], dtype=str),
                embeddings=np.array([kept[k][1] for k in keys], dtype=np.float32).reshape(
                    len(keys), -1
                ),
            )
        os.replace(partial, self.path)

    def comment_keys(self) -> list[str]:
        return sorted(self._read())

    def embed(
        self, examples: Sequence[Example], encoder: SentenceEncoder, *, save: bool = True
    ) -> npt.NDArray[np.float32]:
        """One embedding per example, from the kept ones where the text is unchanged."""
        kept = self._read()
        wanted = {e.key: _text_digest(e.comment.text) for e in examples}
        missing = [e for e in examples if kept.get(e.key, ("",))[0] != wanted[e.key]]
        if missing:
            fresh = encoder.embed([e.comment.text for e in missing])
            for e, vector in zip(missing, fresh, strict=True):
                kept[e.key] = (wanted[e.key], vector)
        if save:
            self._write({k: kept[k] for k in wanted})
        return np.array([kept[e.key][1] for e in examples], dtype=np.float32).reshape(
            len(examples), -1
        )

    def forget(self, store: Store) -> list[str]:
        """Drop the embeddings of comments no longer stored; return their keys."""
        kept = self._read()
        if not kept:
            return []
        still = store.seen(sorted(kept))
        gone = sorted(k for k in kept if k not in still)
        if gone:
            self._write({k: v for k, v in kept.items() if k in still})
        return gone


def forget_removed(versions_dir: Path, store: Store) -> int:
    """After erasure or retention: drop the kept embeddings of comments no longer stored, and
    count, on each version that learned from them, how many of its examples are gone (so
    `model list` can say which versions to learn again without them). Returns how many
    examples were dropped."""
    gone = ExampleEmbeddings(versions_dir).forget(store)
    if not gone:
        return 0
    digests = {key_digest(k) for k in gone}
    versions = ModelVersions(versions_dir)
    for record in versions.records():
        hit = sum(1 for d in record.trained_on if d in digests)
        if hit:
            versions.save_record(replace(record, erased_since=record.erased_since + hit))
    return len(gone)
