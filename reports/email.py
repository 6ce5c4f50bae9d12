"""Sending the weekly report: SMTP with STARTTLS and login, the PDF attached, the summary as
the HTML body (with a plain-text alternative).

The password is read from the settings only to log in; it is never logged, and an error
says which server refused and why in the server's words, which never include it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from reports.settings import ReportEmailSettings

log = logging.getLogger(__name__)


class ReportEmailError(Exception):
    """The report could not be emailed; the message says where and why (never a secret)."""


def build_message(
    settings: ReportEmailSettings,
    subject: str,
    html: str,
    text: str,
    pdf: bytes,
    pdf_name: str,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    return message


def send(settings: ReportEmailSettings, message: EmailMessage) -> list[str]:
    """Send to every recipient; returns who the server accepted. ReportEmailError if the
    settings name no server or recipients, or the server refuses."""
    if not settings.smtp_host:
        raise ReportEmailError("no SMTP server is set (report.email.smtp_host)")
    if not settings.recipients:
        raise ReportEmailError("nobody to send the report to (report.email.recipients)")
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.timeout_s
        ) as smtp:
            if settings.smtp_starttls:
                context = ssl.create_default_context(
                    cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None
                )
                smtp.starttls(context=context)
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise ReportEmailError(
            f"{where} refused the login for {settings.smtp_username!r}: {_said(exc)}"
        ) from None
    except smtplib.SMTPException as exc:
        raise ReportEmailError(f"{where} did not take the report: {_said(exc)}") from None
    except ssl.SSLError as exc:
        raise ReportEmailError(f"{where}: the TLS handshake failed: {exc.reason}") from None
    except OSError as exc:
        raise ReportEmailError(f"cannot reach {where}: {exc.strerror or exc}") from None
    accepted = [r for r in settings.recipients if r not in refused]
    log.info("weekly report emailed to %d recipient(s) via %s", len(accepted), where)
    return accepted


def _said(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    if code is not None:
        reply = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{code} {reply}".strip()
    return str(exc) or type(exc).__name__
