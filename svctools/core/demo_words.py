"""The wording catalogue's section (``core.messages``), id -> (zh, en), for the summary lines
``svctools demo`` prints after each command (cli/demo).

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

DEMO_WORDS: dict[str, tuple[str, str]] = {
    "demo.book": ("示例台帐", "Sample book"),
    "demo.config": ("配置文件", "Config"),
    "demo.all_found": ("全部找到", "all found"),
    "demo.validate": (
        "  {errors} 个错误，{warnings} 个警告（故意埋下 {planted} 个问题：{verdict}）",
        "  {errors} errors, {warnings} warnings ({planted} planted on purpose: {verdict})",
    ),
    "demo.sla": ("  {count} 条超时记录", "  {count} breaches"),
    "demo.penalties": (
        "  {people} 人，本月扣款合计 {total}",
        "  {people} people, {total} deducted",
    ),
    "demo.settle": (
        "  {count} 张完工工单，应收余额 {due}",
        "  {count} completed orders, {due} balance due",
    ),
    "demo.report": (
        "  来电 {calls}，完工 {done}，一次修复率 {fttr}，SLA 达标率 {sla} -> {report}",
        "  {calls} calls, {done} completed, first-time fix {fttr}, "
        "SLA compliance {sla} -> {report}",
    ),
    "demo.stock": (
        "  库存金额 {value}；负库存 {negative}，盘点差异 {counts}，"
        "旧件未回收 {old}，待补货 {reorder}",
        "  stock value {value}; {negative} negative, {counts} count differences, "
        "{old} old parts not returned, {reorder} to reorder",
    ),
    "demo.remind": (
        "  {renewals} 条续签提醒，{digests} 份回访清单，写出 {messages} 封邮件",
        "  {renewals} renewals, {digests} callback digests, {messages} messages",
    ),
    "demo.sla_risk": (
        "  {due} 份时限预警（{stamp} 起 4 小时内到期），{chat} 条群聊消息（.md）",
        "  {due} deadline warnings (due within 4 hours), {chat} chat messages",
    ),
    "demo.rights": ("  {n} 项三包权利（{rules}）", "  {n} 三包 rights ({rules})"),
}
