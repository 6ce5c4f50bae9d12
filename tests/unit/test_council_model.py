"""The council heads shipped in moderation/model load, and put a clear threat above a polite
comment; what they add carries evidence naming the model, and nothing without an embedding.

The two comments are the heads' reference texts, whose embeddings were stored beside the
weights at training time, so these tests need no encoder.
"""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from houserules.config import DEMO_REGISTERS_DIR, load_registers, load_rules
from moderation.comment import Comment, Platform, Surface
from moderation.detectors.all import default_detectors
from moderation.detectors.base import NOTHING, Detection, Document
from moderation.detectors.council_model import CouncilHeads, CouncilHeadsError
from moderation.policy import decide
from moderation.text import normalise
from moderation.verdict import Action, Category

THREAT, POLITE = 0, 1


@pytest.fixture(scope="module")
def heads() -> CouncilHeads:
    return CouncilHeads.load()


def document(heads: CouncilHeads, which: int) -> Document:
    text = heads.reference_texts[which]
    comment = Comment(
        Platform.FACEBOOK, Surface.OWN_PAGE, f"ref-{which}", text, datetime(2026, 11, 1, tzinfo=UTC)
    )
    return Document(comment, normalise(text), embedding=heads.reference_embeddings[which])


def rule_detections(doc: Document) -> list[Detection]:
    return [d.detect(doc) for d in default_detectors(load_registers(DEMO_REGISTERS_DIR), None)]


def test_the_bundled_heads_load_with_a_head_for_every_category(heads: CouncilHeads) -> None:
    assert set(heads.categories) == set(Category)
    assert len(heads.reference_texts) == 2
    assert heads.reference_embeddings.shape == (2, 384)


def test_a_clear_threat_outranks_a_polite_comment_even_when_the_rules_are_silent(
    heads: CouncilHeads,
) -> None:
    threat = heads.probabilities(document(heads, THREAT).embedding, [])  # type: ignore[arg-type]
    polite = heads.probabilities(document(heads, POLITE).embedding, [])  # type: ignore[arg-type]
    assert threat[Category.THREAT] > polite[Category.THREAT] + 0.3
    assert polite[Category.THREAT] < 0.2


def test_a_clear_threat_is_escalated_with_the_model_named_in_the_evidence(
    heads: CouncilHeads,
) -> None:
    doc = document(heads, THREAT)
    detections = rule_detections(doc)
    added = heads.refine(doc, detections)
    threat = [f for f in added.findings if f.category is Category.THREAT]
    assert threat, "the heads should be confident about this threat"
    assert threat[0].evidence[0].description.startswith("council model: p=")
    assert threat[0].evidence[0].description.endswith("for threat")
    verdict = decide(doc.comment, [*detections, added], load_rules(), "test")
    assert verdict.action is Action.ESCALATE


def test_a_polite_comment_gets_nothing_that_would_hide_it(heads: CouncilHeads) -> None:
    doc = document(heads, POLITE)
    detections = rule_detections(doc)
    verdict = decide(doc.comment, [*detections, heads.refine(doc, detections)], load_rules(), "t")
    assert verdict.action is Action.ALLOW


def test_without_an_embedding_the_heads_add_nothing(heads: CouncilHeads) -> None:
    doc = document(heads, THREAT)
    bare = Document(doc.comment, doc.text)
    assert heads.refine(bare, rule_detections(bare)) is NOTHING


def test_an_encoder_that_gives_other_vectors_is_noticed(heads: CouncilHeads) -> None:
    assert heads.encoder_agrees(lambda texts: heads.reference_embeddings)
    assert not heads.encoder_agrees(lambda texts: heads.reference_embeddings[::-1].copy())


def test_a_missing_heads_file_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(CouncilHeadsError, match=r"council_heads\.npz"):
        CouncilHeads.load(tmp_path / "council_heads.npz")


def test_a_heads_file_with_a_missing_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.npz"
    np.savez(path, categories=np.array(["threat"]))
    with pytest.raises(CouncilHeadsError, match="lacks"):
        CouncilHeads.load(path)
