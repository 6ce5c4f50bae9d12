"""Detoxify's checkpoints as a `TextModel`, run from local files only.

For councils that can download a Detoxify checkpoint (`original`, `unbiased`, `multilingual`)
and the matching transformers folder (bert-base-uncased, roberta-base or xlm-roberta-base,
saved with `save_pretrained`) once, and must run with no model hub. detoxify 0.5.4 itself asks
the hub for the base model's config even when given a checkpoint, so this module does not call
it: it reads the checkpoint (a `torch.save` dict with "config" and "state_dict"), builds the
transformers class the checkpoint names from the local folder's config, loads the weights, and
maps Detoxify's class names onto ours. torch and transformers are imported inside `load`, so
importing this module (and the rest of the core) never loads them; they come with the
`houserules[detoxify]` extra. See docs/detoxify.md.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from moderation.model.checksums import ModelFilesError, file_sha256
from moderation.model_interface import LABELS

BATCH_SIZE = 16
MAX_TOKENS = 512

# Detoxify renames the Jigsaw column names the same way (detoxify.load_checkpoint).
DETOXIFY_RENAMES = {
    "toxic": "toxicity",
    "severe_toxic": "severe_toxicity",
    "identity_hate": "identity_attack",
}
# Our label <- the Detoxify classes that feed it (the highest probability wins). The unbiased and
# multilingual models split sexual content out of `obscene`; our obscenity rule covers both.
LABEL_SOURCES: Mapping[str, tuple[str, ...]] = {
    "toxicity": ("toxicity",),
    "insult": ("insult",),
    "identity_attack": ("identity_attack",),
    "threat": ("threat",),
    "obscene": ("obscene", "sexual_explicit"),
}
# Weights a checkpoint may carry that the network rightly does not use: buffers older
# transformers saved and newer ones rebuild, and the pooler that RoBERTa-style classifiers
# built before transformers 3.1 had but never read. transformers ignores them too.
REBUILT_BUFFERS = ("position_ids", "token_type_ids")
UNUSED_MODULES = (".pooler.",)
ROBERTA_STYLE = ("roberta", "xlm-roberta", "camembert")


class DetoxifyModelError(ModelFilesError):
    """The checkpoint or the tokenizer/config folder is missing, unreadable or does not fit."""


@dataclass(frozen=True)
class DetoxifyArchitecture:
    """What a Detoxify checkpoint's "config" says about the network it holds."""

    model_type: str
    model_name: str
    tokenizer_name: str
    num_classes: int
    class_names: tuple[str, ...]

    @classmethod
    def from_config(cls, config: object, checkpoint: Path) -> DetoxifyArchitecture:
        """Parse the training config stored in the checkpoint.

        Class names are read where detoxify 0.5.4 reads them (dataset.args.classes) or where
        later Detoxify configs keep them (arch.args.classes). Raises DetoxifyModelError naming
        the checkpoint and the missing key.
        """
        if not isinstance(config, Mapping):
            raise DetoxifyModelError(f"{checkpoint}: the checkpoint's 'config' is not a mapping")
        arch = _mapping_at(config, ("arch", "args"), checkpoint)
        classes = _classes(config, arch, checkpoint)
        fields = {}
        for key in ("model_type", "model_name", "tokenizer_name"):
            value = arch.get(key)
            if not isinstance(value, str) or not value:
                raise DetoxifyModelError(f"{checkpoint}: config.arch.args has no '{key}'")
            fields[key] = value
        num_classes = arch.get("num_classes", len(classes))
        if not isinstance(num_classes, int) or num_classes < len(classes):
            raise DetoxifyModelError(
                f"{checkpoint}: config.arch.args.num_classes ({num_classes!r}) is fewer than "
                f"its {len(classes)} class names"
            )
        return cls(
            model_type=fields["model_type"],
            model_name=fields["model_name"],
            tokenizer_name=fields["tokenizer_name"],
            num_classes=num_classes,
            class_names=tuple(DETOXIFY_RENAMES.get(name, name) for name in classes),
        )

    def output_name(self, index: int) -> str:
        """The class an output column scores; outputs past the named classes (the unbiased
        model's identity subgroups) are `output_<i>`."""
        return self.class_names[index] if index < len(self.class_names) else f"output_{index}"

    def label_columns(self, checkpoint: Path) -> dict[str, tuple[int, ...]]:
        """Our label -> the output columns it is the maximum of; every label must be fed."""
        columns = {
            label: tuple(self.class_names.index(c) for c in sources if c in self.class_names)
            for label, sources in LABEL_SOURCES.items()
        }
        missing = [label for label in LABELS if not columns.get(label)]
        if missing:
            raise DetoxifyModelError(
                f"{checkpoint}: the checkpoint's classes {list(self.class_names)} give no "
                f"score for {missing}"
            )
        return columns


