"""How an alert reads on the comms queue and in the audit log."""

from datetime import UTC, datetime, timedelta

from stream.spikes import alert

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_a_service_spike_names_the_service_and_its_fifteen_minutes() -> None:
    at = datetime(2026, 11, 20, 9, 7, tzinfo=UTC)
    spike = alert("service_spike", "bins", ["a", "b", "c"], at, timedelta(minutes=15), NOW)
    assert (
        spike.describe() == "spike: 3 complaints about bins between 2026-11-20 09:00 and 09:15 UTC"
    )


def test_a_day_long_abuse_window_gives_both_dates() -> None:
    at = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    abuse = alert("repeated_abuse", "facebook:42", ["a", "b", "c"], at, timedelta(days=1), NOW)
    assert abuse.describe() == (
        "repeated abuse: 3 hidden comments from facebook:42 "
        "between 2026-11-22 00:00 and 2026-11-23 00:00 UTC"
    )
