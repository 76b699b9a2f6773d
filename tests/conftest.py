"""Shared helpers: build real ``.xlsx`` books in ``tmp_path`` with openpyxl and read them back.

Other test files import these directly (``from conftest import write_book, valid_rows, AS_OF``):

- ``write_book(path, {sheet: rows}, merges={sheet: ["A1:D1"]})`` writes a book; a row is a list
  of cell values from column A (``None`` = blank cell), title rows may come before the header.
- ``valid_rows()`` gives a fresh, fully consistent book (all 11 sheets, zh names and headers, the
  header on row 1 and data from row 2) as ``{sheet name: rows}``; ``set_cell`` changes one cell of
  it by Excel row number and header, ``drop_column`` removes a column, so a test breaks exactly
  what it means to.
- ``load_book(path)`` reads a book (``XlsxBook`` + ``read_book``), ``validate_book(path)`` runs
  every check (``validate``), both as of ``AS_OF``.
"""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from svctools.compute.checks import validate
from svctools.core.policy import Policy
from svctools.core.problems import Problem
from svctools.core.schema import load_schema
from svctools.reading.book import LoadedBook, read_book
from svctools.sources.xlsx import XlsxBook

AS_OF = datetime(2026, 11, 20, 9, 0)

Rows = list[list[Any]]
Book = dict[str, Rows]

# The zh name of each sheet in the valid book, by sheet key.
SHEET = {
    "stores": "门店",
    "staff": "员工花名册",
    "call_log": "来电登记",
    "repair_ledger": "维修台帐",
    "parts_used": "配件使用",
    "complaints": "投诉登记",
    "contracts": "服务协议",
    "callbacks": "回访登记",
    "parts_stock": "配件库存",
    "stock_moves": "出入库",
    "stock_counts": "盘点",
}

