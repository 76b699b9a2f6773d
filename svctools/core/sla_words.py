"""The wording catalogue's section (``core.messages``), id -> (zh, en), for:
the SLA table and its --explain blocks (outputs/sla_text), and the progress bars (cli/progress).

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

SLA_WORDS: dict[str, tuple[str, str]] = {
    # the SLA table and its --explain blocks (outputs/sla_text); raw templates, see ``template``
    "sla.col.rule": ("规则", "Rule"),
    "sla.col.sheet": ("工作表", "Sheet"),
    "sla.col.row": ("行", "Row"),
    "sla.col.record": ("单号", "Record"),
    "sla.col.staff": ("责任人", "Staff"),
    "sla.col.deadline": ("截止时间", "Deadline"),
    "sla.col.actual": ("实际时间", "Actual"),
    "sla.col.late": ("超时(小时)", "Late (h)"),
    "sla.none": ("没有超时记录。", "No SLA breaches."),
    "sla.open": ("未完成", "open"),
    "sla.hours": ("小时", "h"),
    "sla.business_hours": ("工作小时", "business h"),
    "sla.working_days": ("个工作日", "working days"),
    "sla.days": ("天", "days"),
    "sla.row": ("第{row}行", "row {row}"),
    "sla.counted": ("计入时段", "counted"),
    "sla.counted_days": ("计入工作日", "working days counted"),
    "sla.skipped": ("跳过", "skipped"),
    "sla.paused": ("待料暂停", "parts wait (paused)"),
    "sla.wait": ("待料", "waiting for parts"),
    "sla.weekend": ("周末", "weekend"),
    "sla.extra_holiday": ("公司休息日", "firm holiday"),
    "sla.extra_workday": ("公司加班日", "firm extra workday"),
    "sla.makeup": ("调休上班", "make-up workday"),
    "sla.sep": ("；", "; "),
    "sla.colon": ("：", ": "),
    "sla.paren": ("（{text}）", " ({text})"),
    # progress bars (cli/progress)
    "progress.read": ("读取", "reading"),
    "progress.check": ("检查", "checking"),
    "progress.compute": ("计算", "computing"),
}
