"""Sign-in and sign-out, search, the audit log (filters and CSV), user administration and the
health check."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from moderation.review import AuditEvent
from review_app.accounts import AccountError, Role
from review_app.guard import SESSION_COOKIE, cookie_header
from review_app.web import (
    FILTER_CHOICES,
    Filters,
    _day,
    csv_response,
    deps,
    flash_and_go,
    london,
    page_number,
    render,
    require,
    session,
)
from store.base import AuditFilter

AUDIT_EVENTS = (
    "classified",
    "hidden",
    "unhidden",
    "confirm",
    "restore",
    "escalate",
    "done",
    "claimed",
    "released",
    "assigned",
    "alerted",
    "not_hideable",
    "not_connected",
    "hide_failed",
    "pending_review",
    "retention",
    "erasure",
    "recategorised",
    "model_learned",
    "model_refused",
    "model_used",
)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _safe_next(value: str) -> str:
    # Only a path on this site: never '//host' or a full URL.
    return value if value.startswith("/") and not value.startswith("//") else "/"


async def sign_in_page(request: Request) -> Response:
    return render(
        request,
        "sign_in.html",
        {
            "next": _safe_next(request.query_params.get("next", "/")),
            "error": "",
            "name": "",
            "expired": request.query_params.get("expired") == "1",
        },
    )


async def sign_in(request: Request) -> Response:
    d = deps(request)
    form = await request.form()
    name = str(form.get("name", "")).strip()
    target = _safe_next(str(form.get("next", "/")))
    result = d.accounts.sign_in(name, str(form.get("password", "")))
    if not result.token:
        context = {"next": target, "error": result.refused, "name": name, "expired": False}
        return render(request, "sign_in.html", context, status=401)
    response = RedirectResponse(target, status_code=303)
    response.headers.append(
        "set-cookie",
        cookie_header(SESSION_COOKIE, result.token, secure=d.settings.secure_cookies),
    )
    return response


async def sign_out(request: Request) -> Response:
    d = deps(request)
    d.accounts.sign_out(session(request))
    response = RedirectResponse("/sign-in", status_code=303)
    response.headers.append(
        "set-cookie",
        cookie_header(SESSION_COOKIE, "", secure=d.settings.secure_cookies, max_age=0),
    )
    return response


async def search(request: Request) -> Response:
    session(request)
    d = deps(request)
    query = request.query_params.get("q", "").strip()[:200]
    filters = Filters.read(request)
    hits = d.store.search(query, limit=50, filters=filters.for_store()) if query else []
    return render(
        request,
        "search.html",
        {"q": query, "hits": hits, "filters": filters, "choices": FILTER_CHOICES},
    )


def _audit_filter(request: Request) -> tuple[AuditFilter, dict[str, str]]:
    q = request.query_params
    typed = {k: q.get(k, "").strip()[:200] for k in ("since", "until", "actor", "event", "comment")}
    since, until = _day(typed["since"]), _day(typed["until"])
    return (
        AuditFilter(
            since=since,
            until=until + timedelta(days=1) if until else None,
            actor=typed["actor"],
            event=typed["event"],
            comment_key=typed["comment"],
        ),
        typed,
    )


async def audit_page(request: Request) -> Response:
    session(request)
    d = deps(request)
    filters, typed = _audit_filter(request)
    page, size = page_number(request), 100
    events, total = d.store.audit_page(filters, limit=size, offset=(page - 1) * size)
    query = "&".join(f"{k}={v}" for k, v in typed.items() if v)
    return render(
        request,
        "audit.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)),
            "typed": typed,
            "event_names": AUDIT_EVENTS,
            "query": query,
            "model": d.model_status() if d.model_status is not None else None,
        },
    )


async def audit_csv(request: Request) -> Response:
    session(request)
    filters, _ = _audit_filter(request)
    events, _ = deps(request).store.audit_page(filters, limit=10_000)
    return csv_response(
        "houserules-audit.csv",
        ("at", "officer", "action", "comment", "item", "detail"),
        (
            (
                london(e.at, "%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.event,
                e.comment_key,
                e.item_id,
                e.detail,
            )
            for e in events
        ),
    )


async def users_page(request: Request) -> Response:
    require(request, Role.ADMIN)
    return render(
        request, "users.html", {"users": deps(request).accounts.list(), "roles": list(Role)}
    )


async def user_change(request: Request) -> Response:
    admin = require(request, Role.ADMIN)
    d = deps(request)
    name = request.path_params["name"]
    form = await request.form()
    action = str(form.get("action", ""))
    try:
        if action == "role":
            roles = {r.value: r for r in Role}
            role = roles.get(str(form.get("role", "")))
            if role is None:
                return flash_and_go(request, "error", "Choose a role.", "/admin/users")
            d.accounts.set_role(name, role)
            message = f"{name} is now {role.value}."
        elif action in ("disable", "enable"):
            if name == admin.user.name and action == "disable":
                return flash_and_go(
                    request, "error", "You cannot disable your own account.", "/admin/users"
                )
            d.accounts.set_disabled(name, action == "disable")
            message = f"{name} is {action}d."
        else:
            return flash_and_go(request, "error", "Unknown change.", "/admin/users")
    except AccountError as exc:
        return flash_and_go(request, "error", str(exc), "/admin/users")
    d.store.append_audit(AuditEvent(d.clock.now(), admin.user.name, f"user_{action}", "", message))
    return flash_and_go(request, "ok", message, "/admin/users")
