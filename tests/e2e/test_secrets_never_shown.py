"""Secrets never reach a screen or a log: every secret setting is given a canary value, then
commands are made to fail in the ways a council meets (a platform that does not answer, a
store that is down, a misspelt key) and everything they wrote (standard output, standard
error and a debug-level log of every library) is searched for the canaries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import typing
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from houserules.settings import Settings

# Required keys of each connector section that are not secret (values are harmless).
PLAIN = {
    ("connectors", "facebook", "page_id"): "1234",
    ("connectors", "instagram", "ig_user_id"): "5678",
    ("connectors", "x", "user_id"): "42",
    ("connectors", "x", "username"): "council",
    ("connectors", "youtube", "channel_id"): "UCcouncil",
}
# Run with every library logging at debug level into a file, and the CLI as usual.
RUN = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.DEBUG, filename=sys.argv.pop(1), force=True); "
    "from houserules.cli import main; main()"
)


def secret_fields(model: type[BaseModel], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every SecretStr setting, found from the settings' own definition, so a
    secret added later gets a canary without anyone remembering to add it here."""
    for name, field in model.model_fields.items():
        types = [field.annotation, *typing.get_args(field.annotation)]
        if SecretStr in types:
            yield (*path, name)
        for found in types:
            if isinstance(found, type) and issubclass(found, BaseModel):
                yield from secret_fields(found, (*path, name))


def env_name(path: tuple[str, ...]) -> str:
    return "HOUSERULES_" + "__".join(part.upper() for part in path)


def canary(path: tuple[str, ...]) -> str:
    return "CANARY" + "".join(part.replace("_", "").upper()[:6] for part in path) + "x7Q"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Echo(BaseHTTPRequestHandler):
    """A platform that refuses every call and quotes the request back in its error, token
    and all, as some gateways do: whatever repeats a platform's words repeats the secret."""

    def _refuse(self) -> None:
        said = f"{self.command} {self.path} {self.headers.get('Authorization', '')}"
        body = json.dumps(
            {
                "error": {
                    "message": f"Invalid request: {said}",
                    "type": "GraphMethodException",
                    "code": 100,
                },
                "detail": said,
                "title": said,
            }
        ).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _refuse

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def environment(tmp_path: Path, echo: str) -> dict[str, str]:
    dead = echo
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOUSERULES_")}
    env.update({env_name(path): canary(path) for path in secret_fields(Settings)})
    env.update({env_name(path): value for path, value in PLAIN.items()})
    env.update(
        {
            "HOUSERULES_MODEL": "none",
            "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
            "HOUSERULES_CONNECTORS__FACEBOOK__GRAPH_URL": dead,
            "HOUSERULES_CONNECTORS__INSTAGRAM__GRAPH_URL": dead,
            "HOUSERULES_CONNECTORS__X__API_URL": dead,
            "HOUSERULES_CONNECTORS__YOUTUBE__API_URL": dead + "/",
            "HOUSERULES_CONNECTORS__YOUTUBE__TOKEN_URI": dead + "/token",
            "HOUSERULES_CONNECTORS__YOUTUBE__CLIENT_ID": "client-id",
            # X's refresh token (a canary, like every secret) is used only with a client id.
            "HOUSERULES_CONNECTORS__X__CLIENT_ID": "x-client-id",
            "HOUSERULES_REVIEW_APP__ALERTS__WEBHOOK_URL": f"{dead}/hooks/CANARYWEBHOOKx7Q",
            "HOUSERULES_ELASTICSEARCH__URL": (
                f"http://elastic:CANARYESPASSx7Q@127.0.0.1:{closed_port()}"
            ),
        }
    )
    for path in ("FACEBOOK", "INSTAGRAM", "X", "YOUTUBE"):
        prefix = f"HOUSERULES_CONNECTORS__{path}__POLLING__"
        env[prefix + "RETRY_ATTEMPTS"] = "1"
        env[prefix + "TIMEOUT_SECONDS"] = "2"
    return env


def run(env: dict[str, str], log: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(log), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0, f"{args} was meant to fail:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr + (log.read_text() if log.exists() else "")


def test_every_secret_setting_gets_a_canary() -> None:
    found = {".".join(p) for p in secret_fields(Settings)}
    assert {
        "connectors.facebook.page_access_token",
        "connectors.webhooks.verify_token",
        "review_app.alerts.smtp_password",
    } <= found


@pytest.mark.parametrize(
    "command",
    [
        ("connect", "facebook", "--once"),
        ("connect", "instagram", "--once"),
        ("connect", "x", "--once"),
        ("connect", "youtube", "--once"),
        ("--config", "{config}", "config", "check"),
        ("config", "check", "--registers", "{missing}"),
        ("import", "{missing}"),
    ],
    ids=lambda c: " ".join(c).replace("{", "").replace("}", ""),
)
def test_a_failing_command_shows_no_secret(
    environment: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = tmp_path / "settings.yaml"
    # A misspelt secret key in the file: the error names the key, never its value.
    config.write_text("connectors:\n  webhooks:\n    app_secrett: CANARYMISSPELTx7Q\n")
    args = [a.format(config=config, missing=tmp_path / "nowhere.jsonl") for a in command]
    output = run(environment, tmp_path / "debug.log", *args)
    assert "CANARY" not in output, output
    assert output.strip()


def test_a_misspelt_secret_variable_is_named_but_its_value_never_shown(
    environment: dict[str, str], tmp_path: Path
) -> None:
    environment["HOUSERULES_CONNECTORS__FACEBOOK__PAGE_ACESS_TOKEN"] = "CANARYTYPOx7Q"
    output = run(environment, tmp_path / "debug.log", "config", "check")
    assert "CANARY" not in output
    assert "connectors.facebook.page_acess_token" in output
    assert "did you mean 'page_access_token'?" in output


def test_a_store_that_cannot_be_reached_is_one_line_without_its_password(
    environment: dict[str, str], tmp_path: Path
) -> None:
    environment["HOUSERULES_STORE"] = "elasticsearch"
    environment["HOUSERULES_ELASTICSEARCH__RETRY_ATTEMPTS"] = "2"
    output = run(environment, tmp_path / "debug.log", "queue", "review")
    assert "CANARY" not in output
    assert "Traceback" not in output
    assert "error: Elasticsearch at http://127.0.0.1:" in output
