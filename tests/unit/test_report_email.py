"""The weekly report by email, through a real local SMTP server (aiosmtpd) that demands
STARTTLS and a login: it arrives with the PDF attached and the HTML body, and the password
appears in no log, output or error."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from reports.email import ReportEmailError, build_message, send
from reports.settings import ReportEmailSettings

PASSWORD = "correct-horse-7c1f"
USER = "reports@testshire.gov.uk"
PDF = b"%PDF-1.7\n% a small stand-in for the report\n%%EOF\n"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for this test."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp.pem", folder / "smtp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    logins: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[arg-type]
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USER.encode()
            and auth_data.password == PASSWORD.encode()
        )
        if ok:
            self.logins.append(auth_data.login)
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    cert, key = _certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=inbox,
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def _settings(port: int, cert: Path, password: str = PASSWORD) -> ReportEmailSettings:
    return ReportEmailSettings(
        recipients=("head.of.comms@testshire.gov.uk", "leader@testshire.gov.uk"),
        sender="houserules@testshire.gov.uk",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_ca_file=cert,
        smtp_username=USER,
        smtp_password=SecretStr(password),
    )


def _message(settings: ReportEmailSettings) -> EmailMessage:
    return build_message(
        settings,
        "Weekly reputation report: Monday 16 to Sunday 22 November 2026",
        "<p>Comments: <strong>13</strong></p>",
        "Comments: 13",
        PDF,
        "reputation-report-2026-W47.pdf",
    )


def test_the_report_arrives_over_starttls_with_the_pdf_attached(
    server: tuple[Inbox, int, Path], caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port, cert = server
    settings = _settings(port, cert)
    with caplog.at_level(logging.DEBUG):
        accepted = send(settings, _message(settings))
    assert accepted == list(settings.recipients)
    assert inbox.logins == [USER.encode()]
    [received] = inbox.messages
    assert inbox.recipients == [list(settings.recipients)]
    assert received["Subject"].startswith("Weekly reputation report")
    body = received.get_body(preferencelist=("html",))
    assert body is not None and "<strong>13</strong>" in body.get_content()
    plain = received.get_body(preferencelist=("plain",))
    assert plain is not None and "Comments: 13" in plain.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "reputation-report-2026-W47.pdf"
    assert attachment.get_content() == PDF
    assert PASSWORD not in caplog.text
    assert "emailed to 2 recipient(s) via 127.0.0.1" in caplog.text


def test_a_refused_login_says_who_and_where_but_never_the_password(
    server: tuple[Inbox, int, Path], caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port, cert = server
    settings = _settings(port, cert, password="wrong-" + PASSWORD)
    with caplog.at_level(logging.DEBUG), pytest.raises(ReportEmailError) as refused:
        send(settings, _message(settings))
    message = str(refused.value)
    assert f"127.0.0.1:{port} refused the login for '{USER}'" in message
    assert PASSWORD not in message and PASSWORD not in caplog.text
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings.model_dump())
    assert inbox.messages == []


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    server: tuple[Inbox, int, Path],
) -> None:
    inbox, port, cert = server
    settings = _settings(port, cert).model_copy(update={"smtp_ca_file": None})
    with pytest.raises(ReportEmailError, match="TLS handshake failed"):
        send(settings, _message(settings))
    assert inbox.messages == [] and inbox.logins == []


def test_without_a_server_or_recipients_it_says_which_setting_is_missing() -> None:
    with pytest.raises(ReportEmailError, match="smtp_host"):
        send(ReportEmailSettings(recipients=("a@b.c",)), EmailMessage())
    with pytest.raises(ReportEmailError, match="recipients"):
        send(ReportEmailSettings(smtp_host="127.0.0.1"), EmailMessage())
