"""The wording catalogue's section (``core.messages``), id -> (zh, en), for:
penalty slips (compute/penalties), and what a record, an action, a rule, a severity and a cause
are called wherever they are shown.

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

PENALTY_WORDS: dict[str, tuple[str, str]] = {
    # --- penalty slips (compute/penalties Note): spoken to people, not config keys
    "penalty.breach": (
        "{subject} {record} {action}超时 {late}{limit}",
        "{subject} {record}: {action} {late} late{limit}",
    ),
    "penalty.breach_open": (
        "{subject} {record} {action}尚未完成，已超时 {late}{limit}",
        "{subject} {record}: {action} not done, {late} late so far{limit}",
    ),
    "penalty.limit": ("（限 {limit}）", " (limit {limit})"),
    "penalty.qc_rework": (
        "工单 {order} 返工 {count} 次，每次 {unit} 元",
        "order {order}: reworked {count} times at {unit} each",
    ),
    "penalty.repeat_repair": (
        "工单 {order}（序列号 {serial}，{call} 来电）是 {earlier}（{completed} 完工）的返修，"
        "相隔 {days} 天（{limit} 天内返修要处罚）；故障原因：{cause}",
        "order {order} (serial {serial}, called {call}) repeats {earlier} completed {completed}: "
        "{days} days apart, within {limit} days; cause: {cause}",
    ),
    "penalty.complaint_set": (
        "{severity}投诉成立，{closed} 结案；处罚金额由经理决定",
        "upheld {severity} complaint closed {closed}; amount set by the manager",
    ),
    "penalty.complaint_default": (
        "{severity}投诉成立，{closed} 结案；按{severity}投诉的标准金额处罚",
        "upheld {severity} complaint closed {closed}; the standard amount for a {severity} "
        "complaint",
    ),
    "penalty.pending_complaint": (
        "投诉成立但月末未结案：结案当月扣款",
        "upheld complaint not closed by the month's end: charged in the month it is closed",
    ),
    "penalty.pending_repeat": (
        "为 {earlier} 的返修；工单 {order} 填写故障原因（非人为损坏）后向原维修员扣款",
        "repeats {earlier}; charged to its technician once order {order} has a cause (not human)",
    ),
    "penalty.cap": (
        "上限 = min(扣款比例 {ratio} × 月工资 {wage} = {by_ratio}，"
        "月工资 {wage} − 最低工资 {minimum} = {room}) = {cap}",
        "cap = min(cap_ratio {ratio} × wage {wage} = {by_ratio}, "
        "wage {wage} − minimum_wage {minimum} = {room}) = {cap}",
    ),
    "penalty.no_wage": (
        "职员 {staff_id}（{name}）未填月工资：不设上限，扣款 = 本月合计 + 上月结转",
        "staff {staff_id} ({name}) has no monthly_wage: no cap, deducted = gross + carried_in",
    ),
    "penalty.no_person": (
        "{rule} {record}（{sheet} 第 {row} 行）没有责任人：未扣款",
        "{rule} {record} ({sheet} row {row}) names no responsible person: not charged",
    ),
    "penalty.no_amount": (
        "{record} 的规则 {rule} 在政策中没有处罚金额：未扣款",
        "rule {rule} of {record} has no penalty amount in the policy: not charged",
    ),
    "penalty.source": ("{sheet} 第 {row} 行", "{sheet} row {row}"),
    # what a record is, by its sheet key; what was late, by its rule
    "record.call_log": ("来电", "call"),
    "record.repair_ledger": ("工单", "order"),
    "record.complaints": ("投诉", "complaint"),
    "record.callbacks": ("回访", "callback"),
    "action.late_response": ("首次响应", "first response"),
    "action.late_acceptance": ("接单", "acceptance"),
    "action.late_arrival": ("到场", "arrival"),
    "action.overdue_repair": ("维修", "repair"),
    "action.late_complaint_feedback": ("投诉反馈", "complaint feedback"),
    "action.late_callback": ("回访", "callback"),
    "rule.late_response": ("响应超时", "late response"),
    "rule.late_acceptance": ("接单超时", "late acceptance"),
    "rule.late_arrival": ("到场超时", "late arrival"),
    "rule.overdue_repair": ("维修超期", "overdue repair"),
    "rule.qc_rework": ("质检返工", "QC rework"),
    "rule.repeat_repair": ("保修期内返修", "repeat repair"),
    "rule.late_complaint_feedback": ("投诉反馈超时", "late complaint feedback"),
    "rule.complaint_general": ("一般投诉", "general complaint"),
    "rule.complaint_serious": ("严重投诉", "serious complaint"),
    "rule.late_callback": ("回访超时", "late callback"),
    "severity.general": ("一般", "general"),
    "severity.serious": ("严重", "serious"),
    "cause.quality": ("质量问题", "quality"),
    "cause.human": ("人为损坏", "human"),
    "cause.wear": ("正常磨损", "wear"),
    "cause.other": ("其他", "other"),
}
