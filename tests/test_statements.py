"""Renderers: text tables and the written workbooks, re-opened with openpyxl and checked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

from openpyxl import load_workbook

from svctools.compute.penalties import PenaltyStatement, compute_penalties
from svctools.compute.settlement import Settlement, compute_settlement
from svctools.core.policy import Policy
from svctools.core.records import Records
from svctools.outputs.statements import penalties_text, settlement_text
from svctools.outputs.statements_xlsx import safe_sheet_name, write_penalty_slips, write_settlement
from svctools.outputs.xlsxout import MONEY_FORMAT

OCT = date(2026, 10, 1)
FORMULA = '=HYPERLINK("http://x","a")'


def _complaint(cid: str, staff_id: str, amount: str, day: int) -> dict:
    return {
        "complaint_id": cid,
        "received_at": datetime(2026, 10, 1, 9),
        "severity": "general",
        "handled_by": "A1",
        "responsible_id": staff_id,
        "upheld": True,
        "closed_at": datetime(2026, 10, day, 10),
        "penalty_amount": D(amount),
    }


def penalty_statement() -> PenaltyStatement:
    staff = [
        {"staff_id": "T1", "name": "张三", "role": "technician", "monthly_wage": D("3000")},
        {"staff_id": "T2", "name": FORMULA, "role": "technician", "monthly_wage": D("3000")},
        {"staff_id": "T3", "name": "a/b:c*?[x]" + "长" * 40, "role": "technician"},
    ]
    complaints = [
        _complaint("K1", "T1", "500", 5),
        _complaint("K2", "T1", "200", 6),  # T1: 700 > cap 600 -> deduct 600, carry 100
        _complaint("K3", "T2", "80", 7),  # T2: 80
        _complaint("K4", "T3", "45.50", 8),  # T3: no wage, 45.50
    ]
    records = Records.from_lists(staff=staff, complaints=complaints)
    return compute_penalties(records, [], Policy(), OCT)


def settlement() -> Settlement:
    records = Records.from_lists(
        call_log=[
            {"call_id": "C1", "call_time": datetime(2026, 10, 1, 9), "customer_name": FORMULA},
            {"call_id": "C2", "call_time": datetime(2026, 10, 2, 9), "customer_name": "赵六"},
        ],
        repair_ledger=[
            {
                "order_id": "O1",
                "call_id": "C1",
                "technician_id": "T1",
                "status": "completed",
                "completed_at": datetime(2026, 10, 5, 16),
                "warranty": "out",
                "fault_cause": "wear",
                "labour_fee": D("120.50"),
                "amount_paid": D("100"),
            },
            {
                "order_id": "O2",
                "call_id": "C2",
                "technician_id": "T2",
                "status": "completed",
                "completed_at": datetime(2026, 10, 6, 16),
                "warranty": "in",
                "fault_cause": "quality",
                "return_shipping": D("15"),
            },
        ],
        parts_used=[{"order_id": "O2", "part_name": "板", "qty": 2, "unit_cost": D("9.99")}],
        staff=[
            {"staff_id": "T1", "name": "张三", "store_id": "S1"},
            {"staff_id": "T2", "name": "李四", "store_id": "S2"},
        ],
        stores=[{"store_id": "S1", "name": "一号店"}, {"store_id": "S2", "name": "二号店"}],
    )
    # O1: charge 120.50, paid 100, balance 20.50; O2: free, cost 2 × 9.99 + 15 = 34.98
    return compute_settlement(records, Policy(), OCT, date(2026, 11, 1))


# ------------------------------------------------------------------ text


def test_penalties_text_zh_and_en() -> None:
    stmt = penalty_statement()
    zh = penalties_text(stmt, "zh")
    assert "职员处罚汇总 2026-10" in zh
    for header in ("工号", "姓名", "本月处罚合计", "上月结转", "本月扣款", "结转下月"):
        assert header in zh
    assert "700.00" in zh and "600.00" in zh and "100.00" in zh
    assert "一般投诉" in zh
    assert "提示" in zh  # T3 has no wage
    en = penalties_text(stmt, "en")
    assert "Staff penalties 2026-10" in en
    assert "Deducted" in en and "Carried out" in en and "general complaint" in en
    assert "no monthly_wage" in en


def test_penalties_text_when_nothing() -> None:
    empty = compute_penalties(Records.from_lists(staff=[]), [], Policy(), OCT)
    assert "本月无处罚" in penalties_text(empty, "zh")
    assert "No penalties this month." in penalties_text(empty, "en")


def test_settlement_text_zh_and_en() -> None:
    stl = settlement()
    zh = settlement_text(stl, "zh")
    assert "费用结算 2026-10" in zh
    for header in (
        "工单号",
        "客户应付",
        "公司成本",
        "已收金额",
        "应收余额",
        "门店汇总",
        "维修员汇总",
    ):
        assert header in zh
    assert "120.50" in zh and "20.50" in zh and "34.98" in zh
    assert "一号店" in zh and "二号店" in zh
    en = settlement_text(stl, "en")
    assert "Balance due" in en and "Stores" in en and "Technicians" in en


# ------------------------------------------------------------------ sheet names


def test_safe_sheet_names() -> None:
    taken: set[str] = set()
    assert safe_sheet_name("a/b:c*?[x]\\", taken) == "a_b_c___x__"
    long = safe_sheet_name("T1 " + "长" * 40, taken)
    assert len(long) == 31
    again = safe_sheet_name("T1 " + "长" * 40, taken)
    assert again != long and len(again) == 31 and again.endswith("~2")
    assert safe_sheet_name("History", taken) == "History~2"  # Excel reserves it
    assert safe_sheet_name("'quoted'", taken) == "quoted"


# ------------------------------------------------------------------ xlsx


def test_penalty_slips_workbook(tmp_path: Path) -> None:
    path = write_penalty_slips(penalty_statement(), tmp_path / "slips.xlsx", "zh")
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "汇总 2026-10"
    assert names[1] == "T1 张三"
    assert names[2].startswith("T2 ") and names[2] == 'T2 =HYPERLINK("http___x","a")'[:31]
    assert names[3].startswith("T3 a_b_c___x_") and len(names[3]) == 31
    summary = wb[names[0]]
    assert summary["A2"].value == "工号"
    assert [c.value for c in summary[3]][:2] == ["T1", "张三"]
    assert summary["B4"].value == FORMULA and summary["B4"].data_type == "s"  # stays text
    # T1: gross 700, carried in 0, deducted 600, carried out 100 (columns E–H)
    assert [summary.cell(3, c).value for c in range(5, 9)] == [700, 0, 600, 100]
    assert summary.cell(3, 7).number_format == MONEY_FORMAT
    # total row: gross 700 + 80 + 45.50 = 825.50; deducted 600 + 80 + 45.50 = 725.50
    assert summary["A6"].value == "合计"
    assert summary["E6"].value == 825.5 and summary["G6"].value == 725.5
    assert summary["H6"].value == 100


def test_penalty_slip_sheet_layout(tmp_path: Path) -> None:
    path = write_penalty_slips(penalty_statement(), tmp_path / "slips.xlsx", "zh")
    slip = load_workbook(path)["T1 张三"]
    assert slip["A1"].value == "职员处罚单"
    assert [slip.cell(3, c).value for c in range(1, 7)] == [
        "姓名",
        "张三",
        "工号",
        "T1",
        "月份",
        "2026-10",
    ]
    assert slip["E6"].value == 500 and slip["E7"].value == 200
    assert slip["E6"].number_format == MONEY_FORMAT
    assert slip["B6"].value == "一般投诉" and slip["C6"].value == "K1"
    values = {slip.cell(r, 4).value: slip.cell(r, 5).value for r in range(9, 14)}
    assert values["本月处罚合计"] == 700 and values["上月结转"] == 0
    assert values["本月扣款"] == 600 and values["结转下月"] == 100
    texts = [c.value for row in slip.iter_rows() for c in row if isinstance(c.value, str)]
    assert "员工签字:" in texts and "经理签字:" in texts and texts.count("日期:") == 2
    hyperlink_slip = load_workbook(path).worksheets[2]
    assert hyperlink_slip["B3"].value == FORMULA and hyperlink_slip["B3"].data_type == "s"


def test_penalty_slips_in_english(tmp_path: Path) -> None:
    wb = load_workbook(write_penalty_slips(penalty_statement(), tmp_path / "en.xlsx", "en"))
    assert wb.sheetnames[0] == "Summary 2026-10"
    assert wb.worksheets[1]["A1"].value == "Staff penalty slip"


def test_settlement_workbook(tmp_path: Path) -> None:
    path = write_settlement(settlement(), tmp_path / "settle.xlsx", "zh")
    wb = load_workbook(path)
    assert wb.sheetnames == ["工单结算", "门店汇总", "维修员汇总"]
    orders = wb["工单结算"]
    assert orders["A2"].value == "工单号"
    headers = [c.value for c in orders[2]]
    charge = headers.index("客户应付") + 1
    balance = headers.index("应收余额") + 1
    cost = headers.index("公司成本") + 1
    assert orders["A3"].value == "O1"
    assert orders["C3"].value == FORMULA and orders["C3"].data_type == "s"  # not a formula
    assert orders.cell(3, charge).value == 120.5
    assert orders.cell(3, balance).value == 20.5  # 120.50 − 100
    assert orders.cell(4, cost).value == 34.98  # 2 × 9.99 + 15
    assert orders.cell(3, charge).number_format == MONEY_FORMAT
    assert orders["A5"].value == "合计"
    assert orders.cell(5, charge).value == 120.5  # 120.50 + 0
    assert orders.cell(5, cost).value == 34.98
    stores = wb["门店汇总"]
    assert [c.value for c in stores[3]] == ["S1", "一号店", 1, 0, 120.5, 0, 100, 20.5]
    assert [c.value for c in stores[4]] == ["S2", "二号店", 1, 1, 0, 34.98, 0, 0]
    assert stores["E3"].number_format == MONEY_FORMAT
    technicians = wb["维修员汇总"]
    assert [c.value for c in technicians[5]] == ["合计", None, None, 2, 1, 120.5, 34.98, 100, 20.5]


def test_settlement_workbook_in_english(tmp_path: Path) -> None:
    wb = load_workbook(write_settlement(settlement(), tmp_path / "en.xlsx", "en"))
    assert wb.sheetnames == ["Orders", "Stores", "Technicians"]
    assert wb["Orders"]["A5"].value == "Total"
