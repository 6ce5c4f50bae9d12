"""Tiny checkpoints in Detoxify's format, built here, and a network that refuses to connect.

These tests need torch and transformers, which houserules keeps out of its main environment:
run them with `make test-detoxify` (tests/detoxify_env.sh builds .venv-detoxify from uv.lock).
The main test run does not collect this folder; running it where torch is missing fails at
import with that instruction, it never skips.
"""

from __future__ import annotations

import importlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

try:
    torch: Any = importlib.import_module("torch")
    transformers: Any = importlib.import_module("transformers")
    tokenizers: Any = importlib.import_module("tokenizers")
except ImportError as missing:  # pragma: no cover - the message is the point
    raise ImportError(
        "tests/detoxify needs torch and transformers: run `make test-detoxify` "
        "(or tests/detoxify_env.sh, then .venv-detoxify/bin/pytest tests/detoxify)"
    ) from missing

# Words the tiny WordPiece vocabulary knows; anything else is split or becomes [UNK].
WORDS = (
    *("the", "council", "bins", "were", "not", "collected", "again", "thank", "for", "fixing"),
    *("streetlight", "on", "mill", "lane", "you", "are", "an", "idiot", "useless", "liar"),
    *("i", "will", "hurt", "him", "kill", "filthy", "disgusting", "people", "like", "them"),
    *("should", "go", "back", "hate", "##s", "##ed", "##ing"),
)
SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
ORIGINAL_CLASSES = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")
UNBIASED_CLASSES = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "identity_attack",
    "insult",
    "threat",
    "sexual_explicit",
)
UNBIASED_IDENTITY_OUTPUTS = 9
MAX_POSITIONS = 64


@dataclass(frozen=True)
class TinyDetoxify:
    """A checkpoint file and the tokenizer/config folder that goes with it."""

    checkpoint: Path
    config_dir: Path


def save_tiny_bert_folder(folder: Path, config_class: str = "BertConfig") -> Any:
    """A 'bert-base-uncased' folder in miniature: config.json and a WordPiece tokenizer, saved
    with save_pretrained as a council would save the real one. Returns the config.
    With `config_class="RobertaConfig"` it stands in for roberta-base (same tokenizer)."""
    models, normalizers, pre_tokenizers, processors = (
        tokenizers.models,
        tokenizers.normalizers,
        tokenizers.pre_tokenizers,
        tokenizers.processors,
    )
    vocab = {token: i for i, token in enumerate(SPECIALS + tuple(dict.fromkeys(WORDS)))}
    wordpiece = tokenizers.Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    wordpiece.normalizer = normalizers.BertNormalizer(lowercase=True)
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wordpiece.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=wordpiece,
        model_max_length=MAX_POSITIONS,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )
    config = getattr(transformers, config_class)(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=vocab["[PAD]"],
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(str(folder))
    config.save_pretrained(str(folder))
    return config


def save_detoxify_checkpoint(
    path: Path,
    config: Any,
    classes: tuple[str, ...],
    *,
    num_outputs: int | None = None,
    seed: int = 7,
    head_biases: tuple[float, ...] | None = None,
    model_name: str = "BertForSequenceClassification",
    model_type: str = "bert-base-uncased",
) -> Any:
    """torch.save a dict shaped like Detoxify's published checkpoints (its convert_weights.py:
    the training config with arch.args and dataset.args.classes, and the bare state_dict).

    With `head_biases` the classifier's weights are zeroed, so each class's probability is
    exactly sigmoid(bias) whatever the text: the test can see which class feeds which label.
    """
    num_outputs = num_outputs or len(classes)
    torch.manual_seed(seed)
    shape = {k: v for k, v in config.to_dict().items() if k not in ("id2label", "label2id")}
    model_class = getattr(transformers, model_name)
    network = model_class(type(config)(**shape, num_labels=num_outputs))
    if head_biases is not None:
        # BERT's head is one Linear; RoBERTa's ends in out_proj.
        head = getattr(network.classifier, "out_proj", network.classifier)
        with torch.no_grad():
            head.weight.zero_()
            head.bias.copy_(torch.tensor(head_biases))
    detoxify_config = {
        "name": "Jigsaw_BERT",
        "arch": {
            "type": "BERT",
            "args": {
                "num_classes": num_outputs,
                "model_type": model_type,
                "model_name": model_name,
                "tokenizer_name": model_name.replace("ForSequenceClassification", "Tokenizer"),
            },
        },
        "dataset": {"type": "JigsawDataOriginal", "args": {"classes": list(classes)}},
    }
    state_dict = network.state_dict()
    torch.save({"config": detoxify_config, "state_dict": state_dict}, str(path))
    return state_dict


@pytest.fixture(scope="session")
def bert_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("detoxify") / "bert-base-uncased"
    return folder, save_tiny_bert_folder(folder)


@pytest.fixture(scope="session")
def tiny_original(bert_folder: tuple[Path, Any]) -> TinyDetoxify:
    """Random weights, the `original` model's six Jigsaw classes."""
    folder, config = bert_folder
    checkpoint = folder.parent / "toxic_original-tiny.ckpt"
    save_detoxify_checkpoint(checkpoint, config, ORIGINAL_CLASSES)
    return TinyDetoxify(checkpoint, folder)


@dataclass
class NetworkAttempts:
    """Every connection or name lookup something tried to make beyond this machine."""

    attempts: list[str]


def _is_loopback(host: object) -> bool:
    return isinstance(host, str) and (
        host in ("localhost", "::1") or host.startswith("127.") or host == ""
    )


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkAttempts]:
    """Refuse (and record) any connection or DNS lookup that is not to loopback, and tell the
    Hugging Face libraries they are offline, as on a council machine with no hub access."""
    record = NetworkAttempts([])
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def guard(address: object) -> None:
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            record.attempts.append(repr(address))
            raise OSError(f"network access blocked by the test: {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        guard((host.decode() if isinstance(host, bytes) else host, 0))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    yield record


# Installed into a child process through PYTHONPATH: the same guard for `houserules` itself.
SITECUSTOMIZE = """
import os, socket
_log = os.environ["HOUSERULES_TEST_NETWORK_LOG"]
_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
def _guard(address):
    if isinstance(address, tuple):
        host = address[0].decode() if isinstance(address[0], bytes) else address[0]
        if not (host in ("localhost", "::1", "") or str(host).startswith("127.")):
            with open(_log, "a") as log:
                log.write(repr(address) + "\\n")
            raise OSError("network access blocked by the test: %r" % (address,))
def connect(self, address):
    _guard(address)
    return _connect(self, address)
def connect_ex(self, address):
    _guard(address)
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    _guard((host, 0))
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect, connect_ex, getaddrinfo)
"""
