"""Log lines and configuration errors never carry a secret: values of secret-looking keys and
of unknown keys are not echoed, and configured secrets are masked in every log record,
its exception text included."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from houserules.config import ConfigError, looks_secret
from houserules.log_safety import MASK, forget_secrets, install_log_safety, register_secrets
from houserules.settings import load_settings


@pytest.fixture
def secrets() -> Iterator[None]:
    install_log_safety()
    yield
    forget_secrets()


def test_a_configured_secret_is_masked_in_the_message_its_values_and_its_exception(
    secrets: None, caplog: pytest.LogCaptureFixture
) -> None:
    register_secrets(["EAAB-page-token-123"])
    log = logging.getLogger("ingest.facebook")
    with caplog.at_level(logging.INFO):
        log.info("GET /v21.0/feed?access_token=EAAB-page-token-123 answered %d", 200)
        log.info(
            "calling %s with %r", "https://graph/?t=EAAB-page-token-123", ["EAAB-page-token-123"]
        )
        try:
            raise RuntimeError("token EAAB-page-token-123 expired")
        except RuntimeError:
            log.exception("the poll failed")
    assert "EAAB-page-token-123" not in caplog.text
    assert caplog.text.count(MASK) == 5
    assert "answered 200" in caplog.text  # numbers keep their format


def test_short_values_are_not_treated_as_secrets(secrets: None) -> None:
    from houserules.log_safety import mask

    register_secrets(["", "abc"])
    assert mask("abc and more") == "abc and more"


def test_secret_looking_keys() -> None:
    for key in ("page_access_token", "app_secret", "smtp_password", "api_key", "webhook_url"):
        assert looks_secret(key), key
    for key in ("page_id", "index_prefix", "bootstrap_servers", "trusted_user_header"):
        assert not looks_secret(key), key


def test_settings_errors_never_echo_a_secret_or_an_unknown_keys_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "settings.yaml"
    config.write_text(
        "connectors:\n"
        "  x:\n"
        "    user_id: '1'\n"
        "    username: council\n"
        "    access_token: 123456789\n"
        "  webhooks:\n"
        "    app_secret: fine-secret-1\n"
        "    verify_tokne: typo-secret-2\n"
        "retention_days: zero\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    message = str(raised.value)
    assert "123456789" not in message and "typo-secret-2" not in message
    assert "line 5, key 'connectors.x.access_token'" in message
    assert "the value is not shown: the key holds a secret" in message
    assert "key 'connectors.webhooks.verify_tokne': not a known setting" in message
    assert "did you mean 'verify_token'?" in message
    # An ordinary value is still shown, so a person sees what was read.
    assert "key 'retention_days'" in message and "(got 'zero')" in message


def test_a_misspelt_variable_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOUSERULES_REVIEW_APP__ALERTS__SMTP_PASSWROD", "hunter2-secret")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "hunter2-secret" not in str(raised.value)
    assert "review_app.alerts.smtp_passwrod" in str(raised.value)
    assert "did you mean 'smtp_password'?" in str(raised.value)


def test_loading_settings_masks_their_secrets_in_logs(
    secrets: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HOUSERULES_REVIEW_APP__ALERTS__SMTP_PASSWORD", "smtp-pass-4242")
    monkeypatch.setenv(
        "HOUSERULES_ELASTICSEARCH__URL", "https://houserules:es-pass-9090@search.example:9200"
    )
    load_settings()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("review_app.alerts").warning(
            "SMTP refused smtp-pass-4242; ES said es-pass-9090"
        )
    assert "smtp-pass-4242" not in caplog.text and "es-pass-9090" not in caplog.text
