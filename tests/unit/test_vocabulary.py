"""The vocabulary is data a council can extend, checked with file, key and line."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from houserules.config import DEMO_REGISTERS_DIR, ConfigError, load_registers, load_rules
from moderation.classifier import HouseRulesClassifier
from moderation.comment import Comment, Platform, Surface
from moderation.verdict import Category


def council_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "registers"
    folder.mkdir()
    for name in ("people.yaml", "facts.yaml", "contacts.yaml"):
        shutil.copy(DEMO_REGISTERS_DIR / name, folder / name)
    return folder


def test_the_bundled_vocabulary_names_the_councils_usual_services() -> None:
    vocabulary = load_registers().vocabulary
    assert {"waste", "street lighting", "council tax"} <= set(vocabulary.services)
    assert vocabulary.slur_lexicon is not None


def test_a_council_adds_its_own_service_words_and_a_new_service(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "vocabulary.yaml").write_text(
        "services:\n  waste: [wheelie]\n  ferry: [ferry, chain ferry, slipway]\nslurs: [gorgio]\n"
    )
    vocabulary = load_registers(folder).vocabulary
    assert "wheelie" in vocabulary.services["waste"]
    assert "bins" in vocabulary.services["waste"], "the bundled words are kept"
    assert vocabulary.service_lexicons["ferry"].first("the chain ferry is broken") is not None
    assert "gorgio" in vocabulary.slurs


def test_a_wrong_vocabulary_entry_names_the_file_the_key_and_the_line(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "vocabulary.yaml").write_text("services:\n  waste: [bins]\n  ferry: []\n")
    with pytest.raises(ConfigError) as caught:
        load_registers(folder)
    message = str(caught.value)
    assert str(folder / "vocabulary.yaml") in message
    assert "line 3" in message
    assert "key 'services.ferry'" in message and "at least 1 item" in message


def test_an_unknown_section_is_refused_by_name(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "vocabulary.yaml").write_text("places: [Ferry Road]\n")
    with pytest.raises(ConfigError, match="key 'places'"):
        load_registers(folder)


def test_a_registers_folder_lacking_a_register_file_says_which(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "facts.yaml").unlink()
    with pytest.raises(ConfigError, match=r"lacks facts\.yaml"):
        load_registers(folder)


def test_the_register_detectors_word_lists_are_data_a_council_extends(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "vocabulary.yaml").write_text(
        "scams:\n  lures: [free ferry pass]\npeople:\n  roles: [the harbourmaster]\n"
    )
    vocabulary = load_registers(folder).vocabulary
    assert vocabulary.lexicon("scams", "lures").first("get a free ferry pass") is not None
    assert vocabulary.lexicon("scams", "lures").first("claim your refund") is not None, "ours kept"
    assert vocabulary.lexicon("people", "roles").first("ask the harbourmaster") is not None

    comment = Comment(
        Platform.FACEBOOK,
        Surface.OWN_PAGE,
        "c1",
        "Free ferry pass for every resident, WhatsApp 07700 900456 to claim yours",
        datetime(2027, 2, 1, tzinfo=UTC),
        "Jo",
    )
    with_word = HouseRulesClassifier(load_rules(), load_registers(folder))
    (tmp_path / "plain").mkdir()
    plain = council_folder(tmp_path / "plain")
    without = HouseRulesClassifier(load_rules(), load_registers(plain))
    assert Category.SPAM_SCAM in with_word.classify([comment])[0].categories
    assert Category.SPAM_SCAM not in without.classify([comment])[0].categories


def test_a_misspelt_word_list_is_refused_with_the_list_it_meant(tmp_path: Path) -> None:
    folder = council_folder(tmp_path)
    (folder / "vocabulary.yaml").write_text("scams:\n  lurez: [free ferry pass]\n")
    with pytest.raises(ConfigError) as caught:
        load_registers(folder)
    message = str(caught.value)
    assert "key 'scams.lurez'" in message and "line 2" in message
