from pathlib import Path

import pytest

from houserules.config import ConfigError, load_registers, load_rules
from houserules.settings import load_settings
from moderation.comment import Surface
from moderation.verdict import Action, Category

DEV = Path(__file__).resolve().parents[2] / "evaluation" / "council-dev"


def test_the_default_rules_encode_the_house_rules_table() -> None:
    rules = load_rules()
    assert rules.rule(Category.THREAT).action is Action.ESCALATE
    assert rules.rule(Category.CRITICISM).action is Action.ALLOW
    assert rules.rule(Category.SERVICE_COMPLAINT).action is Action.COMMS
    misinformation = rules.rule(Category.MISINFORMATION)
    assert misinformation.action_on(Surface.OWN_PAGE) is Action.HIDE
    assert misinformation.action_on(Surface.MENTION) is Action.COMMS
    assert misinformation.comms
    for category in (
        Category.DEFAMATION,
        Category.DISCRIMINATION,
        Category.HARASSMENT,
        Category.PERSONAL_DATA,
        Category.OBSCENITY,
        Category.SPAM_SCAM,
    ):
        assert rules.rule(category).action is Action.HIDE
    assert rules.hiding == "automatic"
    assert rules.rumour_questions is Action.COMMS


def test_a_rules_file_that_is_not_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: '1'\ncategories:\n  threat: [unclosed\n")
    with pytest.raises(ConfigError, match=r"rules\.yaml: line \d+, column \d+: not valid YAML"):
        load_rules(bad)


def test_a_wrong_threshold_names_the_key_the_line_and_what_was_expected(tmp_path: Path) -> None:
    text = Path("houserules/rules.yaml").read_text()
    text = text.replace(
        "threshold: 0.5\n    action: escalate", "threshold: high\n    action: escalate"
    )
    bad = tmp_path / "rules.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rules(bad)
    message = str(caught.value)
    assert str(bad) in message
    assert "key 'categories.threat.threshold'" in message
    assert "valid number" in message
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "threshold: high" in s)
    assert f"line {line}," in message


def test_a_rules_file_missing_a_category_says_which(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: '1'\ncategories:\n  threat: {threshold: 0.5, action: escalate}\n")
    with pytest.raises(ConfigError, match="no rule for defamation"):
        load_rules(bad)


def test_the_dev_councils_registers_load() -> None:
    registers = load_registers(DEV)
    assert len(registers.people) == 11
    assert len(registers.facts) == 12
    assert "wyvernvale.gov.uk" in registers.contacts.website_domains


def test_a_broken_register_names_its_file_and_entry(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text("- name: Ann Example\n  aliases: oops-not-a-list\n")
    (tmp_path / "facts.yaml").write_text("[]\n")
    (tmp_path / "contacts.yaml").write_text("{}\n")
    with pytest.raises(ConfigError) as caught:
        load_registers(tmp_path)
    assert "people.yaml" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_a_missing_registers_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="registers folder not found"):
        load_registers(tmp_path / "nowhere")


def test_settings_come_from_the_environment_then_the_yaml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "houserules.yaml"
    file.write_text("retention_days: 30\nkafka:\n  topic_prefix: wyvern\n")
    monkeypatch.setenv("HOUSERULES_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    settings = load_settings(file)
    assert settings.retention_days == 30
    assert settings.kafka.topic_prefix == "wyvern"
    assert settings.kafka.bootstrap_servers == "127.0.0.1:19092"


def test_a_bad_settings_file_names_the_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HOUSERULES_CONFIG", raising=False)
    file = tmp_path / "houserules.yaml"
    file.write_text("retention_days: -4\n")
    with pytest.raises(ConfigError, match=r"(?s)houserules\.yaml.*line 1, key 'retention_days'"):
        load_settings(file)
