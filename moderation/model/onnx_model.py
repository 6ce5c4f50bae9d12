"""The bundled toxicity model: the MiniLM sentence encoder on ONNX Runtime, and small heads.

One encoder pass per comment gives both the 384-dimensional embedding (for detectors that
match by meaning) and, through the heads, a probability for each label. No torch and no
model hub at run time: only onnxruntime, tokenizers and numpy over the files in this folder,
which are checked against SHA256SUMS before use. Scores do not depend on which other comments
share a batch (the encoder is quantised on its weights only, and padding is masked).
"""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

from moderation.model.checksums import ModelFilesError, read_sums, verify
from moderation.model_interface import Explanation, WordWeight

ENCODER_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.json"
HEADS_FILE = "heads.npz"
LABELS_FILE = "labels.json"
REQUIRED_FILES = (ENCODER_FILE, TOKENIZER_FILE, HEADS_FILE, LABELS_FILE)

MAX_TOKENS = 128
EMBEDDING_DIM = 384
BATCH_SIZE = 32
# At most this many padded tokens in one run of the encoder (see `_runs`): four comments at
# the 128-token limit, or 32 of 16 tokens. 256 to 512 measured alike on these 2 cores.
RUN_TOKENS = 512
TOKENS_OUTPUT = "token_embeddings"
# How houserules runs the encoder (its int8 weights folded to float32 at load), named in every
# cache of what the encoder computes, so a cache made another way is never read back.
RUNTIME = "fp32"

FloatArray = npt.NDArray[np.float32]


def bundled_folder() -> Path:
    """The folder this package ships its model files in."""
    return Path(__file__).resolve().parent


class SentenceEncoder:
    """Texts to L2-normalised MiniLM sentence embeddings (mean pooling is inside the graph).

    Texts are truncated at 128 tokens, sorted by length and run through the encoder in runs of
    at most `batch_size` x 128 padded tokens, each padded to its longest text: short comments
    go many to a run and are not padded to a long neighbour.
    """

    def __init__(
        self,
        encoder_path: Path,
        tokenizer_path: Path,
        threads: int = 2,
        *,
        fold_weights: bool = RUNTIME == "fp32",
        optimised_copy: Path | None = None,
    ) -> None:
        """`optimised_copy`: where to keep onnxruntime's optimised graph of this encoder (it
        must name this exact file, its checksum in the name), so later starts skip the
        optimisation; a copy that cannot be written or read is simply not used."""
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()  # each run of the encoder is padded here, to its own longest
        pad_id = tokenizer.token_to_id("[PAD]")
        self._pad_id = 0 if pad_id is None else pad_id
        self._tokenizer = tokenizer

        options = session_options(threads)
        if fold_weights:
            # Fold the int8 weights back to float32 once at load time (weight-only
            # quantisation: the file is small, the arithmetic is float32). On these 2 cores it
            # measured faster than onnxruntime's int8 kernels in most runs (`houserules bench
            # classify` times both, docs/evaluation.md); results agree to a cosine of 0.9998
            # and neither depends on a comment's batch-mates.
            options.add_session_config_entry("session.disable_quant_qdq", "1")
        self._session = _session(encoder_path, options, optimised_copy)

    @property
    def has_tokens(self) -> bool:
        """Whether the graph also returns each token's vector (the fine-tuned model does)."""
        return TOKENS_OUTPUT in {o.name for o in self._session.get_outputs()}

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> FloatArray:
        """Return an (n, 384) float32 array, one unit-length row per text, in input order."""
        return self.encode(texts, batch_size, with_tokens=False)[0]

    def encode(
        self, texts: Sequence[str], batch_size: int = BATCH_SIZE, *, with_tokens: bool = True
    ) -> tuple[FloatArray, list[TokenVectors]]:
        """Embeddings, and (when the graph has them and `with_tokens`) each text's token
        vectors with the character span of every token, for attributing a score to words."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        tokens: list[TokenVectors] = [EMPTY_TOKENS] * len(texts)
        if not texts:
            return out, tokens
        outputs = ["sentence_embedding"] + (
            [TOKENS_OUTPUT] if with_tokens and self.has_tokens else []
        )
        encodings = self._tokenizer.encode_batch(list(texts))
        for chunk in _runs(encodings, batch_size):
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.full((len(chunk), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1
            result = self._session.run(outputs, {"input_ids": ids, "attention_mask": mask})
            out[chunk] = np.asarray(result[0], dtype=np.float32)
            if len(result) > 1:
                for row, i in enumerate(chunk):
                    encoding = encodings[i]
                    tokens[i] = TokenVectors(
                        np.asarray(result[1][row, : len(encoding.ids)], dtype=np.float32),
                        tuple(encoding.offsets),
                        tuple(encoding.word_ids),
                    )
        return out, tokens


def _runs(encodings: Sequence[Encoding], batch_size: int) -> list[list[int]]:
    """The texts' indices grouped into runs of the encoder, shortest first. A run takes the
    next text while it holds fewer than `batch_size` texts and, padded to that text's length,
    stays within RUN_TOKENS tokens. So short comments go many to a run, a long one is not the
    width every neighbour is padded to, and little of the work is padding: on council-dev in
    calls of 32 comments this ran the encoder 2.8 times as fast as fixed runs of 32."""
    order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
    budget = RUN_TOKENS
    runs: list[list[int]] = []
    for i in order:
        width = len(encodings[i].ids)  # the longest so far, as the order is by length
        if runs and len(runs[-1]) < batch_size and (len(runs[-1]) + 1) * width <= budget:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def session_options(threads: int) -> ort.SessionOptions:
    """How houserules runs every model it ships: `threads` for each operator, one operator at a
    time, full graph optimisation, and onnxruntime's own logging only for errors."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return options


