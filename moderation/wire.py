"""The versioned JSON wire format: what Kafka topics carry and what the stores keep.

Every message is an object with `"v"` (the format version) and `"type"`. Decoding checks
both and raises `WireError` naming the field that is wrong, so a bad message can be sent to
the dead-letter queue with its reason instead of stopping the stream.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from moderation.comment import Comment, Platform, Surface
from moderation.review import Decision, DecisionKind
from moderation.verdict import (
    Action,
    Category,
    ClassifiedComment,
    CommsNote,
    Evidence,
    Finding,
    Route,
    Verdict,
)

WIRE_VERSION = 1


class WireError(ValueError):
    """A message that cannot be decoded; the text says which field and why."""


def _get(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise WireError(f"{where}: missing field '{key}'")
    value = obj[key]
    if not isinstance(value, kind):
        raise WireError(
            f"{where}: field '{key}' should be {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _enum(enum: Any, value: Any, where: str, key: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise WireError(
            f"{where}: field '{key}' is {value!r}, expected one of: {allowed}"
        ) from None


def _time(value: Any, where: str, key: str) -> datetime:
    if not isinstance(value, str):
        raise WireError(f"{where}: field '{key}' should be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise WireError(f"{where}: field '{key}' is not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise WireError(f"{where}: field '{key}' has no timezone: {value!r}")
    return parsed


def comment_to_dict(c: Comment) -> dict[str, Any]:
    return {
        "platform": c.platform.value,
        "surface": c.surface.value,
        "comment_id": c.comment_id,
        "post_id": c.post_id,
        "parent_id": c.parent_id,
        "author_handle": c.author_handle,
        "author_id": c.author_id,
        "text": c.text,
        "created_at": c.created_at.isoformat(),
        "permalink": c.permalink,
        "post_context": c.post_context,
        "raw": dict(c.raw),
    }


def comment_from_dict(d: Any, where: str = "comment") -> Comment:
    if not isinstance(d, dict):
        raise WireError(f"{where}: expected an object")
    try:
        return Comment(
            platform=_enum(Platform, _get(d, "platform", str, where), where, "platform"),
            surface=_enum(Surface, _get(d, "surface", str, where), where, "surface"),
            comment_id=_get(d, "comment_id", str, where),
            text=_get(d, "text", str, where),
            created_at=_time(d.get("created_at"), where, "created_at"),
            author_handle=str(d.get("author_handle", "")),
            author_id=str(d.get("author_id", "")),
            post_id=str(d.get("post_id", "")),
            parent_id=str(d.get("parent_id", "")),
            permalink=str(d.get("permalink", "")),
            post_context=str(d.get("post_context", "")),
            raw=d.get("raw") or {},
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, WireError):
            raise
        raise WireError(f"{where}: {exc}") from None


def _evidence_to_dict(e: Evidence) -> dict[str, Any]:
    return {
        "detector": e.detector,
        "description": e.description,
        "span": e.span,
        "start": e.start,
        "end": e.end,
        "register_entry": e.register_entry,
    }


def _finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "category": f.category.value,
        "score": round(f.score, 4),
        "detector": f.detector,
        "evidence": [_evidence_to_dict(e) for e in f.evidence],
    }


def _finding_from_dict(d: Any, where: str) -> Finding:
    if not isinstance(d, dict):
        raise WireError(f"{where}: expected an object")
    evidence = []
    for i, e in enumerate(_get(d, "evidence", list, where)):
        w = f"{where}.evidence[{i}]"
        if not isinstance(e, dict):
            raise WireError(f"{w}: expected an object")
        evidence.append(
            Evidence(
                detector=_get(e, "detector", str, w),
                description=_get(e, "description", str, w),
                span=str(e.get("span", "")),
                start=int(e.get("start", -1)),
                end=int(e.get("end", -1)),
                register_entry=str(e.get("register_entry", "")),
            )
        )
    score = d.get("score")
    if not isinstance(score, (int, float)):
        raise WireError(f"{where}: field 'score' should be a number")
    return Finding(
        category=_enum(Category, _get(d, "category", str, where), where, "category"),
        score=float(score),
        detector=_get(d, "detector", str, where),
        evidence=tuple(evidence),
    )


def verdict_to_dict(v: Verdict) -> dict[str, Any]:
    return {
        "comment_key": v.comment_key,
        "action": v.action.value,
        "findings": [_finding_to_dict(f) for f in v.findings],
        "below_threshold": [_finding_to_dict(f) for f in v.below_threshold],
        "routes": [r.value for r in v.routes],
        "hide_on_platform": v.hide_on_platform,
        "not_hideable": v.not_hideable,
        "rules_version": v.rules_version,
        "classifier_version": v.classifier_version,
        "comms": [
            {
                "reason": n.reason,
                "service": n.service,
                "fact_id": n.fact_id,
                "official_line": n.official_line,
                "link": n.link,
            }
            for n in v.comms
        ],
        "referral": v.referral,
    }


def verdict_from_dict(d: Any, where: str = "verdict") -> Verdict:
    if not isinstance(d, dict):
        raise WireError(f"{where}: expected an object")
    comms = []
    for i, n in enumerate(d.get("comms", [])):
        if not isinstance(n, dict):
            raise WireError(f"{where}.comms[{i}]: expected an object")
        comms.append(
            CommsNote(
                reason=_get(n, "reason", str, f"{where}.comms[{i}]"),
                service=str(n.get("service", "")),
                fact_id=str(n.get("fact_id", "")),
                official_line=str(n.get("official_line", "")),
                link=str(n.get("link", "")),
            )
        )
    return Verdict(
        comment_key=_get(d, "comment_key", str, where),
        action=_enum(Action, _get(d, "action", str, where), where, "action"),
        findings=tuple(
            _finding_from_dict(f, f"{where}.findings[{i}]")
            for i, f in enumerate(_get(d, "findings", list, where))
        ),
        below_threshold=tuple(
            _finding_from_dict(f, f"{where}.below_threshold[{i}]")
            for i, f in enumerate(d.get("below_threshold", []))
        ),
        routes=tuple(_enum(Route, r, where, "routes") for r in _get(d, "routes", list, where)),
        hide_on_platform=bool(_get(d, "hide_on_platform", bool, where)),
        not_hideable=bool(_get(d, "not_hideable", bool, where)),
        rules_version=_get(d, "rules_version", str, where),
        classifier_version=_get(d, "classifier_version", str, where),
        comms=tuple(comms),
        referral=str(d.get("referral", "")),
    )


def decision_to_dict(dec: Decision) -> dict[str, Any]:
    return {
        "item_id": dec.item_id,
        "kind": dec.kind.value,
        "by": dec.by,
        "reason": dec.reason,
        "decided_at": dec.decided_at.isoformat(),
    }


def decision_from_dict(d: Any, where: str = "decision") -> Decision:
    if not isinstance(d, dict):
        raise WireError(f"{where}: expected an object")
    try:
        return Decision(
            item_id=_get(d, "item_id", int, where),
            kind=_enum(DecisionKind, _get(d, "kind", str, where), where, "kind"),
            by=_get(d, "by", str, where),
            reason=_get(d, "reason", str, where),
            decided_at=_time(d.get("decided_at"), where, "decided_at"),
        )
    except ValueError as exc:
        if isinstance(exc, WireError):
            raise
        raise WireError(f"{where}: {exc}") from None


def envelope(kind: str, body: dict[str, Any]) -> bytes:
    """A message of type `kind` in the current wire version, as UTF-8 JSON."""
    return json.dumps({"v": WIRE_VERSION, "type": kind, **body}, ensure_ascii=False).encode()


def open_envelope(data: bytes | str, expected: str) -> dict[str, Any]:
    """The message's fields, once its JSON, version and type (`expected`) are checked;
    `WireError` naming what is wrong otherwise."""
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise WireError("message is not a JSON object")
    version = obj.get("v")
    if version != WIRE_VERSION:
        raise WireError(f"unsupported wire version {version!r}; this build reads {WIRE_VERSION}")
    if obj.get("type") != expected:
        raise WireError(f"expected a '{expected}' message, got type {obj.get('type')!r}")
    return obj


def encode_comment(c: Comment) -> bytes:
    return envelope("comment", {"comment": comment_to_dict(c)})


def decode_comment(data: bytes | str) -> Comment:
    return comment_from_dict(open_envelope(data, "comment").get("comment"))


def encode_classified(cc: ClassifiedComment) -> bytes:
    return envelope(
        "classified",
        {"comment": comment_to_dict(cc.comment), "verdict": verdict_to_dict(cc.verdict)},
    )


def decode_classified(data: bytes | str) -> ClassifiedComment:
    obj = open_envelope(data, "classified")
    return ClassifiedComment(
        comment=comment_from_dict(obj.get("comment")),
        verdict=verdict_from_dict(obj.get("verdict")),
    )


def encode_decision(dec: Decision) -> bytes:
    return envelope("decision", {"decision": decision_to_dict(dec)})


def decode_decision(data: bytes | str) -> Decision:
    return decision_from_dict(open_envelope(data, "decision").get("decision"))
