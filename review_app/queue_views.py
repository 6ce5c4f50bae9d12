"""The queue pages: escalations, review and comms, with filters, service levels, paging,
bulk confirm, CSV export and the live count of open escalations."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from moderation.review import Decision, DecisionKind
from moderation.verdict import Route
from review_app.accounts import Role
from review_app.web import (
    FILTER_CHOICES,
    QUEUE_TITLES,
    QUEUES,
    Filters,
    age_text,
    csv_response,
    deps,
    flash_and_go,
    london,
    page_number,
    render,
    require,
    service_level,
    session,
)
from stream.decisions import ReviewError

EXPORT_LIMIT = 10_000


def _route(request: Request) -> Route:
    name = request.path_params["name"]
    if name not in QUEUES:
        raise HTTPException(404, "There is no such queue.")
    return QUEUES[name]


def _rows_context(request: Request, route: Route) -> dict[str, object]:
    d = deps(request)
    filters = Filters.read(request)
    page = page_number(request)
    size = d.settings.page_size
    rows, total = d.store.queue_page(
        route, filters.for_store(), limit=size, offset=(page - 1) * size
    )
    now = d.clock.now()
    return {
        "queue": route.value,
        "title": QUEUE_TITLES[route],
        "rows": [
            {
                "row": r,
                "age": age_text(r.item.created_at, now),
                "level": service_level(route, r.item.created_at, now, d.settings),
            }
            for r in rows
        ],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // size)),
        "filters": filters,
        "choices": FILTER_CHOICES,
        "decides": route is not Route.COMMS,
    }


async def queue_page(request: Request) -> HTMLResponse:
    session(request)
    return render(request, "queue.html", _rows_context(request, _route(request)))


async def queue_rows(request: Request) -> HTMLResponse:
    """The table body alone, which the escalations page polls so new items appear."""
    session(request)
    return render(
        request, "queue_rows.html", _rows_context(request, _route(request)), fragment=True
    )


async def live_escalations(request: Request) -> HTMLResponse:
    session(request)
    return render(request, "live.html", {}, fragment=True)


async def queue_csv(request: Request) -> Response:
    session(request)
    route = _route(request)
    d = deps(request)
    rows, _ = d.store.queue_page(route, Filters.read(request).for_store(), limit=EXPORT_LIMIT)
    return csv_response(
        f"houserules-{route.value}-queue.csv",
        (
            "item",
            "queue",
            "queued_at",
            "urgent",
            "comment",
            "platform",
            "surface",
            "author",
            "categories",
            "reason",
            "platform_state",
            "assigned_to",
            "text",
        ),
        (
            (
                r.item.item_id,
                r.item.queue.value,
                london(r.item.created_at, "%Y-%m-%d %H:%M"),
                "yes" if r.item.urgent else "",
                r.item.comment_key,
                r.platform,
                r.surface,
                r.item.author_handle,
                " ".join(r.categories),
                r.item.reason,
                r.item.platform_state.value,
                r.assigned_to,
                r.item.text,
            )
            for r in rows
        ),
    )


async def bulk_confirm(request: Request) -> RedirectResponse:
    officer = require(request, Role.MODERATOR)
    route = _route(request)
    back = f"/queues/{route.value}"
    if route is Route.COMMS:
        return flash_and_go(request, "error", "Comms items are answered one by one.", back)
    form = await request.form()
    reason = str(form.get("reason", "")).strip()
    ids = [int(str(v)) for v in form.getlist("item") if str(v).isdigit()]
    if not ids:
        return flash_and_go(request, "error", "Choose at least one item to confirm.", back)
    if not reason:
        return flash_and_go(request, "error", "Give a reason for the audit log.", back)
    d = deps(request)
    done, failed = 0, []
    for item_id in ids:
        decision = Decision(item_id, DecisionKind.CONFIRM, officer.user.name, reason, d.clock.now())
        try:
            d.decisions.submit(decision)
            done += 1
        except ReviewError as exc:
            failed.append(f"#{item_id}: {exc}")
    verb = "sent" if d.decisions.applies_later else "confirmed"
    message = f"{done} item(s) {verb}." + (" Not done: " + "; ".join(failed) if failed else "")
    return flash_and_go(request, "error" if failed else "ok", message, back)


async def home(request: Request) -> RedirectResponse:
    return RedirectResponse("/queues/escalations", status_code=303)
