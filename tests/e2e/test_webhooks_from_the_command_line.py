"""`houserules webhook serve` as an operator runs it: a signed delivery is acknowledged at
once, classified behind the answer into the local store, and the server stops cleanly."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from houserules.bootstrap import build_app
from houserules.settings import Settings

SECRET = "cli-app-secret"
TOKEN = "cli-verify-token-abcdef"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _delivery(comment_id: str, message: str) -> bytes:
    value = {
        "from": {"id": "2001", "name": "A Resident"},
        "post_id": "1000_5001",
        "comment_id": comment_id,
        "created_time": int(time.time()),
        "item": "comment",
        "verb": "add",
        "message": message,
    }
    entry = {"id": "1000", "time": int(time.time()), "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def test_webhook_serve_acknowledges_then_classifies_into_the_store(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "HOUSERULES_MODEL": "none",
        "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
        "HOUSERULES_CONNECTORS__WEBHOOKS__APP_SECRET": SECRET,
        "HOUSERULES_CONNECTORS__WEBHOOKS__VERIFY_TOKEN": TOKEN,
        "HOUSERULES_CONNECTORS__WEBHOOKS__PAGE_ID": "1000",
    }
    log = tmp_path / "webhooks.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "houserules", "webhook", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log.read_text(errors="replace")
                try:
                    requests.get(url + "/healthz", timeout=1)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.2)
            handshake = requests.get(
                url + "/webhooks/facebook",
                params={"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "7"},
                timeout=5,
            )
            assert handshake.text == "7"
            body = _delivery("5001_777", "Call me on 07700 900123 about the bins")
            digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            answer = requests.post(
                url + "/webhooks/facebook",
                data=body,
                headers={"X-Hub-Signature-256": f"sha256={digest}"},
                timeout=10,
            )
            assert answer.status_code == 200
            app = build_app(Settings(data_dir=tmp_path / "data", model="none"), model=None)
            try:
                while app.store.get("facebook:5001_777") is None:
                    assert time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.2)
                stored = app.store.get("facebook:5001_777")
                assert stored is not None
                assert "personal_data" in {c.value for c in stored.classified.verdict.categories}
            finally:
                app.close()
        finally:
            server.send_signal(signal.SIGINT)
            code = server.wait(30)
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert "Traceback" not in text
    assert TOKEN not in text and SECRET not in text
    assert (tmp_path / "data" / "webhook-inbox.db").is_file()


def test_the_webhook_bench_reports_every_level_with_nothing_lost() -> None:
    result = subprocess.run(
        [
            *(sys.executable, "-m", "houserules", "bench", "webhooks", "--no-model"),
            *("--n", "60", "--senders", "3,30", "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [level["senders"] for level in report["levels"]] == [3, 30]
    for level in report["levels"]:
        assert level["n"] == 60 and level["lost"] == 0 and level["refused"] == 0
        assert level["deliveries_per_s"] > 0 and level["ack_p95_ms"] > 0
        assert level["hidden"] > 0 and level["hidden_p95_ms"] >= level["ack_p50_ms"]
