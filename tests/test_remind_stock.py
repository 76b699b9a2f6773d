"""``remind stock`` (SPEC §7.2): the day's reorder list goes once a day to the ``[stock] notify``
addresses, key ``stock:DATE``, through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import smtp_on_localhost, valid_rows, write_book
from test_remind_cli import Handler, config, remind


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    with smtp_on_localhost(handler) as port:
        yield handler, port


def low_stock_book(tmp_path: Path) -> Path:
    """The valid book with 16 more 密封圈 issued to W002 on 11-18.

    P-200 密封圈: opening 20, issued 2 (10-12) and 16 (11-18) -> 2 in stock ≤ level 5: reorder.
    No 补货量, so suggested = max(1, ceil(issued in the 90 days to 11-20 / 3)) = ceil(18 / 3) = 6.
    P-100: 4 > level 2; P-300 has no level: neither is listed."""
    rows = valid_rows()
    rows["出入库"].append(
        ["M004", datetime(2026, 11, 18, 10, 0), "P-200", "领用", 16, "W002", "T01"]
    )
    return write_book(tmp_path / "book.xlsx", rows)


def with_notify(conf: Path, addresses: str) -> Path:
    conf.write_text(conf.read_text(encoding="utf-8") + f"\n[stock]\nnotify = {addresses}\n")
    return conf


def test_the_reorder_list_goes_once_a_day(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    book = low_stock_book(tmp_path)
    conf = with_notify(config(tmp_path, port), '["cangku@firm.example", "boss@firm.example"]')
    code, data, err = remind(conf, book, kind="stock")
    assert code == 0, err
    assert data["due"] == [
        {
            "kind": "stock",
            "key": "stock:2026-11-20",
            "to": ["cangku@firm.example", "boss@firm.example"],
            "cc": [],
            "status": "sent",
            "detail": "",
        }
    ]
    assert data["sent"] == 1 and len(handler.messages) == 1
    _, recipients, message = handler.messages[0]
    assert sorted(recipients) == ["boss@firm.example", "cangku@firm.example"]
    assert message["Subject"] == "【补货清单】2026-11-20：1 种配件到了安全库存"
    body = message.get_body(("plain",)).get_content()
    assert "P-200 密封圈  账面 2（安全库存 5）  建议补 6" in body
    assert "P-100" not in body and "P-300" not in body
    # the same day again: nothing more
    code, data, _ = remind(conf, book, kind="stock")
    assert (code, data["sent"], data["already_sent"]) == (0, 0, 1) and len(handler.messages) == 1


def test_remind_all_includes_the_reorder_list(tmp_path: Path, smtp: tuple[Handler, int]) -> None:
    handler, port = smtp
    conf = with_notify(config(tmp_path, port), '["cangku@firm.example"]')
    code, data, err = remind(conf, low_stock_book(tmp_path))
    assert "stock:2026-11-20" in [d["key"] for d in data["due"]], err


def test_nothing_is_due_without_notify_or_without_low_stock(tmp_path: Path) -> None:
    conf = config(tmp_path, None)
    code, data, _ = remind(conf, low_stock_book(tmp_path), "--dry-run", kind="stock")
    assert (code, data["due"]) == (0, [])  # nobody to tell
    with_notify(conf, '["cangku@firm.example"]')
    book = write_book(tmp_path / "full.xlsx", valid_rows())
    code, data, _ = remind(conf, book, "--dry-run", kind="stock")
    assert (code, data["due"]) == (0, [])  # every part above its level


def test_remind_all_without_notify_neither_reads_nor_judges_the_stock_sheets(
    tmp_path: Path,
) -> None:
    # A stock move whose quantity is text is an error in 出入库: it blocks the reorder list
    # when someone is to get it, and is none of remind all's business when nobody is.
    rows = valid_rows()
    rows["出入库"].append(["M009", datetime(2026, 11, 18, 10, 0), "P-200", "领用", "很多", "W002"])
    book = write_book(tmp_path / "book.xlsx", rows)
    conf = config(tmp_path, None)
    code, data, err = remind(conf, book, "--dry-run")
    assert (code, data["blocked"], err) == (0, [], "")
    with_notify(conf, '["cangku@firm.example"]')
    code, data, err = remind(conf, book, "--dry-run")
    assert code == 1 and [b["kind"] for b in data["blocked"]] == ["stock"]
    assert "出入库" in err
