"""Alerts for new escalations: an email and a webhook (e.g. Microsoft Teams) at once.

The app watches the escalations queue every `poll_seconds`, in both modes, so an escalation
made by the embedded pipeline in another process or by a scale-out worker is announced
within seconds. Each alert is recorded in the audit log (`alerted`); that record is how a
restarted app knows what it has already announced, so an item is announced once. A channel
that fails is logged and tried again on the next round; the alert text carries the item's
link and categories, never the comment itself, so no personal data leaves by email.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import requests

from moderation.outside_text import visible
from moderation.review import AuditEvent
from moderation.verdict import Route
from review_app.settings import AlertSettings
from store.base import AuditFilter, QueueRow, Store
from stream.clock import Clock

log = logging.getLogger(__name__)

ALERTED = "alerted"


@dataclass(frozen=True, slots=True)
class EscalationAlert:
    item_id: int
    comment_key: str
    reason: str
    platform: str
    link: str

    @property
    def subject(self) -> str:
        # The reason may quote an officer or a comment: one line, controls made visible (a
        # newline in an email header is refused, and would be a forged header if not).
        reason = visible(self.reason[:80], one_line=True)
        return f"houserules: new escalation on {self.platform} ({reason})"

    @property
    def body(self) -> str:
        return (
            f"A comment on {self.platform} has been escalated: {visible(self.reason)}.\n"
            f"Open it in the review app: {self.link}\n"
        )


class Notifier(Protocol):
    def send(self, alert: EscalationAlert) -> list[str]:
        """Send on every configured channel; returns the channels that took it. Raises
        only if every configured channel failed."""
        ...


class EmailAndWebhook:
    def __init__(self, settings: AlertSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.http = session or requests.Session()

    def send(self, alert: EscalationAlert) -> list[str]:
        sent: list[str] = []
        failures: list[str] = []
        s = self.settings
        if s.smtp_host and s.email_to:
            try:
                self._email(alert)
                sent.append("email to " + ", ".join(s.email_to))
            except (OSError, smtplib.SMTPException) as exc:
                failures.append(f"email: {exc}")
        if s.webhook_url:
            try:
                answer = self.http.post(
                    s.webhook_url, json={"text": f"{alert.subject}\n{alert.body}"}, timeout=10
                )
                answer.raise_for_status()
                sent.append("webhook")
            except requests.RequestException as exc:
                failures.append(f"webhook: {type(exc).__name__}")
        for failure in failures:
            log.warning("escalation alert for item %s not sent: %s", alert.item_id, failure)
        if failures and not sent:
            raise OSError("; ".join(failures))
        return sent

    def _email(self, alert: EscalationAlert) -> None:
        s = self.settings
        message = EmailMessage()
        message["Subject"] = alert.subject
        message["From"] = s.email_from
        message["To"] = ", ".join(s.email_to)
        message.set_content(alert.body)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=10) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)


class EscalationWatcher:
    def __init__(self, store: Store, notifier: Notifier, clock: Clock, public_url: str) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self._announced: set[int] | None = None

    def _already_announced(self) -> set[int]:
        if self._announced is None:
            events, _ = self.store.audit_page(AuditFilter(event=ALERTED), limit=10_000)
            self._announced = {e.item_id for e in events if e.item_id is not None}
        return self._announced

    def check_once(self) -> list[int]:
        """Announce every open escalation not announced before; returns their item ids."""
        announced = self._already_announced()
        rows, _ = self.store.queue_page(Route.ESCALATIONS, limit=200)
        done = []
        for row in rows:
            if row.item.item_id in announced:
                continue
            if self._announce(row):
                announced.add(row.item.item_id)
                done.append(row.item.item_id)
        return done

    def _announce(self, row: QueueRow) -> bool:
        item = row.item
        alert = EscalationAlert(
            item.item_id,
            item.comment_key,
            item.reason,
            row.platform,
            f"{self.public_url}/items/{item.item_id}",
        )
        try:
            channels = self.notifier.send(alert)
        except OSError:
            return False
        self.store.append_audit(
            AuditEvent(
                self.clock.now(),
                "houserules",
                ALERTED,
                item.comment_key,
                "; ".join(channels) or "no alert channel is configured",
                item.item_id,
            )
        )
        return True

    async def run(self, poll_seconds: float) -> None:
        while True:
            try:
                await asyncio.to_thread(self.check_once)
            except Exception:
                log.exception("checking for new escalations failed; trying again")
            await asyncio.sleep(poll_seconds)
