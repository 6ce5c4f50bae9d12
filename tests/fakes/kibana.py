"""A fake Kibana speaking the saved objects API as Kibana 8 documents it: `GET /api/status`
with the version, and `POST [/s/<space>]/api/saved_objects/_import` taking an NDJSON file as
multipart/form-data, with its errors.

- every API call without a `kbn-xsrf` header (other than GET) is refused with 400;
- with `users` (basic) or `api_keys`, a call without good credentials gets 401 as Kibana's
  security answers it;
- an unknown space gets 404;
- import without `overwrite=true` reports a `conflict` for each object already there;
- an object whose references are neither in the file nor already saved reports
  `missing_references`; an unknown type `unsupported_type`; a malformed line is a 400;
- objects written for a newer Kibana than this one (by `typeMigrationVersion`) are refused
  with 400, as Kibana refuses a downgrade;
- `GET /api/status` reports Kibana's Elasticsearch as Kibana does: `critical`, with the
  incompatible nodes, when its major differs or its minor is older than Kibana's (Kibana's
  own compatibility rule), `unavailable` when it cannot be reached; the overall status then
  answers 503.
"""

from __future__ import annotations

import base64
import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes.server import FakeServer, Reply, Request

KNOWN_TYPES = frozenset({"index-pattern", "search", "visualization", "dashboard", "lens", "config"})


def error(status: int, name: str, message: str) -> Reply:
    return Reply(status, {"statusCode": status, "error": name, "message": message})


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


class FakeKibana(FakeServer):
    def __init__(
        self,
        version: str = "8.19.21",
        *,
        elasticsearch_version: str | None = None,
        elasticsearch_up: bool = True,
        users: dict[str, str] | None = None,
        api_keys: set[str] | None = None,
        spaces: set[str] | None = None,
    ) -> None:
        super().__init__()
        self.version = version
        self.elasticsearch_version = elasticsearch_version or version
        self.elasticsearch_up = elasticsearch_up
        self.users = users or {}
        self.api_keys = api_keys or set()
        self.spaces = {"default"} | (spaces or set())
        # space -> (type, id) -> object
        self.saved: dict[str, dict[tuple[str, str], dict[str, Any]]] = {s: {} for s in self.spaces}

    def _authorised(self, request: Request) -> bool:
        if not self.users and not self.api_keys:
            return True
        header = request.headers.get("authorization", "")
        if header.startswith("ApiKey "):
            return header[len("ApiKey ") :] in self.api_keys
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return self.users.get(user) == password and bool(password)
        return False

    def route(self, request: Request) -> Reply:
        if not self._authorised(request):
            return error(
                401,
                "Unauthorized",
                "[security_exception]: missing authentication credentials for REST request",
            )
        path, space = request.path, "default"
        if path.startswith("/s/"):
            _, _, space, rest = path.split("/", 3)
            path = "/" + rest
            if space not in self.spaces:
                return error(404, "Not Found", "Not Found")
        if request.method == "GET" and path == "/api/status":
            return self._status()
        if request.method == "POST" and path == "/api/saved_objects/_import":
            if "kbn-xsrf" not in request.headers:
                return error(400, "Bad Request", "Request must contain a kbn-xsrf header.")
            return self._import(request, space)
        return error(404, "Not Found", "Not Found")

    def _elasticsearch_status(self) -> dict[str, Any]:
        if not self.elasticsearch_up:
            return {"level": "unavailable", "summary": "Waiting for Elasticsearch", "meta": {}}
        es, kibana = _version_tuple(self.elasticsearch_version), _version_tuple(self.version)
        if es[0] != kibana[0] or es[1] < kibana[1]:
            node = {
                "version": self.elasticsearch_version,
                "http": {"publish_address": "127.0.0.1:9200"},
                "ip": "127.0.0.1",
            }
            return {
                "level": "critical",
                "summary": f"This version of Kibana (v{self.version}) is incompatible with the"
                f" following Elasticsearch nodes in your cluster: v{self.elasticsearch_version}"
                " @ 127.0.0.1:9200 (127.0.0.1)",
                "meta": {"warningNodes": [], "incompatibleNodes": [node]},
            }
        return {"level": "available", "summary": "Elasticsearch is available", "meta": {}}

    def _status(self) -> Reply:
        elasticsearch = self._elasticsearch_status()
        level = elasticsearch["level"]
        return Reply(
            200 if level == "available" else 503,
            {
                "name": "kibana",
                "version": {"number": self.version, "build_snapshot": False},
                "status": {
                    "overall": {"level": level, "summary": elasticsearch["summary"]},
                    "core": {
                        "elasticsearch": elasticsearch,
                        "savedObjects": {"level": level, "summary": "SavedObjects service"},
                    },
                },
            },
        )

    def _file(self, request: Request) -> bytes | None:
        head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + request.body)
        if not message.is_multipart():
            return None
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "file":
                payload = part.get_payload(decode=True)
                return payload if isinstance(payload, bytes) else None
        return None

    def _import(self, request: Request, space: str) -> Reply:
        data = self._file(request)
        if data is None:
            return error(400, "Bad Request", "[request body.file]: expected value of type [Stream]")
        try:
            objects = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        except ValueError as exc:
            return error(400, "Bad Request", f"Unexpected token in JSON: {exc}")
        for obj in objects:
            made = obj.get("typeMigrationVersion") or obj.get("coreMigrationVersion")
            if made and _version_tuple(made) > _version_tuple(self.version):
                return error(
                    400,
                    "Bad Request",
                    f'Document "{obj.get("id")}" belongs to a more recent version of Kibana'
                    f" [{made}] when the last known version is [{self.version}].",
                )
        overwrite = request.query.get("overwrite") == "true"
        saved = self.saved[space]
        in_file = {(o["type"], o["id"]) for o in objects}
        errors, done = [], []
        for obj in objects:
            key = (obj["type"], obj["id"])
            title = obj.get("attributes", {}).get("title", "")
            base = {"id": obj["id"], "type": obj["type"], "title": title, "meta": {"title": title}}
            if obj["type"] not in KNOWN_TYPES:
                errors.append({**base, "error": {"type": "unsupported_type"}})
                continue
            missing = [
                {"type": r["type"], "id": r["id"]}
                for r in obj.get("references", [])
                if (r["type"], r["id"]) not in in_file and (r["type"], r["id"]) not in saved
            ]
            if missing:
                errors.append(
                    {**base, "error": {"type": "missing_references", "references": missing}}
                )
                continue
            if key in saved and not overwrite:
                errors.append({**base, "error": {"type": "conflict"}})
                continue
            done.append((key, obj))
        if errors:
            return Reply(
                200, {"success": False, "successCount": 0, "errors": errors, "warnings": []}
            )
        for key, obj in done:
            saved[key] = obj
        results = [
            {"type": k[0], "id": k[1], "meta": {"title": o.get("attributes", {}).get("title", "")}}
            for k, o in done
        ]
        return Reply(
            200,
            {"success": True, "successCount": len(done), "successResults": results, "warnings": []},
        )
