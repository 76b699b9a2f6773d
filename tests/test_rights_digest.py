"""The callback digest marks customers with an open 三包 right (SPEC §5, §7.3)."""

from __future__ import annotations

from datetime import date, datetime

from svctools.compute.entitlements import rights_by_call
from svctools.compute.reminders import due_callbacks, due_reminders
from svctools.core.policy import Policy
from svctools.core.records import Records
from svctools.mail.templates import Templates

AS_OF = datetime(2026, 11, 20, 9, 0)


def _records() -> Records:
    # C1 bought 2026-11-12, called 2026-11-17: 5 days ≤ return_days 7 -> return_window.
    # C2 bought in 2024: no right. Both orders completed 2026-11-18, no callback yet.
    calls = [
        {"call_id": "C1", "call_time": datetime(2026, 11, 17, 10), "customer_name": "刘女士",
         "phone": "13812345678", "purchase_date": date(2026, 11, 12), "taken_by": "A01"},
        {"call_id": "C2", "call_time": datetime(2026, 11, 17, 11), "customer_name": "陈先生",
         "phone": "13812345679", "purchase_date": date(2024, 5, 1), "taken_by": "A01"},
    ]  # fmt: skip
    orders = [
        {"order_id": f"W{n}", "call_id": f"C{n}", "status": "completed", "technician_id": "T01",
         "completed_at": datetime(2026, 11, 18, 16), "fault_cause": "quality"}
        for n in (1, 2)
    ]  # fmt: skip
    staff = [{"staff_id": "A01", "name": "张丽", "email": "a01@example.com"}]
    return Records.from_lists(call_log=calls, repair_ledger=orders, staff=staff, callbacks=[])


def test_digest_lines_carry_the_calls_rights() -> None:
    records = _records()
    rights = rights_by_call(records, Policy(), AS_OF)
    assert {k: [r.rule for r in v] for k, v in rights.items()} == {"C1": ["return_window"]}
    (digest,) = due_callbacks(records, 1, AS_OF.date(), rights)
    first, second = digest.context["orders"]
    assert first["order_id"] == "W1" and second["order_id"] == "W2"
    assert first["rights"] == [
        {
            "rule": "return_window",
            "name_zh": "退货期内故障",
            "name_en": "fault within the return window",
            "remedy_zh": "退货、换货或修理",
            "remedy_en": "refund, exchange or repair",
            "arose_on": "2026-11-17",
            "days": 5,
            "pending_cause": False,
        }
    ]
    assert second["rights"] == [] and digest.context["with_rights"] == 1
    # without rights (a caller that does not look them up) nothing is marked
    (plain,) = due_reminders(records, Policy().reminders, AS_OF, ("callback",))
    assert plain.context["with_rights"] == 0


def test_the_rendered_digest_tells_the_agent_in_both_languages() -> None:
    records = _records()
    (digest,) = due_callbacks(records, 1, AS_OF.date(), rights_by_call(records, Policy(), AS_OF))
    zh = Templates().render("callback", "zh", digest.context)
    assert "其中 1 位客户享有三包退换货权利（标有【三包】）" in zh.text
    assert "【三包】退货期内故障：客户可要求退货、换货或修理（2026-11-17 起）" in zh.text
    assert zh.text.count("【三包】退货期内故障") == 1  # W2's customer has no right
    assert "【三包】退货期内故障：客户可要求退货、换货或修理" in zh.html
    en = Templates().render("callback", "en", digest.context)
    assert "[三包] fault within the return window: the customer may ask for refund, " in en.text
    assert "<b>1</b> of these customers may ask for a refund or an exchange" in en.html
    assert "[三包] fault within the return window: the customer may ask for refund" in en.html
