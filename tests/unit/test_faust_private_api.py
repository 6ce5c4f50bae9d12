"""The worker's delivery guarantee rests on private parts of faust-streaming's consumer,
all used in one module, `stream/kafka_consumer.py`. This names each part and fails, naming
it, when the installed Faust no longer has it as that module uses it. Before moving the pin
in pyproject.toml, read `stream/kafka_consumer.py` against the new Faust and update both."""

from __future__ import annotations

import importlib.metadata
import inspect
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from faust.transport import base
from faust.transport import consumer as faust_consumer
from faust.transport.drivers.aiokafka import Consumer as AIOKafkaConsumer
from faust.transport.drivers.aiokafka import Transport as AIOKafkaTransport

from stream.kafka_consumer import LedgerConsumer

TESTED_WITH = "0.15.3"
ROOT = Path(__file__).resolve().parents[2]

# Methods LedgerConsumer overrides or calls: (parameters, whether a coroutine).
METHODS: dict[str, tuple[list[str], bool]] = {
    "_new_offset": (["self", "tp"], False),  # overridden: the offset a commit may reach
    "on_partitions_revoked": (["self", "revoked"], True),  # overridden: forget revoked
    "seek": (["self", "partition", "offset"], True),  # called to re-read a hole
    "assignment": (["self"], False),  # called: the partitions held now
}


def _source(function: Callable[..., Any]) -> str:
    return inspect.getsource(function)


def test_the_installed_faust_is_the_version_pinned_and_tested() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if d.startswith("faust-streaming")]
    assert pins == [f"faust-streaming=={TESTED_WITH}"]
    assert importlib.metadata.version("faust-streaming") == TESTED_WITH


@pytest.mark.parametrize("name", sorted(METHODS))
def test_the_consumer_methods_the_ledger_consumer_relies_on_keep_their_signature(
    name: str,
) -> None:
    parameters, is_coroutine = METHODS[name]
    method = getattr(AIOKafkaConsumer, name, None)
    assert method is not None, f"faust's Consumer.{name} is gone (stream/kafka_consumer.py)"
    found = list(inspect.signature(method).parameters)
    assert found == parameters, f"faust's Consumer.{name} now takes {found}, not {parameters}"
    assert inspect.iscoroutinefunction(method) is is_coroutine, (
        f"faust's Consumer.{name} is {'no longer' if is_coroutine else 'now'} a coroutine"
    )


@pytest.mark.parametrize("attribute", ["_committed_offset", "_read_offset"])
def test_the_consumer_keeps_the_offset_maps_the_ledger_consumer_reads_and_replaces(
    attribute: str,
) -> None:
    assert f"self.{attribute} = defaultdict(lambda: None)" in _source(
        faust_consumer.Consumer.__init__
    ), f"faust's Consumer.__init__ no longer sets {attribute} as a mapping to offset or None"


def test_the_fetch_loop_reads_the_last_read_offset_through_the_mapping() -> None:
    # _ReadOffsets hides our topics' last-read offsets by overriding __getitem__; that works
    # only while the fetch loop looks them up through the mapping it finds on the consumer.
    loop = _source(faust_consumer.Consumer._drain_messages)
    assert "self._read_offset.__getitem__" in loop, (
        "faust's Consumer._drain_messages no longer reads _read_offset.__getitem__"
    )


def test_the_transport_makes_its_consumer_from_a_class_attribute_we_can_replace() -> None:
    assert issubclass(AIOKafkaTransport.Consumer, AIOKafkaConsumer)
    assert "self.Consumer(" in _source(base.Transport.create_consumer), (
        "faust's Transport.create_consumer no longer builds Transport.Consumer (install())"
    )


def test_every_faust_method_the_ledger_consumer_overrides_is_checked_here() -> None:
    overridden = {
        name
        for name, value in vars(LedgerConsumer).items()
        if callable(value) and name != "__init__" and hasattr(AIOKafkaConsumer, name)
    }
    assert overridden <= set(METHODS), f"add {sorted(overridden - set(METHODS))} to METHODS"
