"""computing: columns read whole, first-wins look-ups, and collection paused while computing."""

from __future__ import annotations

import gc

import pytest

from svctools.compute.computing import collection_paused, first_by, record_columns, sheet_columns
from svctools.core.records import Records


def test_columns_give_what_get_gives() -> None:
    records = Records.from_lists(staff=[{"staff_id": "A1", "name": "张三"}, {"staff_id": "A2"}])
    rows = list(record_columns(records, "staff", "staff_id", "name", "missing"))
    assert [(r.get("staff_id"), s, n, m) for r, s, n, m in rows] == [
        ("A1", "A1", "张三", None),
        ("A2", "A2", None, None),
    ]
    assert list(record_columns(records, "calls", "call_id")) == []
    assert sheet_columns(records, "staff", "name") == [["张三", None]]
    assert sheet_columns(records, "calls", "call_id", "x") == [[], []]


def test_first_by_is_records_index() -> None:
    records = Records.from_lists(
        call_log=[{"call_id": c} for c in ("C1", None, "C2", "C1", "C3", None)]
    )
    (ids,) = sheet_columns(records, "call_log", "call_id")
    assert first_by(ids, records["call_log"]) == records.index("call_log", "call_id")


def test_collection_paused_nests_and_restores() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer computation is still running
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()
