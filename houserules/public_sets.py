"""Adapters that read the public labelled sets as labelled comments in our terms.

Each public set's labels are mapped to our categories and actions (hide or allow); none
of them is UK council text, so they measure the abuse detectors and identity-term bias,
not misinformation or service complaints. See moderation/model/MODEL_CARD.md for the
numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from moderation.comment import Comment, Platform, Surface
from moderation.evaluation import LabelledComment

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
IDENTITY_TERMS = (
    "lesbian",
    "gay",
    "bisexual",
    "transgender",
    "trans",
    "queer",
    "lgbt",
    "lgbtq",
    "homosexual",
    "straight",
    "heterosexual",
    "male",
    "female",
    "nonbinary",
    "african american",
    "african",
    "black",
    "white",
    "european",
    "hispanic",
    "latino",
    "latina",
    "latinx",
    "mexican",
    "canadian",
    "american",
    "asian",
    "indian",
    "middle eastern",
    "chinese",
    "japanese",
    "christian",
    "muslim",
    "jewish",
    "buddhist",
    "catholic",
    "protestant",
    "sikh",
    "taoist",
    "old",
    "older",
    "young",
    "younger",
    "teenage",
    "millenial",
    "middle aged",
    "elderly",
    "blind",
    "deaf",
    "paralyzed",
)


def _item(set_name: str, n: int, text: str, categories: set[str], action: str) -> LabelledComment:
    comment = Comment(Platform.OTHER, Surface.OWN_PAGE, f"{set_name}-{n}", text, WHEN)
    return LabelledComment(comment, frozenset(categories), action)


def _hide(categories: set[str]) -> str:
    return "hide" if categories else "allow"


def read_madlibs(path: Path) -> list[LabelledComment]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            cats = {"discrimination"} if row["Label"] == "BAD" else set()
            items.append(_item("madlibs", n, row["Text"], cats, _hide(cats)))
    return items


def identity_term(text: str) -> str:
    words = f" {text.lower()} "
    found = [t for t in IDENTITY_TERMS if f" {t} " in words]
    return max(found, key=len) if found else ""


def read_davidson(path: Path) -> list[LabelledComment]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            label = row["class"]
            cats = {"discrimination"} if label == "0" else {"harassment"} if label == "1" else set()
            items.append(_item("davidson", n, row["tweet"], cats, _hide(cats)))
    return items


def read_olid(folder: Path) -> list[LabelledComment]:
    labels_a = dict(csv.reader((folder / "labels-levela.csv").open(encoding="utf-8")))
    labels_c = dict(csv.reader((folder / "labels-levelc.csv").open(encoding="utf-8")))
    items = []
    with (folder / "testset-levela.tsv").open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t")):
            off = labels_a.get(row["id"]) == "OFF"
            target = labels_c.get(row["id"], "")
            cats = set()
            if off:
                cats = {"discrimination"} if target == "GRP" else {"harassment"}
            items.append(_item("olid", n, row["tweet"], cats, _hide(cats)))
    return items


def read_hatexplain(path: Path) -> list[LabelledComment]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            row = json.loads(line)
            votes = row["annotators"]["label"]
            majority = max(set(votes), key=votes.count)
            cats = {"discrimination"} if majority == 0 and votes.count(0) >= 2 else set()
            if majority == 2 and votes.count(2) >= 2:
                cats = {"harassment"}
            text = " ".join(row["post_tokens"])
            items.append(_item("hatexplain", n, text, cats, _hide(cats)))
    return items


def read_cad(path: Path) -> list[LabelledComment]:
    mapping = {
        "IdentityDirectedAbuse": "discrimination",
        "PersonDirectedAbuse": "harassment",
        "AffiliationDirectedAbuse": "harassment",
    }
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
            cats = {mapping[x] for x in row["labels"].split(",") if x in mapping}
            text = row["text"].replace("[linebreak]", "\n")
            items.append(_item("cad", n, text, cats, _hide(cats)))
    return items


def read_ethos(path: Path) -> list[LabelledComment]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter=";")):
            cats = {"discrimination"} if float(row["isHate"]) >= 0.5 else set()
            items.append(_item("ethos", n, row["comment"], cats, _hide(cats)))
    return items


def read_dynahate(path: Path) -> list[LabelledComment]:
    """DynaHate (dev or test csv): `label` hate -> discrimination; threatening hate is a threat."""
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            cats = {"discrimination"} if row["label"] == "hate" else set()
            action = "escalate" if cats and row.get("type") == "threatening" else _hide(cats)
            items.append(_item("dynahate", n, row["text"], cats, action))
    return items


def read_implicit_hate(path: Path) -> list[LabelledComment]:
    """Latent Hatred stage 1: implicit or explicit hate -> discrimination."""
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t")):
            cats = {"discrimination"} if row["class"] != "not_hate" else set()
            items.append(_item("implicit_hate", n, row["post"], cats, _hide(cats)))
    return items


def read_gab_hate(path: Path) -> list[LabelledComment]:
    """Gab Hate Corpus: human degradation (hd) -> discrimination, call for violence (cv) ->
    threat; vulgarity alone (vo) is not a category here."""
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)):
            cats = set()
            if row["hd"] == "1":
                cats.add("discrimination")
            if row["cv"] == "1":
                cats.add("threat")
            action = "escalate" if "threat" in cats else _hide(cats)
            items.append(_item("gab_hate", n, row["text"], cats, action))
    return items


def read_sbic(path: Path) -> list[LabelledComment]:
    """SBIC (aggregated): offensive (mean >= 0.5) aimed at a group -> discrimination, at a
    person -> harassment."""
    items = []
    with path.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            cats = set()
            if float(row["offensiveYN"] or 0) >= 0.5:
                group = float(row["whoTarget"] or 0) >= 0.5
                cats = {"discrimination"} if group else {"harassment"}
            items.append(_item("sbic", n, row["post"].strip(), cats, _hide(cats)))
    return items


def read_functional(path: Path) -> list[LabelledComment]:
    """Our own functional suite (evaluation/functional/cases.jsonl): `expected` flag means hide
    or escalate (threats escalate), allow means the comment stays visible. The comment id is
    `<functionality>/<case id>`, which `functionality_of` reads back."""
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            case = json.loads(line)
            category = case.get("category") or "none"
            cats = set() if category == "none" else {category}
            if case["expected"] == "flag":
                action = "escalate" if category == "threat" else "hide"
            else:
                action = "allow"
            comment = Comment(
                Platform.FACEBOOK,
                Surface.OWN_PAGE,
                f"{case['functionality']}/{case['id']}",
                case["text"],
                WHEN,
            )
            items.append(LabelledComment(comment, frozenset(cats), action))
    return items


def functionality_of(item: LabelledComment) -> str:
    return item.comment.comment_id.split("/", 1)[0]


ADAPTERS: dict[str, Callable[[Path], list[LabelledComment]]] = {
    "madlibs": read_madlibs,
    "davidson": read_davidson,
    "olid": read_olid,
    "hatexplain": read_hatexplain,
    "cad": read_cad,
    "ethos": read_ethos,
    "dynahate": read_dynahate,
    "implicit_hate": read_implicit_hate,
    "gab_hate": read_gab_hate,
    "sbic": read_sbic,
    "functional": read_functional,
}


def guess_format(path: Path) -> str:
    name = "/".join(path.parts[-2:]).lower()
    for key, fmt in (
        ("madlibs", "madlibs"),
        ("labeled_data", "davidson"),
        ("olid", "olid"),
        ("hatexplain", "hatexplain"),
        ("cad_", "cad"),
        ("ethos", "ethos"),
        ("dynahate", "dynahate"),
        ("implicit_hate", "implicit_hate"),
        ("ghc_", "gab_hate"),
        ("sbic", "sbic"),
        ("functional/", "functional"),
    ):
        if key in name:
            return fmt
    return "council"
