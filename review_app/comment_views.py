"""One page per comment: its text with the evidence marked, the post it replies to, every
finding with its rule, score and threshold, the platform state, its queue items with their
actions (confirm, restore, escalate, answer; claim and assign), and its audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from moderation.review import (
    RECATEGORISED,
    AuditEvent,
    Decision,
    DecisionKind,
    ReviewStatus,
    recategorised_detail,
)
from moderation.verdict import Category, Evidence, Verdict
from review_app.accounts import Role
from review_app.web import deps, flash_and_go, render, require, session
from store.base import AuditFilter, QueueRow, StoredComment
from stream.decisions import ReviewError

REFERRALS = {
    "police": "Police",
    "safeguarding": "Safeguarding",
    "legal": "Legal",
}
PLATFORM_STATES = {
    "none": "Not hidden (no hide was needed)",
    "hidden": "Hidden on the platform",
    "hide_failed": "Hide FAILED on the platform: hide it by hand",
    "not_hideable": "Not hideable: the council cannot hide it there",
    "pending_review": "Waiting for a person before it is hidden",
    "not_connected": "Not connected: no connector for this platform, hide it by hand",
    "restored": "Restored: visible on the platform again",
}


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    marked: bool = False
    label: str = ""


def segments(text: str, verdict: Verdict) -> list[Segment]:
    """The text cut into plain and evidence parts (spans that overlap are merged)."""
    spans: list[tuple[int, int, str]] = []
    for finding in verdict.findings:
        for ev in finding.evidence:
            if 0 <= ev.start < ev.end <= len(text):
                spans.append((ev.start, ev.end, finding.category.value))
    spans.sort()
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, label in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), [*last[2], label])
        else:
            merged.append((start, end, [label]))
    out, at = [], 0
    for start, end, labels in merged:
        if start > at:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], True, ", ".join(dict.fromkeys(labels))))
        at = end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def _evidence_line(ev: Evidence) -> str:
    return ev.description + (f" “{ev.span}”" if ev.span else "")


def _comment_page(
    request: Request, stored: StoredComment, rows: list[QueueRow], focus: int | None
) -> HTMLResponse:
    d = deps(request)
    cc = stored.classified
    comment, verdict = cc.comment, cc.verdict
    findings = []
    for f in verdict.findings:
        rule = d.rules.categories.get(f.category)
        findings.append(
            {
                "finding": f,
                "threshold": rule.threshold if rule else None,
                "action": rule.action_on(comment.surface).value if rule else "",
                "rule": rule.description if rule else "",
                "evidence": [_evidence_line(e) for e in f.evidence],
            }
        )
    events, _ = d.store.audit_page(AuditFilter(comment_key=comment.key), limit=200)
    moderators = [u.name for u in d.accounts.list() if u.role.allows(Role.MODERATOR)]
    return render(
        request,
        "comment.html",
        {
            "comment": comment,
            "verdict": verdict,
            "segments": segments(comment.text, verdict),
            "findings": findings,
            "platform_state": stored.platform_state.value,
            "platform_state_text": PLATFORM_STATES.get(stored.platform_state.value, ""),
            "rows": rows,
            "open_rows": [r for r in rows if r.item.status is ReviewStatus.OPEN],
            "focus": focus,
            "events": events,
            "referrals": REFERRALS,
            "moderators": moderators,
            "all_categories": [c.value for c in Category],
            "current_categories": [c.value for c in verdict.categories],
            "title": f"Comment {comment.key}",
        },
    )


async def item_page(request: Request) -> HTMLResponse:
    session(request)
    d = deps(request)
    item = d.store.item(int(request.path_params["item_id"]))
    if item is None:
        raise HTTPException(404, "There is no such item (it may have been removed by retention).")
    stored = d.store.get(item.comment_key)
    if stored is None:
        raise HTTPException(404, "That comment is no longer stored.")
    return _comment_page(request, stored, d.store.items_for(item.comment_key), item.item_id)


async def comment_page(request: Request) -> HTMLResponse:
    session(request)
    d = deps(request)
    key = request.path_params["key"]
    stored = d.store.get(key)
    if stored is None:
        raise HTTPException(404, "That comment is not stored.")
    return _comment_page(request, stored, d.store.items_for(key), None)


def _open_item(request: Request) -> tuple[int, str]:
    d = deps(request)
    item_id = int(request.path_params["item_id"])
    item = d.store.item(item_id)
    if item is None:
        raise HTTPException(404, "There is no such item.")
    return item_id, f"/items/{item_id}"


async def decide(request: Request) -> RedirectResponse:
    officer = require(request, Role.MODERATOR)
    item_id, back = _open_item(request)
    form = await request.form()
    kinds = {k.value: k for k in DecisionKind}
    kind = kinds.get(str(form.get("kind", "")))
    reason = str(form.get("reason", "")).strip()
    if kind is None:
        return flash_and_go(request, "error", "Choose what to do with the comment.", back)
    if kind is DecisionKind.ESCALATE:
        referral = str(form.get("referral", ""))
        if referral not in REFERRALS:
            return flash_and_go(request, "error", "Choose who it is referred to.", back)
        reason = f"{REFERRALS[referral]}: {reason}" if reason else ""
    if not reason:
        what = "the reply you used" if kind is DecisionKind.DONE else "a reason for the audit log"
        return flash_and_go(request, "error", f"Give {what}.", back)
    d = deps(request)
    decision = Decision(item_id, kind, officer.user.name, reason, d.clock.now())
    try:
        message = d.decisions.submit(decision)
    except ReviewError as exc:
        return flash_and_go(request, "error", f"Not done: {exc}", back)
    return flash_and_go(request, "ok", message, back)


async def claim(request: Request) -> RedirectResponse:
    return await _assign(request, "claim")


async def release(request: Request) -> RedirectResponse:
    return await _assign(request, "release")


async def assign(request: Request) -> RedirectResponse:
    return await _assign(request, "assign")


async def _assign(request: Request, how: str) -> RedirectResponse:
    officer = require(request, Role.MODERATOR)
    item_id, back = _open_item(request)
    d = deps(request)
    item = d.store.item(item_id)
    assert item is not None
    me = officer.user.name
    if how == "claim":
        to, event, detail = me, "claimed", f"claimed by {me}"
    elif how == "release":
        to, event, detail = "", "released", f"released by {me}"
    else:
        form = await request.form()
        to = str(form.get("assignee", "")).strip()
        target = d.accounts.get(to)
        if target is None or target.disabled or not target.role.allows(Role.MODERATOR):
            return flash_and_go(request, "error", "Choose a moderator to assign it to.", back)
        event, detail = "assigned", f"assigned to {to} by {me}"
    try:
        d.store.assign(
            item_id,
            to,
            AuditEvent(d.clock.now(), me, event, item.comment_key, detail, item_id),
            only_if_free=how == "claim",
        )
    except LookupError as exc:
        return flash_and_go(request, "error", f"Not done: {exc}", back)
    return flash_and_go(request, "ok", detail[0].upper() + detail[1:] + ".", back)


async def recategorise(request: Request) -> RedirectResponse:
    """A moderator says which categories a comment really has. Recorded in the audit log as
    "recategorised"; `houserules learn` teaches the model from it (docs/learning.md)."""
    officer = require(request, Role.MODERATOR)
    d = deps(request)
    key = request.path_params["key"]
    stored = d.store.get(key)
    if stored is None:
        raise HTTPException(404, "That comment is not stored.")
    form = await request.form()
    item = str(form.get("item", ""))
    back = f"/items/{item}" if item.isdigit() else f"/comments/{key}"
    valid = {c.value: c for c in Category}
    names = [str(n) for n in form.getlist("category")]
    if any(n not in valid for n in names):
        return flash_and_go(request, "error", "Choose categories from the list.", back)
    chosen = [valid[n] for n in dict.fromkeys(names)]
    detail = recategorised_detail(chosen, stored.classified.verdict.categories)
    d.store.append_audit(AuditEvent(d.clock.now(), officer.user.name, RECATEGORISED, key, detail))
    said = ", ".join(c.value.replace("_", " ") for c in chosen) or "none of the categories"
    return flash_and_go(
        request,
        "ok",
        f"Recorded: this comment is {said}. The model learns from it at the next houserules learn.",
        back,
    )
