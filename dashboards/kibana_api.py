"""Installing the saved objects through Kibana's saved objects API.

Install asks Kibana its version first (`GET /api/status`), because saved objects import only
into the version they were written for or a later one, and whether Kibana can use its
Elasticsearch (a Kibana beside an Elasticsearch of another version cannot), then imports the
NDJSON with
`POST /api/saved_objects/_import?overwrite=true` (into `/s/<space>/...` for a space), so
installing again replaces the same objects rather than adding copies. Every failure becomes
one `KibanaError` saying what to do; no message carries a password, an API key or the
credentials part of a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import requests

from dashboards.settings import KibanaSettings
from store.es_retry import without_credentials

_SPACE = re.compile(r"^[a-z0-9_-]+$")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


class KibanaError(Exception):
    """Kibana could not take the dashboards; the message says why and what to check."""


@dataclass(frozen=True, slots=True)
class Installed:
    kibana_version: str
    space: str
    objects: int


def compatible(kibana_version: str, written_for: str) -> bool:
    """Whether objects written for `written_for` import into `kibana_version`: the same
    major at the same or a later minor, or the next major."""
    have, made = _VERSION.match(kibana_version), _VERSION.match(written_for)
    if have is None or made is None:
        return False
    major, minor = int(have[1]), int(have[2])
    made_major, made_minor = int(made[1]), int(made[2])
    return (major == made_major and minor >= made_minor) or major == made_major + 1


class Kibana:
    """One Kibana, reached with the settings' address and credentials."""

    def __init__(self, settings: KibanaSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.base = settings.url.rstrip("/")
        self.where = without_credentials(self.base)
        self.session = session or requests.Session()
        self.session.headers["kbn-xsrf"] = "houserules"
        if settings.api_key is not None:
            self.session.headers["Authorization"] = f"ApiKey {settings.api_key.get_secret_value()}"
        elif settings.username:
            password = settings.password.get_secret_value() if settings.password else ""
            self.session.auth = (settings.username, password)

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(
                method, self.base + path, timeout=self.settings.timeout_seconds, **kwargs
            )
        except requests.exceptions.Timeout:
            raise KibanaError(
                f"Kibana at {self.where} did not answer within {self.settings.timeout_seconds:g} s"
            ) from None
        except requests.exceptions.RequestException as exc:
            reason = "connection refused" if "refused" in str(exc).lower() else "connection failed"
            raise KibanaError(
                f"cannot reach Kibana at {self.where} ({reason}): check kibana.url or --kibana"
            ) from None

    def _refused(self, response: requests.Response, doing: str) -> KibanaError:
        detail = _message(response)
        if response.status_code == 401:
            return KibanaError(
                f"Kibana at {self.where} refused the credentials (401) when asked to {doing}:"
                " check kibana.username and kibana.password, or kibana.api_key"
            )
        if response.status_code == 403:
            return KibanaError(
                f"Kibana at {self.where} does not let this user {doing} (403): {detail}"
            )
        return KibanaError(
            f"Kibana at {self.where} answered {response.status_code} when asked to {doing}: "
            f"{detail}"
        )

    def status(self) -> tuple[str, dict[str, Any]]:
        """Kibana's version and its status report (`status` of `GET /api/status`)."""
        response = self._call("GET", "/api/status")
        if response.status_code in (401, 403):
            raise self._refused(response, "report its status")
        try:
            body = response.json()
            number = str(body["version"]["number"])
        except (ValueError, KeyError, TypeError):
            raise KibanaError(
                f"no Kibana answers at {self.where}: GET /api/status gave "
                f"{response.status_code} without a Kibana version; check kibana.url or --kibana"
            ) from None
        if response.status_code >= 400 and response.status_code != 503:
            raise self._refused(response, "report its status")
        status = body.get("status")
        return number, status if isinstance(status, dict) else {}

    def version(self) -> str:
        return self.status()[0]

    def _check_elasticsearch(self, version: str, status: dict[str, Any]) -> None:
        """Kibana works only beside an Elasticsearch of its own version: when it says its
        cluster does not match (or is down), nothing can be imported, so say so first."""
        core = status.get("core")
        elasticsearch = core.get("elasticsearch") if isinstance(core, dict) else None
        if not isinstance(elasticsearch, dict):
            return
        if elasticsearch.get("level") in (None, "available", "degraded"):
            return
        meta = elasticsearch.get("meta")
        nodes = meta.get("incompatibleNodes") if isinstance(meta, dict) else None
        versions = sorted(
            {str(n.get("version")) for n in nodes or [] if isinstance(n, dict) and n.get("version")}
        )
        if versions:
            raise KibanaError(
                f"Kibana at {self.where} is version {version}, but its Elasticsearch is"
                f" version {', '.join(versions)}: Kibana and Elasticsearch must be the same"
                " version (docker-compose.yml runs both at HOUSERULES_ELASTIC_VERSION)"
            )
        summary = str(elasticsearch.get("summary") or "no detail")
        raise KibanaError(
            f"Kibana at {self.where} cannot use its Elasticsearch ({summary}): start"
            " Elasticsearch, or point Kibana at it, then install again"
        )

    def install(self, ndjson: str, written_for: str, space: str = "") -> Installed:
        """Import the objects (overwriting any with the same ids); Installed on success."""
        if space and not _SPACE.match(space):
            raise KibanaError(
                f"space {space!r} is not a Kibana space id: lowercase letters, digits, '_' or '-'"
            )
        found, status = self.status()
        if not compatible(found, written_for):
            raise KibanaError(
                f"Kibana at {self.where} is version {found}, but the dashboards are saved"
                f" objects for Kibana {written_for}, which import only into that version, a"
                " later one of the same major, or the next major: use the Kibana that"
                " matches the Elasticsearch cluster"
            )
        self._check_elasticsearch(found, status)
        prefix = f"/s/{space}" if space else ""
        response = self._call(
            "POST",
            f"{prefix}/api/saved_objects/_import",
            params={"overwrite": "true"},
            files={"file": ("houserules.ndjson", ndjson.encode("utf-8"), "application/ndjson")},
        )
        if response.status_code == 404 and space:
            raise KibanaError(f"Kibana at {self.where} has no space {space!r}: create it first")
        if response.status_code != 200:
            raise self._refused(response, "import saved objects")
        body = response.json()
        if not body.get("success"):
            problems = "; ".join(_import_error(e) for e in body.get("errors", [])) or "no reason"
            raise KibanaError(f"Kibana at {self.where} did not import every object: {problems}")
        return Installed(found, space or "default", int(body.get("successCount", 0)))


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no detail"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or response.reason)
    return response.reason or "no detail"


def _import_error(error: dict[str, Any]) -> str:
    kind = error.get("error", {}).get("type", "unknown")
    what = f"{error.get('type', '?')} {error.get('id', '?')}"
    if kind == "missing_references":
        missing = ", ".join(
            f"{r.get('type')} {r.get('id')}" for r in error["error"].get("references", [])
        )
        return f"{what} refers to missing {missing}"
    if kind == "unsupported_type":
        return f"{what}: this Kibana does not know the type"
    message = error.get("error", {}).get("message", "")
    return f"{what}: {kind}" + (f" ({message})" if message else "")
