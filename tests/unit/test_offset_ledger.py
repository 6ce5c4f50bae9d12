"""The worker's own account of finished Kafka offsets: a commit never passes an offset
that was not processed, and a skipped one is found."""

from stream.offset_ledger import OffsetLedger

RAW0 = ("comments.raw", 0)
RAW1 = ("comments.raw", 1)


def test_the_commit_moves_to_the_first_offset_not_finished() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [10, 11, 12])
    assert ledger.committable(RAW0, committed=10) == 13


def test_a_skipped_offset_holds_the_commit_back_however_far_later_ones_got() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [10, 11, 13, 14, 15])
    assert ledger.committable(RAW0, committed=10) == 12
    assert ledger.committable(RAW0, committed=12) is None
    ledger.finished(RAW0, [12])  # read again and processed
    assert ledger.committable(RAW0, committed=12) == 16


def test_nothing_finished_past_the_committed_offset_means_no_commit() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [3, 4])
    assert ledger.committable(RAW0, committed=10) is None
    assert ledger.committable(RAW1, committed=0) is None  # never seen


def test_a_partition_never_committed_starts_at_the_lowest_offset_seen() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [1, 0, 2])
    assert ledger.committable(RAW0, committed=None) == 3


def test_holes_name_the_first_missing_offset_only_when_later_ones_are_finished() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [10, 11, 14])
    ledger.finished(RAW1, [5, 6, 7])
    assert ledger.holes({RAW0: 10, RAW1: 5}) == {RAW0: 12}


def test_a_partition_taken_away_by_a_rebalance_is_forgotten() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [10, 11])
    ledger.forget([RAW0])
    assert not ledger.tracks(RAW0)
    assert ledger.holes({RAW0: 10}) == {}


def test_giving_up_on_offsets_the_broker_deleted_lets_the_commit_move_on() -> None:
    ledger = OffsetLedger()
    ledger.finished(RAW0, [15, 16])
    assert ledger.committable(RAW0, committed=10) is None
    assert ledger.give_up(RAW0, 10) == 5
    assert ledger.committable(RAW0, committed=10) == 17
