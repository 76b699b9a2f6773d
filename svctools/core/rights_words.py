"""The wording catalogue's section (``core.messages``), id -> (zh, en), for:
The 三包 rights (compute/entitlements, outputs/entitlements_text and _xlsx).

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

RIGHTS_WORDS: dict[str, tuple[str, str]] = {
    "rights.rule.return_window": ("退货期内故障", "fault within the return window"),
    "rights.rule.exchange_window": ("换货期内故障", "fault within the exchange window"),
    "rights.rule.repeated_failure": ("保内多次维修", "repeated failure in warranty"),
    "rights.rule.parts_unavailable": ("待料超期", "parts unavailable"),
    "rights.remedy.return_window": ("退货、换货或修理", "refund, exchange or repair"),
    "rights.remedy.exchange_window": ("换货或修理", "exchange or repair"),
    "rights.remedy.repeated_failure": ("换货或退货", "exchange or refund"),
    "rights.remedy.parts_unavailable": ("换货", "exchange"),
    "rights.sheet_title.call_log": ("来电登记", "Call Log"),
    "rights.sheet_title.repair_ledger": ("维修台帐", "Repair Ledger"),
    "rights.why.call": (
        "来电 {call_id}（{call_sheet}第 {row} 行）",
        "call {call_id} ({call_sheet} row {row})",
    ),
    "rights.why.return_window": (
        "来电日期 {call_date} − 购买日期 {purchase} = {days} 天 ≤ return_days {limit}",
        "call date {call_date} − purchase {purchase} = {days} days ≤ return_days {limit}",
    ),
    "rights.why.exchange_window": (
        "来电日期 {call_date} − 购买日期 {purchase} = {days} 天，> return_days {low} "
        "且 ≤ exchange_days {limit}",
        "call date {call_date} − purchase {purchase} = {days} days, > return_days {low} "
        "and ≤ exchange_days {limit}",
    ),
    "rights.why.repeated_failure": (
        "序列号 {serial} 在保修期内（来电日期 {call_date} ≤ 购买日期 {purchase} + {months} "
        "个月 = {until}）；此前已有 {count} 张保内、原因为质量问题的完工工单 "
        "≥ repairs_before_exchange {limit}：{orders}",
        "serial {serial} in warranty (call date {call_date} ≤ purchase {purchase} + {months} "
        "months = {until}); {count} earlier completed in-warranty orders of cause quality "
        "≥ repairs_before_exchange {limit}: {orders}",
    ),
    "rights.why.earlier": (
        "{order_id}（{ledger_sheet}第 {row} 行，来电 {call_id} {call_date}，完工 {completed}）",
        "{order_id} ({ledger_sheet} row {row}, call {call_id} {call_date}, completed {completed})",
    ),
    "rights.why.parts_unavailable": (
        "工单 {order_id}（{ledger_sheet}第 {row} 行）待料自 {start} 至 {end}（{until}），"
        "共 {days} 天 > parts_wait_days {limit}；权利产生于 {start_date} + {limit} 天 = {arose}",
        "order {order_id} ({ledger_sheet} row {row}) waited for parts from {start} to {end} "
        "({until}): {days} days > parts_wait_days {limit}; the right arose on "
        "{start_date} + {limit} days = {arose}",
    ),
    "rights.why.wait_to": ("待料结束", "parts_wait_to"),
    "rights.why.wait_completed": ("完工时间，待料结束未填", "completed_at, no parts_wait_to"),
    "rights.why.wait_open": ("截至统计时点仍在待料", "still waiting at the as-of moment"),
    "rights.why.pending_cause": (
        "该来电的工单尚无故障原因：查明非人为损坏时权利才成立",
        "no order of the call has a cause yet: the right holds only if the fault proves not human",
    ),
    "rights.col.call": ("来电编号", "Call"),
    "rights.col.customer": ("客户", "Customer"),
    "rights.col.serial": ("序列号", "Serial"),
    "rights.col.right": ("权利", "Right"),
    "rights.col.remedy": ("处理方式", "Remedy"),
    "rights.col.arose": ("产生日期", "Arose"),
    "rights.col.days": ("天数", "Days"),
    "rights.col.orders": ("相关工单", "Orders"),
    "rights.col.cause": ("故障原因", "Cause"),
    "rights.text.head": (
        "三包权利 {first} 至 {last}（截至 {as_of}）：{n} 项",
        "三包 rights that arose {first} to {last} (as of {as_of}): {n}",
    ),
    "rights.text.none": (
        "{first} 至 {last} 没有来电享有三包退换货权利（截至 {as_of}）。",
        "No call carries a 三包 right that arose {first} to {last} (as of {as_of}).",
    ),
    "rights.text.pending": ("待查明", "pending"),
    "rights.text.why": ("依据：", "Why:"),
    "rights.sheet": ("三包权利", "Rights"),
    "rights.why_col": ("依据（行与数字）", "Why (rows and numbers)"),
    "rights.number": ("#", "#"),
}
