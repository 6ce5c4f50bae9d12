"""The unprivileged account Elasticsearch runs as (it refuses to run as root).

When we are root, a system account (default `houserules`) is created if missing and
the server is started through `setpriv` as that account. When we are not root, the
server simply runs as us.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from houserules.services.errors import ServiceError


@dataclass(frozen=True)
class ServiceAccount:
    name: str
    uid: int
    gid: int

    @property
    def is_current(self) -> bool:
        return self.uid == os.geteuid()

    def command_prefix(self) -> list[str]:
        """What to put before a command to run it as this account (nothing if we are it)."""
        if self.is_current:
            return []
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        return [setpriv, f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", "--"]

    def give(self, path: Path) -> None:
        """Make `path` and everything under it belong to this account (no-op if we are it)."""
        if self.is_current:
            return
        for root, dirs, files in os.walk(path):
            os.chown(root, self.uid, self.gid)
            for name in (*dirs, *files):
                os.chown(os.path.join(root, name), self.uid, self.gid, follow_symlinks=False)

    def can_use(self, readable: Path, writable: Path) -> str | None:
        """None if the account can read `readable` and write `writable`, else why not."""
        if self.is_current:
            return None
        check = [*self.command_prefix(), "sh", "-c", 'test -r "$1" && test -w "$2"', "sh"]
        result = subprocess.run(
            [*check, str(readable), str(writable)], capture_output=True, check=False
        )
        if result.returncode == 0:
            return None
        return (
            f"the account {self.name!r} cannot read {readable} or write {writable}; a parent "
            "directory is probably private (e.g. under /root). Set HOUSERULES_SERVICES_DIR to "
            "a directory every user can traverse, such as /var/tmp/houserules-services"
        )


def service_account(name: str) -> ServiceAccount:
    """The account to run Elasticsearch as: ourselves unless root, else `name` (created)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return ServiceAccount(me.pw_name, me.pw_uid, me.pw_gid)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        result = subprocess.run(
            [
                useradd,
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServiceError(
                f"could not create the system account {name!r} that Elasticsearch runs as: "
                f"{result.stderr.strip() or result.returncode}"
            ) from None
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise ServiceError(f"the account {name!r} is root; Elasticsearch refuses to run as root")
    return ServiceAccount(entry.pw_name, entry.pw_uid, entry.pw_gid)
