"""Authors as keyed hashes: the report counts voices without naming anyone.

HMAC-SHA256 under a key from the settings, so nobody without the key can test a guessed
handle against a pseudonym, and the same author gets the same pseudonym every week. The
same keyed hash orders comments for the tone sample, so the sample does not depend on which
store returned the comments or in what order.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "pseudonym.key"


class Pseudonyms:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonym key must be at least 16 bytes")
        self._key = key

    def _digest(self, purpose: str, value: str) -> bytes:
        return hmac.new(self._key, f"{purpose}\n{value}".encode(), hashlib.sha256).digest()

    def author(self, platform: str, author: str) -> str:
        """'author-3f9a12c0': the same for the same platform and author, under this key."""
        return "author-" + self._digest("author", f"{platform}:{author}").hex()[:8]

    def rank(self, comment_key: str) -> bytes:
        """A comment's place in the sample order: lowest first."""
        return self._digest("sample", comment_key)


def key_from(secret: str, state_dir: Path) -> bytes:
    """The configured key, or the one kept in `state_dir` (made on first use)."""
    if secret:
        return secret.encode()
    path = state_dir / KEY_FILE
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    state_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another report made it just now: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex())
    return key
