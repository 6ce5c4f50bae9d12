"""What every page handler shares: the app's parts, rendering, the signed-in officer and their
role, flash messages, filters read from the query string, and times shown in London."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ingest.connector_health import ConnectorStatus
from moderation.comment import Platform, Surface
from moderation.outside_text import visible
from moderation.rules import HouseRules
from moderation.verdict import Category, Route
from review_app.accounts import Accounts, Role, Session
from review_app.alerts import EscalationWatcher
from review_app.decisions import DecisionSink
from review_app.settings import ReviewAppSettings
from store.base import CommentFilter, Store
from stream.clock import Clock

LONDON = ZoneInfo("Europe/London")
TEMPLATES = Path(__file__).parent / "templates"
QUEUES = {"escalations": Route.ESCALATIONS, "review": Route.REVIEW, "comms": Route.COMMS}
QUEUE_TITLES = {
    Route.ESCALATIONS: "Escalations",
    Route.REVIEW: "Review",
    Route.COMMS: "Comms",
}


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """What the audit page says about the model judging comments: which version, since when,
    when it last learned from the council's reviewers, and what that changed."""

    current: str
    learned: bool
    since: datetime | None = None
    last_learned: datetime | None = None
    changed: str = ""
    last_attempt: datetime | None = None
    last_attempt_refused: str = ""


@dataclass
class ReviewDeps:
    """Everything the app needs, built by the composition root (`houserules serve`)."""

    store: Store
    accounts: Accounts
    decisions: DecisionSink
    rules: HouseRules
    clock: Clock
    settings: ReviewAppSettings
    watcher: EscalationWatcher | None = None
    mode: str = "embedded"
    # The council's current model version (read from its versions folder on each page view).
    model_status: Callable[[], ModelStatus | None] | None = None
    # Each connector's last status (`ingest.connector_health`): a paused one is shown on
    # every page, so a connector stopped by its credentials is never missed.
    connector_status: Callable[[], list[ConnectorStatus]] | None = None
    # Where the weekly report keeps its state (its theme book, shown on the Reputation
    # dashboard); None where the app has no report state to read.
    report_state_dir: Path | None = None


def shown_value(value: Any) -> Any:
    """What a template prints for `value`: text with its control characters (terminal
    escapes, direction overrides that reverse what follows) made visible. It is applied
    to every `{{ ... }}` before autoescaping, so no template can forget it."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",), default=True),
        finalize=shown_value,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["london"] = london
    env.filters["web_link"] = web_link
    return env


def web_link(url: str) -> str:
    """A link from outside, only if it is http(s): never `javascript:` or `data:`."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def london(moment: datetime | None, fmt: str = "%d %b %Y %H:%M") -> str:
    return moment.astimezone(LONDON).strftime(fmt) if moment is not None else ""


def deps(request: Request) -> ReviewDeps:
    found: ReviewDeps = request.app.state.deps
    return found


def session(request: Request) -> Session:
    found: Session | None = request.scope.get("state", {}).get("session")
    if found is None:  # the guard lets no request without a session reach a page
        raise HTTPException(403)
    return found


def require(request: Request, role: Role) -> Session:
    current = session(request)
    if not current.user.role.allows(role):
        raise HTTPException(403, f"This needs the {role.value} role.")
    return current


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    fragment: bool = False,
) -> HTMLResponse:
    current: Session | None = request.scope.get("state", {}).get("session")
    d = deps(request)
    flash = ""
    if current is not None and current.flash and not fragment:
        flash = current.flash
        d.accounts.set_flash(current, "")
    counts = d.store.open_counts() if current is not None else {}
    stopped = (
        [s for s in d.connector_status() if s.paused]
        if current is not None and d.connector_status is not None
        else []
    )
    page = request.app.state.env.get_template(template).render(
        request=request,
        user=current.user if current else None,
        csrf=current.csrf_token if current else request.scope["state"].get("sign_in_token", ""),
        flash_kind=flash.partition(":")[0],
        flash=flash.partition(":")[2],
        counts={name: counts.get(route, 0) for name, route in QUEUES.items()},
        mode=d.mode,
        stopped_connectors=stopped,
        live_poll=d.settings.live_poll_seconds,
        Role=Role,
        **context,
    )
    return HTMLResponse(page, status_code=status)


def flash_and_go(request: Request, kind: str, message: str, to: str) -> RedirectResponse:
    deps(request).accounts.set_flash(session(request), f"{kind}:{message}")
    return RedirectResponse(to, status_code=303)


def _day(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time(0), LONDON)


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of a queue page or a search, as typed and as the store takes them."""

    platform: str = ""
    category: str = ""
    surface: str = ""
    since: str = ""
    until: str = ""

    @classmethod
    def read(cls, request: Request) -> Filters:
        q = request.query_params

        def pick(name: str, allowed: Iterable[str]) -> str:
            value = q.get(name, "")
            return value if value in set(allowed) else ""

        return cls(
            platform=pick("platform", (p.value for p in Platform)),
            category=pick("category", (c.value for c in Category)),
            surface=pick("surface", (s.value for s in Surface)),
            since=q.get("since", "") if _day(q.get("since", "")) else "",
            until=q.get("until", "") if _day(q.get("until", "")) else "",
        )

    def for_store(self) -> CommentFilter:
        until = _day(self.until)
        return CommentFilter(
            platform=self.platform,
            category=self.category,
            surface=self.surface,
            since=_day(self.since),
            until=until + timedelta(days=1) if until else None,
        )

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.as_dict().items() if v})

    def as_dict(self) -> dict[str, str]:
        return {
            "platform": self.platform,
            "category": self.category,
            "surface": self.surface,
            "since": self.since,
            "until": self.until,
        }


FILTER_CHOICES = {
    "platforms": [p.value for p in Platform],
    "categories": [c.value for c in Category],
    "surfaces": [s.value for s in Surface],
}


def page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with these is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def service_level(route: Route, created_at: datetime, now: datetime, s: ReviewAppSettings) -> str:
    """'late', 'due' (three quarters of the way) or 'ok', by the queue's service level."""
    limit = {
        Route.ESCALATIONS: timedelta(minutes=s.escalations_minutes),
        Route.REVIEW: timedelta(hours=s.review_hours),
        Route.COMMS: timedelta(hours=s.comms_hours),
    }[route]
    age = now - created_at
    if age > limit:
        return "late"
    return "due" if age > limit * 0.75 else "ok"


def age_text(created_at: datetime, now: datetime) -> str:
    minutes = max(0, int((now - created_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // (24 * 60)} days"
