"""The demo data set shipped in houserules/demo_data is complete and labelled by the house rules.

`houserules demo` replays these files with nothing outside the repository, so a broken
line, an unknown category or a label that contradicts the house rules would show a newcomer
a wrong verdict. The labelling rules checked here are the ones in the council-dev README.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from moderation.comment import Comment, Platform, Surface
from moderation.verdict import Action, Category

DEMO = Path(__file__).resolve().parents[2] / "houserules" / "demo_data"

_DEFAULT_ACTION = {
    Category.CRITICISM: Action.ALLOW,
    Category.SERVICE_COMPLAINT: Action.COMMS,
    Category.THREAT: Action.ESCALATE,
}
_ROW_KEYS = {
    "id",
    "platform",
    "surface",
    "post_context",
    "author",
    "text",
    "gold_categories",
    "gold_action",
    "rationale",
    "created_at",
}
_PHONE = re.compile(r"(?<!\d)(?:0\d{3,4} ?\d{3} ?\d{3,4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_FACT_ID = re.compile(r"\bfr-[a-z0-9-]*[a-z0-9]")


def _expected_action(category: Category, surface: Surface) -> Action:
    if category is Category.MISINFORMATION and surface is Surface.MENTION:
        return Action.COMMS
    return _DEFAULT_ACTION.get(category, Action.HIDE)


def _load_yaml(name: str) -> Any:
    with (DEMO / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    parsed = []
    with (DEMO / "comments.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.strip(), f"line {n} is blank"
            parsed.append(json.loads(line))
    return parsed


@pytest.fixture(scope="module")
def contacts() -> dict[str, Any]:
    loaded = _load_yaml("contacts.yaml")
    assert isinstance(loaded, dict)
    return loaded


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def test_every_row_has_exactly_the_council_dev_fields_plus_created_at(
    rows: list[dict[str, Any]],
) -> None:
    assert 200 <= len(rows) <= 300
    for row in rows:
        assert set(row) == _ROW_KEYS, row.get("id")
        for key in _ROW_KEYS - {"gold_categories"}:
            assert isinstance(row[key], str) and row[key].strip(), (row["id"], key)


def test_ids_are_unique_and_numbered_in_order(rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    assert ids == [f"hdc-{n:04d}" for n in range(1, len(rows) + 1)]


def test_texts_are_not_duplicated(rows: list[dict[str, Any]]) -> None:
    texts = [row["text"].strip().lower() for row in rows]
    assert len(set(texts)) == len(texts)


def test_categories_actions_platforms_and_surfaces_are_the_domain_values(
    rows: list[dict[str, Any]],
) -> None:
    for row in rows:
        cats = row["gold_categories"]
        assert cats == sorted(cats) and len(set(cats)) == len(cats), row["id"]
        for cat in cats:
            Category(cat)
        Action(row["gold_action"])
        platform = Platform(row["platform"])
        surface = Surface(row["surface"])
        if platform is Platform.NEWS_COMMENT:
            assert surface is Surface.MENTION, row["id"]


def test_each_row_becomes_a_domain_comment_with_an_aware_november_2026_time(
    rows: list[dict[str, Any]],
) -> None:
    times = []
    for row in rows:
        created = datetime.fromisoformat(row["created_at"])
        comment = Comment(
            platform=Platform(row["platform"]),
            surface=Surface(row["surface"]),
            comment_id=row["id"],
            text=row["text"],
            created_at=created,
            author_handle=row["author"],
            post_context=row["post_context"],
        )
        assert (created.year, created.month) == (2026, 11), row["id"]
        times.append(comment.created_at)
    assert times == sorted(times), "rows are in the order they were posted"
    assert (max(times) - min(times)).days == 6, "spread over seven days"


def test_action_is_the_heaviest_category_action(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        cats = [Category(c) for c in row["gold_categories"]]
        surface = Surface(row["surface"])
        action = Action(row["gold_action"])
        assert not (Category.CRITICISM in cats and len(cats) > 1), (
            f"{row['id']}: criticism is only used when nothing else applies"
        )
        if not cats:
            rumour_question = action is Action.COMMS and row["rationale"].startswith("Question")
            assert action is Action.ALLOW or rumour_question, row["id"]
            if rumour_question:
                assert _FACT_ID.search(row["rationale"]), f"{row['id']}: cite the rumour's fact"
            continue
        expected = max((_expected_action(c, surface) for c in cats), key=lambda a: a.weight)
        assert action is expected, f"{row['id']}: {cats} on {surface} is {expected}, not {action}"


def test_every_category_and_action_is_well_represented(rows: list[dict[str, Any]]) -> None:
    per_category = {c: 0 for c in Category}
    for row in rows:
        for cat in row["gold_categories"]:
            per_category[Category(cat)] += 1
    assert all(n >= 8 for n in per_category.values()), per_category
    for busy in (
        Category.CRITICISM,
        Category.SERVICE_COMPLAINT,
        Category.HARASSMENT,
        Category.MISINFORMATION,
    ):
        assert per_category[busy] >= 20, (busy, per_category[busy])
    actions = [row["gold_action"] for row in rows]
    shares = {a: actions.count(a.value) / len(actions) for a in Action}
    assert 0.30 <= shares[Action.ALLOW] <= 0.40, shares
    assert 0.13 <= shares[Action.COMMS] <= 0.23, shares
    assert 0.33 <= shares[Action.HIDE] <= 0.43, shares
    assert 0.05 <= shares[Action.ESCALATE] <= 0.11, shares
    mentions = sum(row["surface"] == Surface.MENTION for row in rows)
    assert 0.07 <= mentions / len(rows) <= 0.14


def test_x_posts_fit_in_280_characters(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["platform"] == Platform.X:
            assert len(row["text"]) <= 280, row["id"]


def test_people_register_has_the_expected_shape() -> None:
    people = _load_yaml("people.yaml")
    assert isinstance(people, list) and len(people) >= 9
    roles = [p["role"] for p in people]
    assert 6 <= roles.count("councillor") <= 8 and 3 <= roles.count("officer") <= 4
    for person in people:
        party = {"party"} if person["role"] == "councillor" else set()
        expected = {"name", "aliases", "role"} | party
        assert set(person) == expected, person.get("name")
        assert person["aliases"] and all(isinstance(a, str) for a in person["aliases"])
        if person["role"] == "councillor":
            handles = [a for a in person["aliases"] if a.startswith("@")]
            assert handles and not any("cllr" in h.lower() for h in handles), person["name"]


def test_fact_register_has_the_expected_shape() -> None:
    facts = _load_yaml("facts.yaml")
    assert isinstance(facts, list) and 8 <= len(facts) <= 10
    ids = [f["id"] for f in facts]
    assert len(set(ids)) == len(ids)
    for fact in facts:
        assert set(fact) == {"id", "topic", "official_fact", "known_false_claims", "link"}
        assert fact["id"].startswith("fr-")
        assert 2 <= len(fact["known_false_claims"]) <= 4
        assert fact["link"].startswith("https://www.harrowmere.gov.uk/")


def test_contacts_have_the_expected_shape(contacts: dict[str, Any]) -> None:
    assert set(contacts) == {
        "organisation",
        "website_domains",
        "phones",
        "emails",
        "councillor_emails",
        "social_accounts",
        "public_addresses",
    }
    assert all(set(p) == {"number", "service"} for p in contacts["phones"])
    assert all(set(e) == {"address", "service"} for e in contacts["emails"])
    assert all({"platform", "handle", "url"} <= set(s) for s in contacts["social_accounts"])


def test_every_fact_cited_in_a_rationale_exists(rows: list[dict[str, Any]]) -> None:
    known = {f["id"] for f in _load_yaml("facts.yaml")}
    cited = {fid for row in rows for fid in _FACT_ID.findall(row["rationale"])}
    assert cited <= known, cited - known
    assert cited == known, f"facts no comment touches: {known - cited}"


def test_phones_and_emails_in_allowed_comments_are_the_councils_own(
    rows: list[dict[str, Any]], contacts: dict[str, Any]
) -> None:
    phones = {_digits(p["number"]) for p in contacts["phones"]}
    emails = {e["address"].lower() for e in contacts["emails"]}
    emails |= {e.lower() for e in contacts["councillor_emails"]}
    for row in rows:
        if row["gold_action"] != Action.ALLOW:
            continue
        for phone in _PHONE.findall(row["text"]):
            assert _digits(phone) in phones, (row["id"], phone)
        for email in _EMAIL.findall(row["text"]):
            assert email.lower() in emails, (row["id"], email)


def test_people_named_in_the_registers_are_the_ones_in_the_comments(
    rows: list[dict[str, Any]],
) -> None:
    people = _load_yaml("people.yaml")
    text = " ".join(row["text"] for row in rows)
    unnamed = [p["name"] for p in people if p["name"].split()[-1] not in text]
    assert not unnamed, f"register entries no comment mentions: {unnamed}"