# Column letters in the valid book:
#   门店:       A 门店编号 B 门店名称 C 店长 D 门店邮箱
#   员工花名册: A 工号 B 姓名 C 岗位 D 技能等级 E 区域 F 所属门店 G 状态 H 入职日期 I 离职日期
#               J 月工资 K 邮箱 L 电话
#   来电登记:   A 来电编号 B 来电时间 C 客户姓名 D 联系电话 E 客户邮箱 F 地址 G 渠道 H 产品型号
#               I 序列号 J 购买日期 K 故障描述 L 故障等级 M 加急 N 受理人 O 首次响应时间
#   维修台帐:   A 工单号 B 来电编号 C 维修员 D 服务方式 E 状态 F 派单时间 G 接单时间 H 到场时间
#               I 完工时间 J 复杂维修 K 保修状态 L 故障原因 M 工时费 N 寄修运费 O 回寄运费
#               P 待料开始 Q 待料结束 R 质检结果 S 返工次数 T 已收金额
#   配件使用:   A 工单号 B 配件编号 C 配件名称 D 数量 E 成本单价
#   投诉登记:   A 投诉编号 B 投诉时间 C 客户姓名 D 联系电话 E 关联工单 F 投诉类别 G 投诉内容
#               H 受理人 I 责任人 J 首次反馈时间 K 是否成立 L 结案时间 M 处罚金额 N 赔付金额
#   服务协议:   A 协议编号 B 客户姓名 C 联系电话 D 客户邮箱 E 起始日期 F 到期日期 G 协议金额
#               H 所属门店 I 负责人 J 续签状态
#   回访登记:   A 工单号 B 回访时间 C 回访人 D 满意度 E 意见
#   配件库存:   A 配件编号 B 配件名称 C 成本单价 D 期初数量 E 期初日期 F 安全库存 G 补货量
#   出入库:     A 单据号 B 日期 C 配件编号 D 类型 E 数量 F 工单号 G 经手人
#   盘点:       A 盘点日期 B 配件编号 C 实盘数量 D 盘点人
# fmt: off
_VALID: Book = {
    "门店": [
        ["门店编号", "门店名称", "店长", "门店邮箱"],
        ["S01", "朝阳店", "王店长", "chaoyang@example.com"],
        ["S02", "海淀店", "李店长", "haidian@example.com"],
    ],
    # T02 resigned on 2025-06-30 and is referenced by no row: the inactive_staff tests assign
    # work to T02 by changing one reference.
    "员工花名册": [
        ["工号", "姓名", "岗位", "技能等级", "区域", "所属门店", "状态", "入职日期", "离职日期",
         "月工资", "邮箱", "电话"],
        ["A01", "张丽", "客服", 2, "华北", "S01", "在岗", date(2024, 3, 1), None,
         4000, "a01@example.com", "13800000001"],
        ["T01", "李强", "维修员", 4, "华北", "S01", "在岗", date(2023, 5, 10), None,
         6000, "t01@example.com", "13900000002"],
        ["T02", "王勇", "维修员", 3, "华北", "S02", "离职", date(2022, 1, 4), date(2025, 6, 30),
         5500, "t02@example.com", "13700000003"],
    ],
    # C001 was bought 2026-03-01 (in warranty on 2026-10-05), C002 on 2024-05-20 (out).
    "来电登记": [
        ["来电编号", "来电时间", "客户姓名", "联系电话", "客户邮箱", "地址", "渠道", "产品型号",
         "序列号", "购买日期", "故障描述", "故障等级", "加急", "受理人", "首次响应时间"],
        ["C001", datetime(2026, 10, 5, 14, 30), "刘女士", "13812345678", "liu@example.com",
         "北京市朝阳区建国路1号", "电话", "KX-200", "SN0001", date(2026, 3, 1), "不制冷", 2, "否",
         "A01", datetime(2026, 10, 5, 15, 0)],
        ["C002", datetime(2026, 10, 12, 9, 15), "陈先生", "010-12345678", None,
         "北京市海淀区中关村2号", "微信", "KX-300", "SN0002", date(2024, 5, 20), "漏水", 3, "是",
         "A01", datetime(2026, 10, 12, 9, 40)],
    ],
    # W001 is completed (so completed_at and fault_cause are required), W002 is in progress.
    "维修台帐": [
        ["工单号", "来电编号", "维修员", "服务方式", "状态", "派单时间", "接单时间", "到场时间",
         "完工时间", "复杂维修", "保修状态", "故障原因", "工时费", "寄修运费", "回寄运费",
         "待料开始", "待料结束", "质检结果", "返工次数", "已收金额"],
        ["W001", "C001", "T01", "上门", "已完工", datetime(2026, 10, 5, 15, 10),
         datetime(2026, 10, 5, 15, 30), datetime(2026, 10, 6, 10, 0),
         datetime(2026, 10, 7, 16, 0), "否", "保内", "质量问题", 0, None, None, None, None,
         "合格", 0, 0],
        ["W002", "C002", "T01", "寄修", "维修中", datetime(2026, 10, 12, 10, 0),
         datetime(2026, 10, 12, 10, 30), None, None, "否", "保外", None, 120, 15, 15,
         datetime(2026, 10, 14, 9, 0), datetime(2026, 10, 16, 17, 0), None, None, 50],
    ],
    "配件使用": [
        ["工单号", "配件编号", "配件名称", "数量", "成本单价"],
        ["W001", "P-100", "压缩机", 1, 350],
        ["W002", "P-200", "密封圈", 2, 12.5],
    ],
    "投诉登记": [
        ["投诉编号", "投诉时间", "客户姓名", "联系电话", "关联工单", "投诉类别", "投诉内容",
         "受理人", "责任人", "首次反馈时间", "是否成立", "结案时间", "处罚金额", "赔付金额"],
        ["K001", datetime(2026, 10, 20, 10, 0), "陈先生", "010-12345678", "W002", "一般",
         "维修太慢", "A01", "T01", datetime(2026, 10, 20, 15, 0), "是",
         datetime(2026, 10, 25, 12, 0), None, 50],
        ["K002", datetime(2026, 10, 22, 11, 0), "刘女士", "13812345678", "W001", "严重",
         "服务态度差", "A01", "T01", datetime(2026, 10, 23, 9, 0), "否", None, None, None],
    ],
    # HT001 ends after AS_OF: a future date in a date column is not a problem.
    "服务协议": [
        ["协议编号", "客户姓名", "联系电话", "客户邮箱", "起始日期", "到期日期", "协议金额",
         "所属门店", "负责人", "续签状态"],
        ["HT001", "北京某某科技有限公司", "021-87654321", "contact@example.com",
         date(2026, 1, 1), date(2026, 12, 31), 12000, "S01", "A01", "未续签"],
        ["HT002", "刘女士", "13812345678", "liu@example.com", date(2025, 12, 1),
         date(2026, 11, 30), 800, "S02", "A01", "已续签"],
    ],
    "回访登记": [
        ["工单号", "回访时间", "回访人", "满意度", "意见"],
        ["W001", datetime(2026, 10, 8, 10, 0), "A01", "非常满意", "师傅很专业"],
        ["W001", datetime(2026, 10, 9, 11, 0), "A01", 4, None],
    ],
    # The parts W001 and W002 used, issued from stock; W001's old compressor came back. P-300
    # is stocked but not used (tests add rows using it).
    "配件库存": [
        ["配件编号", "配件名称", "成本单价", "期初数量", "期初日期", "安全库存", "补货量"],
        ["P-100", "压缩机", 350, 5, date(2026, 9, 1), 2, 5],
        ["P-200", "密封圈", 12.5, 20, date(2026, 9, 1), 5, None],
        ["P-300", "风扇", 20, 3, date(2026, 9, 1), None, None],
    ],
    "出入库": [
        ["单据号", "日期", "配件编号", "类型", "数量", "工单号", "经手人"],
        ["M001", datetime(2026, 10, 5, 16, 0), "P-100", "领用", 1, "W001", "T01"],
        ["M002", datetime(2026, 10, 12, 11, 0), "P-200", "领用", 2, "W002", "T01"],
        ["M003", datetime(2026, 10, 9, 10, 0), "P-100", "旧件回收", 1, "W001", "T01"],
    ],
    "盘点": [
        ["盘点日期", "配件编号", "实盘数量", "盘点人"],
        [date(2026, 10, 31), "P-100", 4, "A01"],
    ],
}
# fmt: on