def _session(
    path: Path, options: ort.SessionOptions, optimised_copy: Path | None
) -> ort.InferenceSession:
    providers = ["CPUExecutionProvider"]
    if optimised_copy is not None and optimised_copy.is_file():
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return ort.InferenceSession(str(optimised_copy), options, providers=providers)
        except Exception:  # a damaged copy: make the session from the shipped file
            optimised_copy.unlink(missing_ok=True)
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if optimised_copy is None:
        return ort.InferenceSession(str(path), options, providers=providers)
    partial = optimised_copy.with_suffix(f".{os.getpid()}.partial")
    try:
        optimised_copy.parent.mkdir(parents=True, exist_ok=True)
        options.optimized_model_filepath = str(partial)
        session = ort.InferenceSession(str(path), options, providers=providers)
        os.replace(partial, optimised_copy)
        return session
    except OSError:
        partial.unlink(missing_ok=True)
        options.optimized_model_filepath = ""
        return ort.InferenceSession(str(path), options, providers=providers)


@dataclass(frozen=True)
class TokenVectors:
    """One text's token vectors (before pooling), each token's (start, end) in the text, and
    the word each token belongs to (None for [CLS] and [SEP]; punctuation is a word of its
    own)."""

    vectors: FloatArray
    offsets: tuple[tuple[int, int], ...]
    word_ids: tuple[int | None, ...] = ()


EMPTY_TOKENS = TokenVectors(np.zeros((0, EMBEDDING_DIM), dtype=np.float32), (), ())


@dataclass(frozen=True)
class ToxicityHeads:
    """Dense layers over the embedding (ReLU between them), a sigmoid per label at the end."""

    labels: tuple[str, ...]
    weights: tuple[FloatArray, ...]
    biases: tuple[FloatArray, ...]

    @classmethod
    def from_npz(cls, path: Path, labels: tuple[str, ...]) -> ToxicityHeads:
        with np.load(path, allow_pickle=False) as archive:
            count = sum(1 for key in archive.files if key.startswith("weight"))
            weights = tuple(np.asarray(archive[f"weight{i}"], np.float32) for i in range(count))
            biases = tuple(np.asarray(archive[f"bias{i}"], np.float32) for i in range(count))
        if not weights or weights[0].shape[0] != EMBEDDING_DIM:
            raise ModelFilesError(f"{path} does not start with a {EMBEDDING_DIM}-wide layer")
        if weights[-1].shape[1] != len(labels):
            raise ModelFilesError(f"{path} has {weights[-1].shape[1]} outputs for {len(labels)}")
        return cls(labels, weights, biases)

    def probabilities(self, embeddings: FloatArray) -> FloatArray:
        """(n, 384) embeddings to (n, labels) probabilities."""
        hidden = embeddings.astype(np.float32, copy=False)
        last = len(self.weights) - 1
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ weight + bias
            if i < last:
                hidden = np.maximum(hidden, 0.0)
        logits = np.clip(hidden, -40.0, 40.0)
        return cast(FloatArray, (1.0 / (1.0 + np.exp(-logits))).astype(np.float32))


