"""Local accounts and server-side sessions for the review app, in a SQLite file of their own.

Passwords are hashed with argon2 (argon2-cffi's defaults); a session cookie carries only a
random token, and the database only its SHA-256, so a copy of the file signs nobody in.
A session ends after `idle` without a request or `max_age` in all; an account is locked
for a while after repeated failed sign-ins. Both modes (SQLite or Elasticsearch store) keep
accounts here: they belong to the app, not to the comments.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from stream.clock import Clock

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    flash TEXT NOT NULL DEFAULT ''
);
"""


class Role(StrEnum):
    """What an officer may do: viewers read, moderators decide, admins manage users too."""

    VIEWER = "viewer"
    MODERATOR = "moderator"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        order = (Role.VIEWER, Role.MODERATOR, Role.ADMIN)
        return order.index(self) >= order.index(needed)


class AccountError(Exception):
    """A user command that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    disabled: bool
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Session:
    token_hash: str
    user: User
    csrf_token: str
    flash: str


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in attempt: a session token, or why not (said the same way
    for an unknown name and a wrong password, so names cannot be probed)."""

    token: str = ""
    refused: str = ""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(
        self,
        path: Path | str,
        clock: Clock,
        *,
        idle: timedelta = timedelta(minutes=30),
        max_age: timedelta = timedelta(hours=12),
        lockout_after: int = 5,
        lockout_for: timedelta = timedelta(minutes=15),
    ) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._hasher = PasswordHasher()
        # Verified against when the name is unknown, so both failures take as long.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self.clock = clock
        self.idle = idle
        self.max_age = max_age
        self.lockout_after = lockout_after
        self.lockout_for = lockout_for

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @staticmethod
    def _user(row: tuple[str, str, int, str | None]) -> User:
        name, role, disabled, locked = row
        return User(
            name, Role(role), bool(disabled), datetime.fromisoformat(locked) if locked else None
        )

    def add(self, name: str, role: Role, password: str) -> User:
        name = name.strip()
        if not name or len(name) > 100 or any(ch in name for ch in "\r\n\t"):
            raise AccountError("a user name must be 1 to 100 characters on one line")
        if len(password) < 12:
            raise AccountError("a password must be at least 12 characters")
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO users(name, role, password_hash, created_at) VALUES (?,?,?,?)",
                    (name, role.value, self._hasher.hash(password), self.clock.now().isoformat()),
                )
            except sqlite3.IntegrityError:
                raise AccountError(f"there is already a user {name!r}") from None
        found = self.get(name)
        assert found is not None
        return found

    def get(self, name: str) -> User | None:
        with self._lock:
            row = self._db.execute(
                "SELECT name, role, disabled, locked_until FROM users WHERE name=?", (name,)
            ).fetchone()
        return self._user(row) if row else None

    def list(self) -> list[User]:
        with self._lock:
            rows = self._db.execute(
                "SELECT name, role, disabled, locked_until FROM users ORDER BY name"
            ).fetchall()
        return [self._user(r) for r in rows]

    def _update(self, name: str, sql: str, args: tuple[object, ...]) -> User:
        with self._lock:
            if self._db.execute(sql, (*args, name)).rowcount != 1:
                raise AccountError(f"there is no user {name!r}")
        found = self.get(name)
        assert found is not None
        return found

    def set_role(self, name: str, role: Role) -> User:
        return self._update(name, "UPDATE users SET role=? WHERE name=?", (role.value,))

    def set_disabled(self, name: str, disabled: bool) -> User:
        user = self._update(name, "UPDATE users SET disabled=? WHERE name=?", (int(disabled),))
        if disabled:
            with self._lock:
                self._db.execute("DELETE FROM sessions WHERE user_name=?", (name,))
        return user

    def set_password(self, name: str, password: str) -> User:
        if len(password) < 12:
            raise AccountError("a password must be at least 12 characters")
        user = self._update(
            name,
            "UPDATE users SET password_hash=?, failed_attempts=0, locked_until=NULL WHERE name=?",
            (self._hasher.hash(password),),
        )
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE user_name=?", (name,))
        return user

    def sign_in(self, name: str, password: str) -> SignIn:
        refused = SignIn(refused="That name and password do not match an account.")
        now = self.clock.now()
        with self._lock:
            row = self._db.execute(
                "SELECT password_hash, disabled, failed_attempts, locked_until FROM users"
                " WHERE name=?",
                (name,),
            ).fetchone()
        if row is None:
            self._verify(self._dummy_hash, password)
            return refused
        stored_hash, disabled, failures, locked_until = row
        if locked_until and datetime.fromisoformat(locked_until) > now:
            return SignIn(
                refused="This account is locked after repeated failed sign-ins. "
                "Try again later or ask an administrator."
            )
        if not self._verify(stored_hash, password):
            failures += 1
            lock = (now + self.lockout_for).isoformat() if failures >= self.lockout_after else None
            with self._lock:
                self._db.execute(
                    "UPDATE users SET failed_attempts=?, locked_until=? WHERE name=?",
                    (0 if lock else failures, lock, name),
                )
            return refused
        if disabled:
            return refused
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute(
                "UPDATE users SET failed_attempts=0, locked_until=NULL WHERE name=?", (name,)
            )
            self._db.execute(
                "INSERT INTO sessions(token_hash, user_name, csrf_token, created_at, last_seen)"
                " VALUES (?,?,?,?,?)",
                (_digest(token), name, secrets.token_urlsafe(32), now.isoformat(), now.isoformat()),
            )
        return SignIn(token=token)

    def trusted_session(self, name: str) -> str | None:
        """A session for a user a trusted single sign-on proxy vouches for (no password);
        None if there is no such enabled account."""
        user = self.get(name)
        if user is None or user.disabled:
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock.now().isoformat()
        with self._lock:
            self._db.execute(
                "INSERT INTO sessions(token_hash, user_name, csrf_token, created_at, last_seen)"
                " VALUES (?,?,?,?,?)",
                (_digest(token), name, secrets.token_urlsafe(32), now, now),
            )
        return token

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def session(self, token: str) -> Session | None:
        """The live session for a cookie token, touched; None if unknown or expired (an
        expired one is deleted)."""
        if not token:
            return None
        key = _digest(token)
        now = self.clock.now()
        with self._lock:
            row = self._db.execute(
                "SELECT s.csrf_token, s.created_at, s.last_seen, s.flash, u.name, u.role,"
                " u.disabled, u.locked_until FROM sessions s JOIN users u ON u.name = s.user_name"
                " WHERE s.token_hash=?",
                (key,),
            ).fetchone()
            if row is None:
                return None
            csrf, created, last_seen, flash, *user_row = row
            user = self._user((user_row[0], user_row[1], user_row[2], user_row[3]))
            expired = (
                now - datetime.fromisoformat(last_seen) > self.idle
                or now - datetime.fromisoformat(created) > self.max_age
                or user.disabled
            )
            if expired:
                self._db.execute("DELETE FROM sessions WHERE token_hash=?", (key,))
                return None
            self._db.execute(
                "UPDATE sessions SET last_seen=? WHERE token_hash=?", (now.isoformat(), key)
            )
        return Session(key, user, csrf, flash)

    def set_flash(self, session: Session, message: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE sessions SET flash=? WHERE token_hash=?", (message, session.token_hash)
            )

    def sign_out(self, session: Session) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE token_hash=?", (session.token_hash,))