def write_book(path: Path, sheets: Book, merges: dict[str, Iterable[str]] | None = None) -> Path:
    """Write ``{sheet name: rows}`` (in that sheet order) as a real ``.xlsx`` file at ``path``.

    Each row starts at column A; ``None`` leaves a cell blank. ``merges`` maps a sheet name to
    ranges to merge (``"A1:O1"``), as clerks do with title rows. Returns ``path``.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None:
                    worksheet.cell(row=number, column=column, value=value)
        for cell_range in (merges or {}).get(name, ()):
            worksheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def valid_rows() -> Book:
    """A fresh copy of the valid book: every sheet, consistent, zero problems as of ``AS_OF``."""
    return copy.deepcopy(_VALID)


def column_index(rows: Rows, header: str, header_row: int = 1) -> int:
    """The 0-based index of ``header`` in the header row (Excel row ``header_row``)."""
    return rows[header_row - 1].index(header)


def set_cell(book: Book, sheet: str, row: int, header: str, value: Any) -> None:
    """Set the cell under ``header`` on Excel row ``row`` of ``sheet`` (header on row 1)."""
    rows = book[sheet]
    index = column_index(rows, header)
    while len(rows) < row:
        rows.append([])
    line = rows[row - 1]
    line.extend([None] * (index + 1 - len(line)))
    line[index] = value


def drop_column(book: Book, sheet: str, header: str) -> None:
    """Remove the column headed ``header`` from every row of ``sheet`` (header on row 1)."""
    index = column_index(book[sheet], header)
    for line in book[sheet]:
        if index < len(line):
            del line[index]


def load_book(path: Path, as_of: datetime = AS_OF, lang: str = "zh") -> LoadedBook:
    """Read ``path`` through ``XlsxBook`` and ``read_book`` (reading problems only)."""
    with XlsxBook(path) as source:
        return read_book(source, load_schema(), as_of, lang)


def validate_book(path: Path, as_of: datetime = AS_OF, lang: str = "zh") -> LoadedBook:
    """Read ``path`` and run every check with the default policy (all problems, sorted)."""
    with XlsxBook(path) as source:
        return validate(source, load_schema(), Policy(), as_of, lang)


def where(problem: Problem) -> tuple[Any, ...]:
    """A problem's location and kind, for compact asserts."""
    return (
        problem.severity,
        problem.code,
        problem.sheet,
        problem.row,
        problem.column,
        problem.field,
        problem.cell,
    )


@pytest.fixture
def book() -> Book:
    """The valid book's rows, to change before writing."""
    return valid_rows()


@pytest.fixture
def valid_book(tmp_path: Path) -> Path:
    """The valid book written to ``tmp_path / "valid.xlsx"``."""
    return write_book(tmp_path / "valid.xlsx", valid_rows())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_on_localhost(handler: Any, **options: Any) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 while the block runs; gives its port."""
    port = free_port()  # Controller(port=0) fails in aiosmtpd 1.4.6
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def soffice_convert(source: Path, kind: str, folder: Path) -> Path:
    """``source`` saved as ``kind`` (``xls``, ``pdf``, ``xlsx:Calc MS Excel 2007 XML`` …) into
    ``folder`` by LibreOffice headless, with a profile of its own."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    home = folder / "soffice-home"
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, "--headless", "--convert-to", kind, "--outdir", str(folder), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},
    )
    return folder / f"{source.stem}.{kind.split(':')[0]}"
