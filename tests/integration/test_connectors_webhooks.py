"""The Meta webhook receiver, served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator

import pytest
import requests
from pydantic import SecretStr

from ingest.connector_settings import WebhookSettings
from ingest.webhooks import MetaWebhooks, make_webhook_server
from moderation.comment import Platform, Surface
from tests.fakes.sinks import StoringSink

pytestmark = pytest.mark.integration

APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "verify-me-please"
PAGE_ID = "1000"
IG_USER = "17841400000"


@pytest.fixture
def receiver() -> Iterator[tuple[str, StoringSink]]:
    sink = StoringSink()
    settings = WebhookSettings(
        app_secret=SecretStr(APP_SECRET),
        verify_token=SecretStr(VERIFY_TOKEN),
        page_id=PAGE_ID,
        ig_user_id=IG_USER,
    )
    server = make_webhook_server(MetaWebhooks(settings, sink), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sink
    finally:
        server.shutdown()
        server.server_close()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def feed_comment(comment_id: str = "5001_6001", message: str = "you are all liars") -> bytes:
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1714557600,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {"id": "2001", "name": "A Resident"},
                                "post_id": f"{PAGE_ID}_5001",
                                "comment_id": comment_id,
                                "created_time": 1714557600,
                                "item": "comment",
                                "parent_id": f"{PAGE_ID}_5001",
                                "verb": "add",
                                "message": message,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def test_the_subscription_handshake_echoes_the_challenge(receiver):
    url, _ = receiver
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    for path in ("/webhooks/facebook", "/webhooks/instagram"):
        answer = requests.get(url + path, params=params, timeout=5)
        assert answer.status_code == 200 and answer.text == "1158201444"


def test_a_handshake_with_the_wrong_token_is_refused(receiver):
    url, _ = receiver
    params = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    assert requests.get(url + "/webhooks/facebook", params=params, timeout=5).status_code == 403


def test_a_page_comment_delivered_twice_produces_one_comment(receiver):
    url, sink = receiver
    body = feed_comment()
    for _ in range(2):
        answer = requests.post(
            url + "/webhooks/facebook", data=body, headers=signed(body), timeout=5
        )
        assert answer.status_code == 200
    assert len(sink.accepted) == 1
    comment = sink.accepted[0]
    assert comment.platform is Platform.FACEBOOK and comment.surface is Surface.OWN_PAGE
    assert comment.comment_id == "5001_6001" and comment.text == "you are all liars"
    assert comment.author_handle == "A Resident" and comment.created_at.tzinfo is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        signed(b"a different body"),
        signed(feed_comment(), secret="wrong-secret"),
        {"X-Hub-Signature": "sha1=whatever"},
    ],
    ids=["missing", "zeros", "other-body", "wrong-secret", "sha1-only"],
)
def test_a_delivery_with_a_bad_signature_is_refused_and_produces_nothing(receiver, headers):
    url, sink = receiver
    answer = requests.post(
        url + "/webhooks/facebook", data=feed_comment(), headers=headers, timeout=5
    )
    assert answer.status_code == 403
    assert sink.accepted == [] and sink.batches == 0


def test_an_instagram_comment_is_delivered(receiver):
    url, sink = receiver
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": IG_USER,
                    "time": 1714557600,
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "from": {"id": "178400001", "username": "resident"},
                                "media": {"id": "17900001", "media_product_type": "FEED"},
                                "id": "18000001",
                                "text": "what a waste of money",
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    assert requests.post(url + "/webhooks/instagram", data=body, headers=signed(body), timeout=5).ok
    (comment,) = sink.accepted
    assert comment.platform is Platform.INSTAGRAM and comment.comment_id == "18000001"
    assert comment.post_id == "17900001" and comment.author_handle == "resident"


def test_an_edit_of_the_same_comment_goes_through(receiver):
    url, sink = receiver
    for text in ("first words", "edited words"):
        body = feed_comment(message=text)
        requests.post(url + "/webhooks/facebook", data=body, headers=signed(body), timeout=5)
    assert [c.text for c in sink.accepted] == ["first words", "edited words"]


def test_when_the_sink_fails_meta_is_asked_to_deliver_again(receiver):
    url, sink = receiver
    body = feed_comment()
    sink.fail_on_batch = 1
    answer = requests.post(url + "/webhooks/facebook", data=body, headers=signed(body), timeout=5)
    assert answer.status_code == 500
    sink.fail_on_batch = None
    answer = requests.post(url + "/webhooks/facebook", data=body, headers=signed(body), timeout=5)
    assert answer.status_code == 200 and len(sink.accepted) == 1
