"""A model that reads two texts together and gives one probability: the misinformation
detector's claim reader (does this comment assert that register claim?).

The sentence encoder (onnx_model.py) reads each text alone, so a comment and a claim meet only
as two vectors; a pair reader sees them word against word, as one input ("[CLS] claim [SEP]
comment [SEP]"). It is MiniLM fine-tuned by training/stance_cross_encoder.py, exported to ONNX
with int8 weights and int8 arithmetic (one pair at a time, that takes half the time of float32),
and run like the encoder: onnxruntime, tokenizers and numpy, no torch. The session is made the
first time a pair is read, so a process that never meets a comment near a claim never loads it
(a one-off `houserules classify` stays quick).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from moderation.model.checksums import ModelFilesError
from moderation.model.onnx_model import session_options

MAX_TOKENS = 128
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class PairReader:
    """Pairs of texts to probabilities, from an ONNX graph taking INPUTS and returning one
    probability per row."""

    def __init__(self, graph: Path, tokenizer: Path, threads: int = 1) -> None:
        """One thread by default: a pair is small, and `houserules bench classify` measured
        the classifier faster with the reader on one thread than on a pool of two beside the
        sentence encoder's (0.81 of the encoder's ceiling against 0.80, and 0.73 with threads
        that spin while they wait)."""
        for path in (graph, tokenizer):
            if not path.is_file():
                raise ModelFilesError(f"model file {path} is missing")
        self.graph = graph
        self._tokenizer_path = tokenizer
        self._threads = threads
        self._session: ort.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[ort.InferenceSession, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                tokenizer.enable_truncation(max_length=MAX_TOKENS)  # longest first, as trained
                tokenizer.no_padding()
                options = session_options(self._threads)
                # Its threads must not spin waiting for work once a pair is read: they would
                # take the cores from the sentence encoder's, which runs far more often.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                try:
                    session = ort.InferenceSession(
                        str(self.graph), options, providers=["CPUExecutionProvider"]
                    )
                except Exception as error:  # onnxruntime raises its own types for a bad graph
                    raise ModelFilesError(
                        f"{self.graph} is not a readable ONNX graph: {error}"
                    ) from None
                names = {i.name for i in session.get_inputs()}
                if names != set(INPUTS):
                    raise ModelFilesError(
                        f"{self.graph} takes {sorted(names)}, not {list(INPUTS)}: it is not a "
                        "pair reader; export it again with training/stance_cross_encoder.py fit"
                    )
                self._session, self._tokenizer = session, tokenizer
            return self._session, self._tokenizer

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def probability(self, first: str, second: str) -> float:
        return float(self.probabilities([(first, second)])[0])

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float32]:
        """One probability per pair, in order. Each pair is run alone (padding never enters a
        score, and a comment's result never depends on the others in the call)."""
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        session, tokenizer = self._load()
        for n, encoding in enumerate(tokenizer.encode_batch(list(pairs))):
            feed = {
                "input_ids": np.array([encoding.ids], dtype=np.int64),
                "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
            }
            out[n] = float(np.asarray(session.run(["probability"], feed)[0]).reshape(-1)[0])
        return out