class ToxicityModel:
    """The model houserules ships: implements `moderation.model_interface.TextModel`."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        heads: ToxicityHeads,
        version: str,
        thresholds: dict[str, float],
    ) -> None:
        self.encoder = encoder
        self.heads = heads
        self.version = version
        self.thresholds = thresholds
        self.folder: Path | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return self.heads.labels

    @classmethod
    def load(
        cls, folder: Path | None = None, threads: int = 2, cache_dir: Path | None = None
    ) -> ToxicityModel:
        """Verify the folder against SHA256SUMS, then load it.

        Raises ModelFilesError naming the file when one is missing, unlisted or corrupt.
        """
        folder = bundled_folder() if folder is None else folder
        sums_digest = verify(folder, REQUIRED_FILES)
        card = _read_labels(folder / LABELS_FILE)
        labels = tuple(str(label) for label in card["labels"])
        heads = ToxicityHeads.from_npz(folder / HEADS_FILE, labels)
        copy = None
        if cache_dir is not None:
            digest = read_sums(folder)[ENCODER_FILE][:16]
            copy = (
                cache_dir
                / f"encoder-{digest}-{RUNTIME}-ort{ort.__version__}-{platform.machine()}.onnx"
            )
        encoder = SentenceEncoder(
            folder / ENCODER_FILE, folder / TOKENIZER_FILE, threads, optimised_copy=copy
        )
        thresholds = {str(k): float(v) for k, v in card.get("thresholds", {}).items()}
        version = f"{card.get('name', 'minilm-heads')}-{sums_digest[:8]}"
        model = cls(encoder, heads, version, thresholds)
        model.folder = folder
        return model

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """(n, 384) float32, each row L2-normalised."""
        return self.encoder.embed(texts)

    def scores_from_embeddings(self, embeddings: FloatArray) -> list[dict[str, float]]:
        """One {label: probability} per row of `embeddings`."""
        probabilities = self.heads.probabilities(embeddings)
        return [
            {label: float(row[j]) for j, label in enumerate(self.labels)} for row in probabilities
        ]

    def score(self, texts: Sequence[str]) -> tuple[FloatArray, list[dict[str, float]]]:
        """Embeddings and label probabilities from a single encoder pass."""
        embeddings = self.embed(texts)
        return embeddings, self.scores_from_embeddings(embeddings)

    def score_explained(
        self, texts: Sequence[str]
    ) -> tuple[FloatArray, list[dict[str, float]], list[Explanation]]:
        """As `score`, plus the words that carried each label's score, from the same pass.

        The heads of the fine-tuned model are one linear layer over the normalised mean of
        the token vectors, so a label's logit is exactly the sum of one term per token
        (that token's vector through the layer, divided by the count and the norm) plus the
        bias. A word's weight is the sum of its tokens' terms; the words with the largest
        positive terms are the evidence. Labels scoring under EXPLAIN_FROM are not explained.
        """
        embeddings, tokens = self.encoder.encode(texts)
        scores = self.scores_from_embeddings(embeddings)
        linear = len(self.heads.weights) == 1
        explanations: list[Explanation] = []
        for text, text_scores, token_vectors in zip(texts, scores, tokens, strict=True):
            wanted = [
                j for j, label in enumerate(self.labels) if text_scores[label] >= EXPLAIN_FROM
            ]
            if not linear or not wanted or not token_vectors.offsets:
                explanations.append({})
                continue
            explanations.append(
                {
                    self.labels[j]: words
                    for j, words in zip(
                        wanted,
                        _word_weights(text, token_vectors, self.heads.weights[0][:, wanted]),
                        strict=True,
                    )
                }
            )
        return embeddings, scores, explanations


EXPLAIN_FROM = 0.2
TOP_WORDS = 3
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # what str.isalnum() accepts


def _word_weights(
    text: str, tokens: TokenVectors, weight: FloatArray
) -> list[tuple[WordWeight, ...]]:
    """For each column of `weight`, the words whose tokens add most to that logit."""
    pooled = tokens.vectors.mean(axis=0)
    scale = len(tokens.offsets) * max(float(np.linalg.norm(pooled)), 1e-9)
    terms = tokens.vectors @ weight / scale  # (tokens, labels)
    spans: list[tuple[int, int]] = []  # per word: start of its first token, end of its last
    word_of_row: dict[int, int] = {}  # token row -> index into spans
    seen: dict[int, int] = {}
    for row, (word, (start, end)) in enumerate(zip(tokens.word_ids, tokens.offsets, strict=True)):
        if word is None or end <= start:
            continue  # [CLS], [SEP]
        k = seen.setdefault(word, len(spans))
        if k == len(spans):
            spans.append((start, end))
        else:
            spans[k] = (spans[k][0], end)
        word_of_row[row] = k
    # Each word's terms summed for every label at once: (words, tokens) @ (tokens, labels).
    belongs = np.zeros((len(spans), len(tokens.offsets)), dtype=terms.dtype)
    belongs[list(word_of_row.values()), list(word_of_row.keys())] = 1.0
    sums = belongs @ terms
    kept = [k for k, (s, e) in enumerate(spans) if _LETTER_OR_DIGIT.search(text, s, e)]
    if not kept:
        return [() for _ in range(weight.shape[1])]
    starts = np.array([spans[k][0] for k in kept])
    result = []
    for column in range(weight.shape[1]):
        values = sums[kept, column]
        positive = float(values[values > 0].sum()) or 1.0
        # Largest first; of equal values, the later word first.
        order = np.lexsort((starts, values))[::-1][:TOP_WORDS]
        result.append(
            tuple(
                WordWeight(
                    spans[kept[i]][0], spans[kept[i]][1], round(float(values[i]) / positive, 3)
                )
                for i in order
                if values[i] > 0
            )
        )
    return result


def _read_labels(path: Path) -> dict[str, Any]:
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ModelFilesError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(card, dict) or not isinstance(card.get("labels"), list):
        raise ModelFilesError(f"{path} has no 'labels' list")
    return card