def normalise_state_dict(state_dict: Mapping[str, Any]) -> dict[str, Any]:
    """Weight names as current transformers expects them.

    Drops the `model.` prefix of an unconverted PyTorch Lightning checkpoint (every key has it,
    or none is touched) and renames the old `LayerNorm.gamma`/`.beta` to `.weight`/`.bias`.
    """
    keys = list(state_dict)
    strip = bool(keys) and all(k.startswith("model.") for k in keys)
    out: dict[str, Any] = {}
    for key, value in state_dict.items():
        name = key[len("model.") :] if strip else key
        if name.endswith("LayerNorm.gamma"):
            name = name[: -len("gamma")] + "weight"
        elif name.endswith("LayerNorm.beta"):
            name = name[: -len("beta")] + "bias"
        out[name] = value
    return out


class DetoxifyModel:
    """A Detoxify checkpoint on CPU; implements `moderation.model_interface.TextModel`.

    Scores depend only on the text: texts are scored in length-sorted batches with padding
    masked, in eval mode without gradients. No embeddings: a toxicity-tuned encoder's hidden
    states are a poor measure of what a claim means, so detectors that match by meaning fall
    back to words with this backend.
    """

    def __init__(
        self,
        network: Any,
        tokenizer: Any,
        torch: ModuleType,
        label_columns: Mapping[str, tuple[int, ...]],
        version: str,
        max_tokens: int,
    ) -> None:
        self._network = network
        self._tokenizer = tokenizer
        self._torch = torch
        self._label_columns = dict(label_columns)
        self.version = version
        self._max_tokens = max_tokens

    @classmethod
    def load(cls, checkpoint: Path, config_dir: Path | None = None) -> DetoxifyModel:
        """Load a Detoxify checkpoint and its tokenizer/config folder, touching no network.

        `config_dir` defaults to a folder next to the checkpoint named after the base model
        (e.g. `bert-base-uncased/`). HF_HUB_OFFLINE is set (if unset) before transformers is
        imported, and every transformers call is told to use local files only. Raises
        DetoxifyModelError naming the file or folder that is missing or does not fit, and
        ImportError naming the extra to install if torch or transformers is absent.
        """
        checkpoint = Path(checkpoint)
        if not checkpoint.is_file():
            raise DetoxifyModelError(f"Detoxify checkpoint {checkpoint} does not exist")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        torch = _import_optional("torch")
        transformers = _import_optional("transformers")

        loaded = _read_checkpoint(torch, checkpoint)
        arch = DetoxifyArchitecture.from_config(loaded["config"], checkpoint)
        columns = arch.label_columns(checkpoint)
        folder = Path(config_dir) if config_dir is not None else checkpoint.parent / arch.model_type
        model_class = _transformers_class(transformers, arch.model_name, checkpoint)
        config = _read_model_config(model_class, folder, arch)
        network = model_class(config)
        _load_weights(network, loaded["state_dict"], checkpoint, arch.model_name)
        network.eval()
        tokenizer = _read_tokenizer(transformers, folder, int(config.vocab_size))

        limits = [MAX_TOKENS, _positions(config)]
        if isinstance(getattr(tokenizer, "model_max_length", None), int):
            limits.append(int(tokenizer.model_max_length))
        version = f"detoxify-{checkpoint.stem}-{file_sha256(checkpoint)[:8]}"
        return cls(network, tokenizer, torch, columns, version, min(limits))

    def score(self, texts: Sequence[str]) -> tuple[None, list[dict[str, float]]]:
        """No embeddings, and one {label: probability in [0, 1]} per text, in input order."""
        probabilities = self.probabilities(texts)
        scores = [
            {
                label: float(max(row[c] for c in columns))
                for label, columns in self._label_columns.items()
            }
            for row in probabilities
        ]
        return None, scores

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32] | None:
        """Always None: see the class docstring."""
        return None

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """(n, num_classes) sigmoid outputs in the checkpoint's own class order."""
        torch = self._torch
        out: npt.NDArray[np.float32] | None = None
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                chunk = order[start : start + BATCH_SIZE]
                inputs = self._tokenizer(
                    [texts[i] for i in chunk],
                    return_tensors="pt",
                    truncation=True,
                    max_length=self._max_tokens,
                    padding=True,
                )
                logits = self._network(**inputs).logits
                batch = torch.sigmoid(logits.float()).cpu().numpy()
                if out is None:
                    out = np.zeros((len(texts), batch.shape[1]), dtype=np.float32)
                out[chunk] = batch
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def _import_optional(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(
            f"the Detoxify backend needs {name}: install houserules with the 'detoxify' extra "
            f"(pip install 'houserules[detoxify]')"
        ) from error


def _read_checkpoint(torch: ModuleType, checkpoint: Path) -> dict[str, Any]:
    """torch.load with weights_only: Detoxify's files hold only tensors and a plain config, so a
    file that needs arbitrary unpickling is refused rather than run."""
    try:
        loaded = torch.load(str(checkpoint), map_location="cpu", weights_only=True)
    except Exception as error:
        raise DetoxifyModelError(
            f"{checkpoint} could not be read as a Detoxify checkpoint (tensors and a plain "
            f"config only): {type(error).__name__}: {str(error).splitlines()[0]}"
        ) from error
    if not isinstance(loaded, Mapping) or "config" not in loaded or "state_dict" not in loaded:
        raise DetoxifyModelError(
            f"{checkpoint} is not in Detoxify's format: expected a dict with 'config' and "
            f"'state_dict'"
        )
    return dict(loaded)


def _transformers_class(transformers: ModuleType, name: str, checkpoint: Path) -> Any:
    model_class = getattr(transformers, name, None)
    if model_class is None or not hasattr(model_class, "config_class"):
        raise DetoxifyModelError(f"{checkpoint} names {name!r}, which transformers does not have")
    return model_class


def _read_model_config(model_class: Any, folder: Path, arch: DetoxifyArchitecture) -> Any:
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise DetoxifyModelError(
            f"the tokenizer/config folder for {arch.model_type} needs {config_file} (save "
            f"{arch.model_type} there with save_pretrained, or set detoxify_config_dir)"
        )
    try:
        declared = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
    except (json.JSONDecodeError, AttributeError) as error:
        raise DetoxifyModelError(f"{config_file} is not a transformers config") from error
    expected = model_class.config_class.model_type
    if declared != expected:
        raise DetoxifyModelError(
            f"{config_file} is for model_type {declared!r} but the checkpoint needs "
            f"{arch.model_type} ({expected!r})"
        )
    # Name every output (Detoxify's classes, then any it trained but does not report) so the
    # folder's default two-label head is replaced without a mismatch warning.
    names = {i: arch.output_name(i) for i in range(arch.num_classes)}
    return model_class.config_class.from_pretrained(
        str(folder),
        id2label=names,
        label2id={name: i for i, name in names.items()},
        local_files_only=True,
    )


def _positions(config: Any) -> int:
    """How many tokens the network can place: RoBERTa-style models number positions from
    pad_token_id + 1, so the first two of max_position_embeddings are never used."""
    positions = int(getattr(config, "max_position_embeddings", MAX_TOKENS))
    if getattr(config, "model_type", "") in ROBERTA_STYLE:
        positions -= int(getattr(config, "pad_token_id", 1) or 1) + 1
    return positions


def _load_weights(network: Any, state_dict: object, checkpoint: Path, model_name: str) -> None:
    if not isinstance(state_dict, Mapping):
        raise DetoxifyModelError(f"{checkpoint}: 'state_dict' is not a mapping of tensors")
    weights = normalise_state_dict(state_dict)
    try:
        result = network.load_state_dict(weights, strict=False)
    except RuntimeError as error:
        raise DetoxifyModelError(
            f"{checkpoint} does not fit {model_name} built from the config folder: "
            f"{str(error).splitlines()[-1].strip()}"
        ) from error
    missing = list(result.missing_keys)
    unexpected = [
        key
        for key in result.unexpected_keys
        if not key.endswith(REBUILT_BUFFERS) and not any(m in f".{key}" for m in UNUSED_MODULES)
    ]
    if missing or unexpected:
        raise DetoxifyModelError(
            f"{checkpoint} does not fit {model_name}: missing weights {missing[:5]}, "
            f"unexpected weights {unexpected[:5]}"
        )


def _read_tokenizer(transformers: ModuleType, folder: Path, vocab_size: int) -> Any:
    """The folder's tokenizer, refused if it has no vocabulary (transformers quietly builds an
    empty one from a folder holding only config.json, which would turn every word into
    [UNK]) or more tokens than the network has embeddings."""
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as error:
        raise DetoxifyModelError(f"no usable tokenizer in {folder}: {error}") from error
    size = len(tokenizer)
    if size <= len(set(tokenizer.all_special_ids)):
        raise DetoxifyModelError(
            f"no tokenizer vocabulary in {folder}: save the base model's tokenizer there with "
            f"save_pretrained"
        )
    if size > vocab_size:
        raise DetoxifyModelError(
            f"the tokenizer in {folder} has {size} tokens but the network only {vocab_size}"
        )
    return tokenizer


def _mapping_at(config: Mapping[str, Any], keys: tuple[str, ...], where: Path) -> Mapping[str, Any]:
    node: object = config
    for depth, key in enumerate(keys, start=1):
        if not isinstance(node, Mapping) or not isinstance(node.get(key), Mapping):
            raise DetoxifyModelError(f"{where}: config has no '{'.'.join(keys[:depth])}'")
        node = node[key]
    assert isinstance(node, Mapping)
    return node


def _classes(config: Mapping[str, Any], arch: Mapping[str, Any], where: Path) -> list[str]:
    dataset = config.get("dataset")
    dataset_args = dataset.get("args") if isinstance(dataset, Mapping) else None
    for source in (dataset_args, arch):
        if isinstance(source, Mapping) and isinstance(source.get("classes"), list):
            classes = source["classes"]
            if classes and all(isinstance(c, str) for c in classes):
                return list(classes)
    raise DetoxifyModelError(f"{where}: config has no 'dataset.args.classes' list of class names")
