"""The Detoxify backend runs a checkpoint in Detoxify's format from local files, offline."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from moderation.model.detoxify_backend import DetoxifyModel, DetoxifyModelError
from moderation.model_interface import LABELS
from tests.detoxify.conftest import (
    ORIGINAL_CLASSES,
    SITECUSTOMIZE,
    UNBIASED_CLASSES,
    UNBIASED_IDENTITY_OUTPUTS,
    NetworkAttempts,
    TinyDetoxify,
    save_detoxify_checkpoint,
    save_tiny_bert_folder,
    torch,
    transformers,
)

TEXTS = [
    "Thank you for fixing the streetlight on Mill Lane.",
    "You are a useless idiot and a liar.",
    "The council bins were not collected again.",
    "",
]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_a_detoxify_checkpoint_scores_every_house_label_with_no_network(
    tiny_original: TinyDetoxify, no_network: NetworkAttempts
) -> None:
    model = DetoxifyModel.load(tiny_original.checkpoint, tiny_original.config_dir)

    embeddings, scores = model.score(TEXTS)

    assert embeddings is None
    assert len(scores) == len(TEXTS)
    for row in scores:
        assert set(row) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in row.values())
    assert model.embed(TEXTS) is None
    assert no_network.attempts == []


def test_the_same_text_always_gets_the_same_scores(
    tiny_original: TinyDetoxify, no_network: NetworkAttempts
) -> None:
    first = DetoxifyModel.load(tiny_original.checkpoint, tiny_original.config_dir)
    second = DetoxifyModel.load(tiny_original.checkpoint, tiny_original.config_dir)

    _, once = first.score(TEXTS)
    _, again = first.score(TEXTS)
    _, reloaded = second.score(TEXTS)
    _, alone = first.score([TEXTS[1]])

    assert once == again == reloaded
    assert alone[0] == pytest.approx(once[1], abs=1e-5)
    assert first.version == second.version


def test_the_version_names_detoxify_and_the_checkpoint(
    tiny_original: TinyDetoxify, no_network: NetworkAttempts
) -> None:
    model = DetoxifyModel.load(tiny_original.checkpoint, tiny_original.config_dir)

    assert model.version.startswith("detoxify-toxic_original-tiny-")


def test_the_original_models_jigsaw_classes_feed_the_house_labels(
    tmp_path: Path, bert_folder: tuple[Path, Any], no_network: NetworkAttempts
) -> None:
    folder, config = bert_folder
    # toxic, severe_toxic, obscene, threat, insult, identity_hate
    biases = (2.0, -3.0, -1.0, 0.5, 1.0, -2.0)
    checkpoint = tmp_path / "original-fixed.ckpt"
    save_detoxify_checkpoint(checkpoint, config, ORIGINAL_CLASSES, head_biases=biases)

    _, (row,) = DetoxifyModel.load(checkpoint, folder).score(["you idiot"])

    assert row == pytest.approx(
        {
            "toxicity": sigmoid(2.0),
            "obscene": sigmoid(-1.0),
            "threat": sigmoid(0.5),
            "insult": sigmoid(1.0),
            "identity_attack": sigmoid(-2.0),
        },
        abs=1e-6,
    )


def test_the_unbiased_models_sexual_explicit_class_counts_as_obscene(
    tmp_path: Path, bert_folder: tuple[Path, Any], no_network: NetworkAttempts
) -> None:
    folder, config = bert_folder
    # toxicity, severe_toxicity, obscene, identity_attack, insult, threat, sexual_explicit,
    # then the nine identity outputs Detoxify's unbiased model has and does not report.
    biases = (-1.0, -4.0, -2.0, 0.3, -0.5, -3.0, 1.5) + (5.0,) * UNBIASED_IDENTITY_OUTPUTS
    checkpoint = tmp_path / "unbiased-fixed.ckpt"
    save_detoxify_checkpoint(
        checkpoint,
        config,
        UNBIASED_CLASSES,
        num_outputs=len(biases),
        head_biases=biases,
    )

    _, (row,) = DetoxifyModel.load(checkpoint, folder).score(["filthy disgusting"])

    assert row == pytest.approx(
        {
            "toxicity": sigmoid(-1.0),
            "obscene": sigmoid(1.5),
            "identity_attack": sigmoid(0.3),
            "insult": sigmoid(-0.5),
            "threat": sigmoid(-3.0),
        },
        abs=1e-6,
    )


def test_the_unbiased_roberta_layout_loads_with_its_unused_pooler_and_long_comments(
    tmp_path: Path, no_network: NetworkAttempts
) -> None:
    folder = tmp_path / "roberta-base"
    config = save_tiny_bert_folder(folder, "RobertaConfig")
    biases = (0.2, -4.0, -2.0, 0.3, -0.5, -3.0, -1.5) + (5.0,) * UNBIASED_IDENTITY_OUTPUTS
    checkpoint = tmp_path / "toxic_debiased-tiny.ckpt"
    state_dict = save_detoxify_checkpoint(
        checkpoint,
        config,
        UNBIASED_CLASSES,
        num_outputs=len(biases),
        head_biases=biases,
        model_name="RobertaForSequenceClassification",
        model_type="roberta-base",
    )
    # Classifiers trained before transformers 3.1 saved a pooler RoBERTa's head never reads.
    state_dict["roberta.pooler.dense.weight"] = torch.zeros(32, 32)
    state_dict["roberta.pooler.dense.bias"] = torch.zeros(32)
    saved = torch.load(str(checkpoint), weights_only=True)
    torch.save({"config": saved["config"], "state_dict": state_dict}, str(checkpoint))
    long_comment = "the council bins were not collected again " * 40

    _, (short, long) = DetoxifyModel.load(checkpoint, None).score(["you idiot", long_comment])

    assert short == pytest.approx(long, abs=1e-6)
    assert short["toxicity"] == pytest.approx(sigmoid(0.2), abs=1e-6)
    assert short["obscene"] == pytest.approx(sigmoid(-1.5), abs=1e-6)


def test_an_unconverted_lightning_checkpoint_scores_like_the_converted_one(
    tmp_path: Path, tiny_original: TinyDetoxify, no_network: NetworkAttempts
) -> None:
    loaded = torch.load(str(tiny_original.checkpoint), weights_only=True)
    old_names = OrderedDict()
    for key, value in loaded["state_dict"].items():
        key = key.replace("LayerNorm.weight", "LayerNorm.gamma")
        key = key.replace("LayerNorm.bias", "LayerNorm.beta")
        old_names[f"model.{key}"] = value
    old_names["model.bert.embeddings.position_ids"] = torch.arange(64).unsqueeze(0)
    lightning = tmp_path / "lightning.ckpt"
    torch.save({"config": loaded["config"], "state_dict": old_names}, str(lightning))

    _, converted = DetoxifyModel.load(tiny_original.checkpoint, tiny_original.config_dir).score(
        TEXTS
    )
    _, unconverted = DetoxifyModel.load(lightning, tiny_original.config_dir).score(TEXTS)

    assert unconverted == converted


def test_the_config_folder_defaults_to_the_base_model_name_beside_the_checkpoint(
    tiny_original: TinyDetoxify, no_network: NetworkAttempts
) -> None:
    assert tiny_original.config_dir == tiny_original.checkpoint.parent / "bert-base-uncased"

    _, scores = DetoxifyModel.load(tiny_original.checkpoint, None).score(TEXTS[:1])

    assert set(scores[0]) == set(LABELS)


def test_a_missing_checkpoint_is_a_clear_error_naming_the_file(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    missing = tmp_path / "toxic_original-c1212f89.ckpt"

    with pytest.raises(DetoxifyModelError, match=r"toxic_original-c1212f89\.ckpt does not exist"):
        DetoxifyModel.load(missing, tiny_original.config_dir)


def test_a_missing_config_folder_is_a_clear_error_naming_what_to_save_there(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    empty = tmp_path / "nothing-here"

    with pytest.raises(DetoxifyModelError, match=r"nothing-here/config\.json") as error:
        DetoxifyModel.load(tiny_original.checkpoint, empty)
    assert "bert-base-uncased" in str(error.value)


def test_a_folder_without_the_tokenizer_is_refused_rather_than_reading_every_word_as_unknown(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    config_only = tmp_path / "config-only"
    config_only.mkdir()
    shutil.copy(tiny_original.config_dir / "config.json", config_only / "config.json")

    with pytest.raises(DetoxifyModelError, match=r"no tokenizer vocabulary in .*config-only"):
        DetoxifyModel.load(tiny_original.checkpoint, config_only)


def test_a_config_folder_for_another_architecture_is_refused(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    roberta = tmp_path / "roberta-base"
    transformers.RobertaConfig(
        vocab_size=50, hidden_size=32, num_hidden_layers=1, num_attention_heads=2
    ).save_pretrained(str(roberta))

    with pytest.raises(DetoxifyModelError, match="is for model_type 'roberta'"):
        DetoxifyModel.load(tiny_original.checkpoint, roberta)


def test_a_file_that_is_not_a_detoxify_checkpoint_is_refused(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    bare = tmp_path / "bare-weights.ckpt"
    torch.save({"weights": torch.zeros(2)}, str(bare))
    not_torch = tmp_path / "notes.ckpt"
    not_torch.write_text("not a checkpoint", encoding="utf-8")

    with pytest.raises(DetoxifyModelError, match=r"bare-weights\.ckpt is not in Detoxify's format"):
        DetoxifyModel.load(bare, tiny_original.config_dir)
    with pytest.raises(DetoxifyModelError, match=r"notes\.ckpt could not be read"):
        DetoxifyModel.load(not_torch, tiny_original.config_dir)


def test_houserules_classify_json_runs_on_the_detoxify_checkpoint_offline(
    tmp_path: Path, tiny_original: TinyDetoxify
) -> None:
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    network_log = tmp_path / "network.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(guard_dir), os.environ.get("PYTHONPATH", "")]),
        "HOUSERULES_TEST_NETWORK_LOG": str(network_log),
        "HF_HUB_OFFLINE": "1",
        "HOUSERULES_MODEL": "detoxify",
        "HOUSERULES_DETOXIFY_CHECKPOINT": str(tiny_original.checkpoint),
        "HOUSERULES_DETOXIFY_CONFIG_DIR": str(tiny_original.config_dir),
    }
    houserules = Path(sys.executable).parent / "houserules"

    result = subprocess.run(
        [str(houserules), "classify", "--json", "You are a useless idiot and a liar."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    verdict = json.loads(result.stdout)
    assert verdict["classifier_version"].startswith("detoxify-toxic_original-tiny-")
    assert verdict["action"] in ("allow", "comms", "hide", "escalate")
    assert not network_log.exists(), network_log.read_text(encoding="utf-8")
