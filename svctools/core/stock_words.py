"""The wording catalogue's section (``core.messages``), id -> (zh, en), for:
Spare-parts stock (compute/stock, stock_records, outputs/stock_text and _xlsx).

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

STOCK_WORDS: dict[str, tuple[str, str]] = {
    "stock.why.no_issue": ("无领用记录", "no issue recorded"),
    "stock.why.move_rows": ("出入库第 {rows} 行", "stock moves rows {rows}"),
    "stock.why.in_move_rows": ("（出入库第 {rows} 行）", " (stock moves rows {rows})"),
    "stock.why.in_rows": ("（出入库第 {rows} 行）", " (rows {rows})"),
    "stock.as_of": ("截至 ", "As of "),
    "stock.kind.receipt": ("入库", "receipt"),
    "stock.kind.issue": ("领用", "issue"),
    "stock.kind.return": ("退库", "return"),
    "stock.kind.scrap": ("报废", "scrap"),
    "stock.kind.old_part": ("旧件回收", "old part returned"),
    "stock.why.opening": ("期初 {qty}（{date}）", "opening {qty} on {date}"),
    "stock.why.counted": (
        "{date} 盘点（第 {row} 行）实盘 {qty}",
        "count of {date} (row {row}) set {qty}",
    ),
    "stock.why.moves": ("之后 {moves}", "then {moves}"),
    "stock.why.no_moves": ("之后无出入库", "no moves since"),
    "stock.why.equals": ("= {qty}", "= {qty}"),
    "stock.why.valued": ("× {cost} = {value}", "× {cost} = {value}"),
    "stock.why.not_valued": ("无成本单价：未计价", "no unit cost: not valued"),
    "stock.why.negative": (
        "出入库第 {row} 行（{moved_at} {kind} {qty}）后账面由 {before} 变为 {after}",
        "move row {row} ({kind} {qty} on {moved_at}) took the book quantity from {before} to "
        "{after}",
    ),
    "stock.why.count_diff": (
        "盘点第 {row} 行：实盘 {counted} − 账面 {book} = {diff}",
        "count row {row}: counted {counted} − book {book} = {diff}",
    ),
    "stock.why.gain": ("盘盈", "gain"),
    "stock.why.loss": ("盘亏", "loss"),
    "stock.why.issued": ("领用净额 {issued}（{detail}）", "issued {issued} ({detail})"),
    "stock.why.used": (
        "使用 {used}（配件使用第 {rows} 行）",
        "used {used} (parts used rows {rows})",
    ),
    "stock.why.none_used": ("配件使用无记录", "no parts used row"),
    "stock.why.more_issued": (
        "多领 {n}：应退库",
        "{n} more issued than used: should come back to stock (退库)",
    ),
    "stock.why.more_used": (
        "多用 {n}：有领用未登记",
        "{n} more used than issued: an issue was not recorded",
    ),
    "stock.why.old_due": (
        "工单 {order} 完工 {completed}（{why}）+ {days} 天 = {due} 应回收；使用 {used}"
        "（配件使用第 {rows} 行），已回收 {returned}{returned_rows}",
        "order {order} completed {completed} ({why}) + {days} days = due {due}; used {used} "
        "(parts used rows {rows}), returned {returned}{returned_rows}",
    ),
    "stock.why.all_orders": ('old_parts_for = "all"', 'old_parts_for = "all"'),
    "stock.why.free_reason": ("免费：{reason}", "free: {reason}"),
    "stock.why.reorder_given": (
        "账面 {qty} ≤ 安全库存 {level}；补货量 {suggested}",
        "book {qty} ≤ reorder level {level}; reorder quantity {suggested}",
    ),
    "stock.why.reorder_usage": (
        "账面 {qty} ≤ 安全库存 {level}；未填补货量：max(1, ⌈截至 {as_of} 近 90 天领用 "
        "{issued} / 3⌉) = {suggested}",
        "book {qty} ≤ reorder level {level}; no reorder quantity: max(1, ⌈issued in the 90 "
        "days to {as_of} {issued} / 3⌉) = {suggested}",
    ),
    "stock.why.warn_no_cost": (
        "配件库存第 {row} 行：配件 {part} 没有成本单价，库存未计价",
        "parts stock row {row}: part {part} has no unit cost; its stock is not valued",
    ),
    "stock.why.warn_future_count": (
        "盘点第 {row} 行：盘点日期 {date} 晚于 {as_of}，未计入",
        "stock counts row {row}: counted on {date}, after {as_of}; not applied",
    ),
    "stock.stock": ("库存", "Stock"),
    "stock.stock_title": ("库存（截至 {as_of}）", "Stock as of {as_of}"),
    "stock.negative": ("负库存", "Negative stock"),
    "stock.counts": ("盘点差异", "Count differences"),
    "stock.mismatches": ("领用与使用不符", "Issued vs used"),
    "stock.old_parts": ("旧件未回收", "Old parts not returned"),
    "stock.reorder": ("补货清单", "Reorder list"),
    "stock.part_no": ("配件编号", "Part No"),
    "stock.part_name": ("配件名称", "Part name"),
    "stock.qty": ("账面数量", "Book qty"),
    "stock.unit_cost": ("成本单价", "Unit cost"),
    "stock.value": ("金额", "Value"),
    "stock.reorder_level": ("安全库存", "Reorder level"),
    "stock.suggested": ("建议补货", "Suggested qty"),
    "stock.why": ("说明", "Why"),
    "stock.row": ("行号", "Row"),
    "stock.move_id": ("单据号", "Move ID"),
    "stock.moved_at": ("日期", "Moved at"),
    "stock.kind": ("类型", "Kind"),
    "stock.move_qty": ("数量", "Qty"),
    "stock.after": ("之后账面", "Book after"),
    "stock.counted_on": ("盘点日期", "Counted on"),
    "stock.counted_by": ("盘点人", "Counted by"),
    "stock.book_qty": ("账面", "Book"),
    "stock.counted_qty": ("实盘", "Counted"),
    "stock.diff": ("差异", "Diff"),
    "stock.gain_loss": ("盘盈/盘亏", "Gain/loss"),
    "stock.gain": ("盘盈", "gain"),
    "stock.loss": ("盘亏", "loss"),
    "stock.order_id": ("工单号", "Order ID"),
    "stock.technician": ("维修员", "Technician"),
    "stock.technician_name": ("姓名", "Name"),
    "stock.issued": ("领用净额", "Issued (net)"),
    "stock.used": ("使用", "Used"),
    "stock.due": ("应回收时间", "Due back"),
    "stock.returned": ("已回收", "Returned"),
    "stock.total": ("合计", "Total"),
    "stock.none": ("无", "none"),
    "stock.total_value": ("库存金额", "Stock value"),
    "stock.count_value": ("盘点差异金额", "Count differences"),
    "stock.not_valued": ("未计价", "not valued"),
}
