"""The web servers' header timeout rests on private parts of uvicorn's h11 protocol, all used
in one place, `ingest/asgi_server.py` (`TimedH11`). This names each part and fails, naming
it, when the installed uvicorn no longer has it as that class uses it. Before moving the pin
in pyproject.toml, read `TimedH11` against the new uvicorn and update both."""

from __future__ import annotations

import importlib.metadata
import inspect
import tomllib
from pathlib import Path

import pytest
import uvicorn
from uvicorn.protocols.http import h11_impl
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from ingest.asgi_server import ServerLimits, _protocol_with_header_timeout, uvicorn_config

TESTED_WITH = ">=0.55,<0.56"
TESTED_SERIES = (0, 55)  # every 0.55.x release
ROOT = Path(__file__).resolve().parents[2]

# H11Protocol's methods TimedH11 overrides: their parameters (none is a coroutine).
METHODS: dict[str, list[str]] = {
    "connection_made": ["self", "transport"],
    "data_received": ["self", "data"],
    "on_response_complete": ["self"],
    "connection_lost": ["self", "exc"],
}


def _source(function: object) -> str:
    return inspect.getsource(function)  # type: ignore[arg-type]


def test_the_installed_uvicorn_is_in_the_range_pinned_and_tested() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.split(">")[0].split("=")[0] == "uvicorn"]
    assert pins == [f"uvicorn{TESTED_WITH}"]
    installed = importlib.metadata.version("uvicorn")
    series = tuple(int(part) for part in installed.split(".")[:2])
    assert series == TESTED_SERIES, f"uvicorn {installed} is not {TESTED_WITH}"


@pytest.mark.parametrize("name", sorted(METHODS))
def test_the_protocol_methods_the_header_timeout_overrides_keep_their_signature(
    name: str,
) -> None:
    method = getattr(H11Protocol, name, None)
    assert method is not None, f"uvicorn's H11Protocol.{name} is gone (ingest/asgi_server.py)"
    found = list(inspect.signature(method).parameters)
    assert found == METHODS[name], f"uvicorn's H11Protocol.{name} now takes {found}"
    assert not inspect.iscoroutinefunction(method), f"H11Protocol.{name} is now a coroutine"


@pytest.mark.parametrize(
    ("where", "line", "why"),
    [
        (H11Protocol.__init__, "self.loop = ", "the timer is armed on self.loop"),
        (H11Protocol.__init__, "self.cycle: RequestResponseCycle = None", "no request yet"),
        (H11Protocol.connection_made, "self.transport = transport", "closed on time-out"),
        (H11Protocol.handle_events, "self.cycle = RequestResponseCycle(", "a request began"),
        (
            H11Protocol.handle_events,
            "on_response=self.on_response_complete",
            "the timer is re-armed when a response is complete",
        ),
        (RequestResponseCycle.__init__, "self.response_complete = False", "a request ended"),
    ],
)
def test_the_protocol_keeps_the_state_the_header_timeout_reads(
    where: object, line: str, why: str
) -> None:
    assert line in _source(where), f"uvicorn's {where} no longer has `{line}` ({why})"


def test_uvicorn_serves_with_the_protocol_class_it_is_given() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        pass

    config = uvicorn_config(app, "127.0.0.1", 0, ServerLimits(header_timeout_s=3))
    config.load()
    assert issubclass(config.http_protocol_class, H11Protocol)
    assert config.http_protocol_class.__module__ == "ingest.asgi_server"
    server = uvicorn.Server(config)
    assert server.started is False and server.should_exit is False


def test_every_protocol_method_the_header_timeout_overrides_is_checked_here() -> None:
    timed = _protocol_with_header_timeout(1.0)
    overridden = {
        name
        for name, value in vars(timed).items()
        if callable(value) and hasattr(h11_impl.H11Protocol, name)
    }
    assert overridden <= set(METHODS), f"add {sorted(overridden - set(METHODS))} to METHODS"
