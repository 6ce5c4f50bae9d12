"""The bundled model: files verified, scores that order abuse above politeness, and the words
that carried a score."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from moderation.model import ModelFilesError, ToxicityModel, bundled_folder
from moderation.model.checksums import read_sums, verify
from moderation.model.onnx_model import REQUIRED_FILES, RUN_TOKENS, _runs

POLITE = "Thank you for fixing the streetlight on Mill Lane so quickly, much appreciated."
INSULT = "You are a pathetic, useless idiot and everyone here thinks you're a worthless moron."


@pytest.fixture(scope="module")
def model() -> ToxicityModel:
    return ToxicityModel.load()


def test_bundled_model_files_match_their_checksums() -> None:
    digest = verify(bundled_folder(), REQUIRED_FILES)

    assert len(digest) == 64


def test_model_version_names_the_model_and_its_files(model: ToxicityModel) -> None:
    assert model.version.startswith("minilm-judge-")
    assert model.version == ToxicityModel.load().version


def test_an_abusive_insult_scores_higher_than_a_polite_comment(model: ToxicityModel) -> None:
    _, (polite, insult) = model.score([POLITE, INSULT])

    assert set(polite) == set(model.labels) == set(model.thresholds)
    assert insult["harassment"] > polite["harassment"] + 0.5
    assert insult["negative"] > polite["negative"] + 0.5
    assert insult["harassment"] >= model.thresholds["harassment"] > polite["harassment"]


def test_the_words_that_carry_a_score_are_words_of_the_comment(model: ToxicityModel) -> None:
    _, _, explained = model.score_explained([POLITE, INSULT])

    words = explained[1]["harassment"]
    assert 1 <= len(words) <= 3
    assert all(0 < w.share <= 1 for w in words)
    spans = {INSULT[w.start : w.end].lower() for w in words}
    assert all(span.isalpha() for span in spans), "whole words, not pieces of them"
    assert {"pathetic", "useless", "idiot", "worthless", "moron"} & spans
    assert "harassment" not in explained[0], "a score too low to matter is not explained"


def test_embeddings_are_unit_length_and_do_not_depend_on_the_batch(
    model: ToxicityModel,
) -> None:
    texts = [POLITE, INSULT, "bins", "The tip on Station Road has been closed for three weeks now."]

    together = model.embed(texts)
    alone = model.embed([texts[2]])

    assert together.shape == (4, 384)
    assert together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(alone[0], together[2], atol=1e-5)


def test_long_comments_run_apart_from_short_ones_with_the_same_vectors(
    model: ToxicityModel,
) -> None:
    long = " ".join([POLITE] * 12)  # past the 128-token limit
    texts = ["bins"] * 20 + [long, INSULT] * 3 + [POLITE] * 10
    encodings = model.encoder._tokenizer.encode_batch(texts)

    runs = _runs(encodings, batch_size=32)

    assert sorted(i for run in runs for i in run) == list(range(len(texts)))
    for run in runs:
        width = max(len(encodings[i].ids) for i in run)
        assert len(run) <= 32
        assert len(run) == 1 or len(run) * width <= RUN_TOKENS
    assert set(range(20)) <= set(runs[0])  # the shortest go together
    assert all(len(run) <= RUN_TOKENS // 128 for run in runs if texts.index(long) in run)
    np.testing.assert_allclose(model.embed(texts)[20], model.embed([long])[0], atol=1e-5)


def test_scores_from_embeddings_match_a_full_score(model: ToxicityModel) -> None:
    embeddings, scores = model.score([INSULT])

    assert model.scores_from_embeddings(embeddings) == scores


def test_no_texts_give_no_scores(model: ToxicityModel) -> None:
    embeddings, scores = model.score([])

    assert embeddings.shape == (0, 384)
    assert scores == []


def copy_of_model(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    for name in (*read_sums(bundled_folder()), "SHA256SUMS"):
        shutil.copyfile(bundled_folder() / name, folder / name)
    return folder


def test_a_tampered_model_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    heads = folder / "heads.npz"
    data = bytearray(heads.read_bytes())
    data[len(data) // 2] ^= 0xFF
    heads.write_bytes(bytes(data))

    with pytest.raises(ModelFilesError, match=r"heads\.npz does not match SHA256SUMS"):
        ToxicityModel.load(folder)


def test_a_tampered_checksum_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    sums = folder / "SHA256SUMS"
    lines = sums.read_text().splitlines()
    lines = [("0" * 64 + line[64:]) if line.endswith("labels.json") else line for line in lines]
    sums.write_text("\n".join(lines) + "\n")

    with pytest.raises(ModelFilesError, match=r"labels\.json does not match SHA256SUMS"):
        ToxicityModel.load(folder)


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    folder = copy_of_model(tmp_path)
    (folder / "encoder.onnx").unlink()

    with pytest.raises(ModelFilesError, match=r"encoder\.onnx is missing"):
        ToxicityModel.load(folder)


def test_the_optimised_copy_is_reused_and_a_damaged_one_is_replaced(tmp_path: Path) -> None:
    first = ToxicityModel.load(cache_dir=tmp_path)
    (copy,) = tmp_path.glob("encoder-*.onnx")
    again = ToxicityModel.load(cache_dir=tmp_path)
    copy.write_bytes(b"not a model")
    repaired = ToxicityModel.load(cache_dir=tmp_path)

    texts = [POLITE, INSULT]
    expected = first.embed(texts)
    assert np.allclose(again.embed(texts), expected, atol=1e-6)
    assert np.allclose(repaired.embed(texts), expected, atol=1e-6)
    assert copy.read_bytes() != b"not a model"
