"""The one zh/en wording catalogue: message id -> (zh, en) templates, formatted by ``say``.

Every sentence svctools shows a person (errors, refusals, labels, table headers) is written here
once, in both languages, so a translation is never forgotten and never spread over ``if lang``
branches. Library code raises or returns a ``Msg`` (id + params); whoever prints it knows the
language (``--lang``, else the config's ``lang``, else zh) and calls ``Msg.text(lang)``.

Problems found in a book keep their own section, ``problems.MESSAGES`` (code -> detail ->
(zh, en)): a problem's wording is chosen by its code and detail, and the checks' authors add codes
there beside the data model. Everything else lives here; new wording goes only here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from svctools.core.click_words import CLICK_WORDS
from svctools.core.demo_words import DEMO_WORDS
from svctools.core.dispatch_words import DISPATCH_WORDS
from svctools.core.gsheet_words import GSHEET_WORDS
from svctools.core.mail_words import MAIL_WORDS
from svctools.core.penalty_words import PENALTY_WORDS
from svctools.core.report_words import REPORT_WORDS
from svctools.core.rights_words import RIGHTS_WORDS
from svctools.core.sla_words import SLA_WORDS
from svctools.core.statement_words import STATEMENT_WORDS
from svctools.core.stock_words import STOCK_WORDS

ZH, EN = "zh", "en"

# id -> (zh, en). Placeholders are str.format fields; a param may be a callable of lang.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the CLI's own lines
    "cli.interrupted": ("已中断", "interrupted"),
    "cli.internal": (
        "内部错误：{kind}: {detail}（加 --debug 再运行可看详情，请把它报告给我们）",
        "internal error: {kind}: {detail} (run again with --debug for the details, "
        "and please report it)",
    ),
    "cli.encrypt_password": (
        "--encrypt 需要密码：加 --password，或设置 ${env}",
        "--encrypt needs a password: add --password or set ${env}",
    ),
    "cli.skipped": (
        "跳过有错误的行及引用它们的行",
        "left out: rows with errors and rows referring to them",
    ),
    "cli.open_elsewhere": (
        "{book} 正在被 Excel/WPS 打开（{lock}）；读取的是最后保存的版本",
        "{book} is open in Excel/WPS ({lock}); reading its last saved version",
    ),
    "cli.annotated": ("标注副本：", "Annotated copy: "),
    "cli.created": ("已创建", "Created"),
    "cli.updated": ("已更新", "Updated"),
    "cli.report_written": ("月度报告：", "Report: "),
    "cli.slips_written": ("处罚单：", "Penalty slips: "),
    "cli.statement_written": ("结算表：", "Statement: "),
    "cli.stock_written": ("库存表：", "Stock workbook: "),
    "cli.rights_written": ("三包权利表：", "Workbook: "),
    # --- arguments (core/clock, cli/)
    "arg.as_of": (
        "--as-of {text!r}：请写日期或日期时间，例如 2026-10-05 或 2026-10-05T14:30",
        "--as-of {text!r}: give a date or date and time, e.g. 2026-10-05 or 2026-10-05T14:30",
    ),
    "arg.month": (
        "--month {text!r}：请写年月，例如 2026-10、2026/10、2026年10月 或 10月",
        "--month {text!r}: give a month as YYYY-MM, e.g. 2026-10 (also 2026/10, 2026年10月, 10月)",
    ),
    "arg.annotate_self": (
        "{out}：--annotate 要写一个新文件，不能是台帐本身",
        "{out}: --annotate must name a new file, not the book itself",
    ),
    "arg.annotate_gsheet": (
        "{out}：在线表格上用 --annotate 时不要写文件名",
        "{out}: on a Google Sheet, give --annotate without a file name",
    ),
    "arg.annotate_format": (
        "{book}：--annotate 只标注 .xlsx 台帐；请先另存为 .xlsx"
        "（Excel、WPS 或 LibreOffice 的“另存为”）",
        "{book}: --annotate marks .xlsx books only; save it as .xlsx first (Save As in Excel, WPS "
        "or LibreOffice)",
    ),
    "arg.annotate_needs_out": (
        "--annotate 需要 OUT.xlsx，即要写出的标注副本",
        "--annotate needs OUT.xlsx, the annotated copy to write",
    ),
    "arg.exists": (
        "{path}：文件已存在；请换个新名字，或加 --force 覆盖",
        "{path}: already exists; choose a new name or add --force to replace it",
    ),
    "arg.remind_what": (
        "remind：请给出类别（renewals、callbacks、sla-risk、all）和台帐，或 --status、--resolve",
        "remind: give KIND (renewals, callbacks, sla-risk or all) and BOOK, or --status/--resolve",
    ),
    "arg.dispatch_write_back_xlsx": (
        "{book}：--write-back 只用于在线表格；.xlsx 台帐从不改写，请用 --out F.xlsx",
        "{book}: --write-back works on Google Sheets only; an .xlsx book is never rewritten: "
        "give --out F.xlsx instead",
    ),
    "arg.dispatch_out_self": (
        "{out}：--out 不能是台帐本身；台帐从不改写",
        "{out}: --out must not be the book itself; the book is never written",
    ),
    "cli.dispatch_written": ("派单建议表：", "Dispatch sheet: "),
    "cli.dispatch_tab_written": ("已写入工作表：", "Written to the tab: "),
    "arg.write_back_xlsx": (
        "{book}：--write-back 只用于在线表格；.xlsx 台帐从不改写（openpyxl 会丢掉公式的计算结果）。"
        "`svctools remind --status` 列出已发送的提醒。",
        "{book}: --write-back works on Google Sheets only; an .xlsx book is never rewritten "
        "(openpyxl would drop its formulas' cached results). `svctools remind --status` "
        "lists what was sent.",
    ),
    "arg.no_state": (
        "{path}：还没有提醒状态文件；没有可处理的",
        "{path}: no reminders state file yet; nothing to resolve",
    ),
    # --- refusals of a book (reading/usable, cli/remind)
    "book.needs_sheet": (
        "{source}：{command} 需要工作表「{title}」（可用名称：{names}），台帐里没有",
        "{source}: {command} needs the sheet '{title}' (accepted names: {names}), "
        "which the book lacks",
    ),
    "book.remind_needs_any": (
        "{book}：remind all 至少需要以下工作表之一：{names}",
        "{book}: remind all needs at least one of the sheets {names}",
    ),
    "notify.secret_missing": (
        "[notify] {channel}：没有设置 ${{{name}}}（环境变量，或 keyring set svctools {name}）",
        "[notify] {channel}: ${{{name}}} is not set (environment, or keyring set svctools {name})",
    ),
    "notify.bad_url": (
        "[notify] {channel}：apprise 不认识 {url!r}",
        "[notify] {channel}: bad URL {url!r}",
    ),
    "notify.no_kind": (
        "[notify.routes] {kind}：没有这种提醒（{known}）",
        "[notify.routes] {kind}: no such kind ({known})",
    ),
    "remind.blocked": (
        "remind {command} 未发送（其余照常）：{why}",
        "remind {command} not sent (the rest was): {why}",
    ),
    "book.has_errors": (
        "{source}：{command} 用到的工作表（{sheets}）中有 {count} 处错误；{hint}",
        "{source}: {count} error(s) in the sheets {command} uses ({sheets}); {hint}",
    ),
    "book.hint_skip": (
        "请改正，或加 --skip-invalid 只计算其余的行",
        "fix them, or add --skip-invalid to compute on the other rows",
    ),
    "book.hint_header": ("请先改正表头行", "fix the header row first"),
    # --- opening a file (sources/)
    "file.no_such": ("{path}：文件不存在", "{path}: no such file"),
    "file.folder": (
        "{path}：这是文件夹，不是 .xlsx 文件",
        "{path}: is a folder, not an .xlsx file",
    ),
    "file.unreadable": ("{path}：无法读取（{reason}）", "{path}: cannot read ({reason})"),
    "file.empty": ("{path}：文件是空的（0 字节）", "{path}: the file is empty (0 bytes)"),
    "file.protected": ("{path}：台帐设有密码", "{path}: the book is password-protected"),
    "file.protected_how": (
        "{path}：台帐设有密码；请加 --password，或设置 ${env}，"
        "或用 `keyring set {service} {name}` 保存密码",
        "{path}: the book is password-protected; give --password, or set "
        "${env}, or store it with `keyring set {service} {name}`",
    ),
    "file.wrong_password": ("{path}：台帐密码不对", "{path}: wrong password for this book"),
    "file.cannot_decrypt": (
        "{path}：无法解密台帐（{kind}）",
        "{path}: cannot decrypt the book ({kind})",
    ),
    "file.xls": (
        "{path}：这是旧版 Excel 97-2003 .xls 文件；请在 Excel 或 WPS 中打开并另存为 .xlsx",
        "{path}: this is an old Excel 97-2003 .xls file; open it in Excel or WPS and "
        "save it as .xlsx",
    ),
    "cli.warning": ("svctools: 警告：{line}", "svctools: warning: {line}"),
    "calendar.uncovered": (
        "{year} 年的法定节假日还不在日历包（chinesecalendar）里：按周一至周五，加上 "
        "calendar.extra_holidays / extra_workdays 计算；升级 chinesecalendar 即可得到该年的安排",
        "{year}: the Chinese holiday calendar does not cover this year yet; "
        "using Monday–Friday plus calendar.extra_holidays/extra_workdays",
    ),
    "calendar.uncovered_past": (
        "{year} 年早于日历包（chinesecalendar）覆盖的年份：按周一至周五，加上 "
        "calendar.extra_holidays / extra_workdays 计算",
        "{year}: the Chinese holiday calendar does not cover this year; "
        "using Monday–Friday plus calendar.extra_holidays/extra_workdays",
    ),
    "sla.no_callbacks": (
        "台帐中没有「回访登记」表：未检查回访超时（late_callback）",
        "the book has no callbacks sheet: late_callback was not checked",
    ),
    "file.text": (
        "{path}：这是 CSV 或文本文件，不是工作簿；请另存为 .xlsx，"
        "或把每张表存成一个以表名命名的 CSV，放进同一个文件夹，再指定这个文件夹",
        "{path}: a CSV or text file, not a workbook; save it as .xlsx, or put one CSV per "
        "sheet, named after the sheet, in one folder and give the folder",
    ),
    "file.not_book": (
        "{path}：不是工作簿（.xlsx、.xls、.ods 或 CSV 文件夹）；请确认选对了文件",
        "{path}: not a workbook (.xlsx, .xls, .ods or a folder of CSV files); "
        "check that this is the right file",
    ),
    "file.incomplete": (
        "{path}：文件已损坏或不完整（不是完整的 .xlsx）",
        "{path}: the file is damaged or incomplete (not a complete .xlsx)",
    ),
    "file.damaged": (
        "{path}：文件已损坏，或不是 Excel 工作簿（{detail}）",
        "{path}: the file is damaged or not an Excel workbook ({detail})",
    ),
    "file.sheet_damaged": (
        "{path}：工作表「{sheet}」已损坏（{detail}）",
        "{path}: sheet '{sheet}' is damaged ({detail})",
    ),
    "file.zip_bomb": (
        "{path}：解压后有 {mb} MB；按压缩炸弹拒绝",
        "{path}: unpacks to {mb} MB; refused as a zip bomb",
    ),
    "file.zip_ratio": (
        "{path}：{part} 压缩比 {ratio}:1，解压后 {mb} MB；按压缩炸弹拒绝",
        "{path}: {part} is compressed {ratio}:1 to {mb} MB; refused as a zip bomb",
    ),
    "file.unsafe_xml": (
        "{path}：{part} 中有不安全的 XML（DTD 或实体声明，如实体膨胀炸弹）；拒绝读取",
        "{path}: unsafe XML in {part} (a DTD or entity declaration, as in "
        "entity-expansion bombs); refused",
    ),
    "file.huge_dimension": (
        "{path}：{part} 声称有 {columns:,} 列 x {rows:,} 行；按损坏或伪造的文件拒绝"
        "（请删掉多余的行列后在 Excel 中重新保存）",
        "{path}: {part} claims {columns:,} columns x {rows:,} rows; "
        "refused as damaged or crafted (re-save it from Excel after deleting unused "
        "rows and columns)",
    ),
    "file.xlsb": (
        "{path}：.xlsb（Excel 二进制工作簿）不能可靠读取：其他程序写的 .xlsb 会丢格子而不报错；"
        "请在 Excel 或 WPS 中打开并另存为 .xlsx",
        "{path}: an .xlsb (Excel binary workbook) cannot be read reliably: cells of an .xlsb "
        "written by other programs would be lost without a word; open it in Excel or WPS and "
        "save it as .xlsx",
    ),
    "file.grid_too_big": (
        "{path}：有一张表从 A1 到最后一个有值的格子共 {rows:,} 行 x {columns:,} 列，"
        "全书 {cells:,} 格（.xls/.ods 上限 {limit:,} 格，要整本读进内存）；"
        "多半是很远的行列里有个多余的值，或是伪造的文件：删掉多余的行列再保存，或另存为 .xlsx",
        "{path}: a sheet spans {rows:,} rows x {columns:,} columns from A1 to its last value, "
        "{cells:,} cells in all (the limit for .xls/.ods, read whole into memory, is "
        "{limit:,}): most likely a stray value far down or right, or a crafted file; delete "
        "the unused rows and columns and save again, or save it as .xlsx",
    ),
    "file.too_big": (
        "{path}：{part} 有 {mb:,} MB（上限 {limit:,} MB：.xls/.ods 要整本读进内存）；"
        "请另存为 .xlsx（逐表读取）",
        "{path}: {part} is {mb:,} MB (the limit is {limit:,} MB: an .xls or .ods is read "
        "whole into memory); save it as .xlsx, which is read a sheet at a time",
    ),
    "file.not_a_service_book": (
        "{path}：没有认出任何工作表（本工作簿的表：{sheets}）；svctools 要找的是 {looked}，"
        "或表头含其中一张表全部必填列的表。这是售后台帐吗？",
        "{path}: no sheet recognised (its sheets: {sheets}); svctools looks for {looked}, "
        "or a sheet whose header row holds all the required columns of one. Is this the "
        "service book?",
    ),
    "book.hidden_sheet": ("「{name}」（隐藏）", "'{name}' (hidden)"),
    "book.shown_sheet": ("「{name}」（可见）", "'{name}' (visible)"),
    "book.sheet_by_headers": (
        "{name} 按表头识别为 {kind}",
        "{name} recognised by its headers as {kind}",
    ),
    "file.folder_no_csv": (
        "{path}：这个文件夹里没有 .csv 文件（CSV 台帐是每张表一个 .csv，按表名命名）",
        "{path}: this folder holds no .csv files (a CSV book is one .csv per sheet, named "
        "after it)",
    ),
    "file.xls_is_text": (
        "{path}：这个 .xls 其实是网页或文本（网站导出的“Excel”）；"
        "请用 Excel 或 WPS 打开并另存为 .xlsx",
        '{path}: this .xls is really a web page or text (a web system\'s "Excel" export); '
        "open it in Excel or WPS and save it as .xlsx",
    ),
    "file.reader_env": (
        "${env}={choice!r}：请选 {choices} 之一",
        "${env}={choice!r}: choose one of {choices}",
    ),
    "file.no_folder": (
        "{target}：文件夹 {folder} 不存在",
        "{target}: folder {folder} does not exist",
    ),
    "file.cannot_write": (
        "{path}：无法写入（{reason}）；是不是在 Excel 里开着？",
        "{path}: cannot write ({reason}); is it open in Excel?",
    ),
    **GSHEET_WORDS,
    **MAIL_WORDS,
    **CLICK_WORDS,
    **DEMO_WORDS,
    **DISPATCH_WORDS,
    **RIGHTS_WORDS,
    **STOCK_WORDS,
    **REPORT_WORDS,
    **STATEMENT_WORDS,
    # --- the config (core/policy)
    "config.not_found": ("{path}：配置文件不存在", "{path}: config file not found"),
    "config.unreadable": (
        "{path}：无法读取配置文件（{detail}）",
        "{path}: cannot read config file ({detail})",
    ),
    "config.not_toml": (
        "{path}：不是有效的 TOML：{detail}",
        "{path}: not valid TOML: {detail}",
    ),
    "config.toml_at": (
        "第 {line} 行第 {column} 列有误（{what}）",
        "{what} (at line {line}, column {column})",
    ),
    "config.full_width": (
        '文件里有全角引号 {quotes}：TOML 只认半角引号 "，请改掉',
        'the file has full-width quotes {quotes}: TOML needs plain " quotes',
    ),
    "config.invalid": ("{where}：{detail}", "{where}: {detail}"),
    "config.unknown_key": ("{key} 不是可用的配置项", "{key}: unknown key"),
    "config.did_you_mean": (
        "{key} → 你是想写 {best} 吗？",
        "{key}: unknown key; did you mean {best}?",
    ),
    "config.bad_value": ("{key}：{what}（填的是 {value}）", "{key}: {what}"),
    "config.schema_none": (
        "{folder}：找不到工作表定义文件（*.toml）",
        "{folder}: no workbook schema files (*.toml) found",
    ),
    "config.schema_bad": (
        "{path}：工作表定义文件有误（{detail}）",
        "{path}: bad schema file ({detail})",
    ),
    # what a config value should be, by pydantic error type; en keeps pydantic's own words
    "value.decimal": ("应为数字", "{what}"),
    "value.int": ("应为整数", "{what}"),
    "value.bool": ("应为 true 或 false", "{what}"),
    "value.string": ("应为带引号的文字", "{what}"),
    "value.list": ("应为列表，例如 [15, 7, 1]", "{what}"),
    "value.dict": ("应为一组设置，例如 {{ 1 = 4, 2 = 24 }}", "{what}"),
    "value.date": ('应为日期，例如 "2026-10-09"', "{what}"),
    "value.time": ('应为时刻，例如 "09:00"', "{what}"),
    "value.gt": ("应大于 {gt}", "{what}"),
    "value.ge": ("不能小于 {ge}", "{what}"),
    "value.lt": ("应小于 {lt}", "{what}"),
    "value.le": ("不能大于 {le}", "{what}"),
    "value.choice": ("只能是 {expected}", "{what}"),
    "value.missing": ("缺少这一项", "{what}"),
    "value.other": ("值不对：{what}", "{what}"),
    "value.windows_none": ("至少需要一个工作时段", "at least one working-hours window is needed"),
    "value.window_backwards": (
        "时段 {start}-{end} 结束早于开始",
        "window {start}-{end} ends before it starts",
    ),
    "value.windows_order": (
        "时段须按先后排列且不能重叠",
        "windows must be in order and must not overlap",
    ),
    "value.levels_missing": (
        "故障等级 {missing} 没有时限；1、2、3、4 级都要写",
        "fault levels {missing} have no limit; give all of 1, 2, 3, 4",
    ),
    "value.skill_levels_missing": (
        "故障等级 {missing} 没有技能要求；1、2、3、4 级都要写",
        "fault levels {missing} have no skill level; give all of 1, 2, 3, 4",
    ),
    "value.stages_none": (
        "至少写一个提醒时点，例如 [15, 7, 1]",
        "give at least one stage, e.g. [15, 7, 1]",
    ),
    "value.zone": (
        "未知时区 {value!r}（例如 'Asia/Shanghai'）",
        "unknown time zone {value!r} (e.g. 'Asia/Shanghai')",
    ),
    "value.both_days": (
        "calendar：{days} 同时列为额外假日和额外工作日",
        "calendar: {days} listed as both extra holiday and extra workday",
    ),
    **PENALTY_WORDS,
    # the validate listing, the annotated copy and the Google Sheets problem tab
    "level.error": ("错误", "error"),
    "level.warning": ("警告", "warning"),
    "col.sheet": ("工作表", "Sheet"),
    "col.row": ("行", "Row"),
    "col.cell": ("单元格", "Cell"),
    "col.column": ("列", "Column"),
    "col.level": ("级别", "Severity"),
    "col.code": ("代码", "Code"),
    "col.value": ("值", "Value"),
    "col.message": ("说明", "Message"),
    "validate.summary": (
        "{source}：{errors} 个错误，{warnings} 个警告",
        "{source}: {errors} error(s), {warnings} warning(s)",
    ),
    "validate.clean": ("{source}：没有发现问题", "{source}: no problems found"),
    "annotate.title": ("问题清单", "Problems"),
    "annotate.cut": (
        "此单元格原有 {length:,} 个字符，超过 Excel 每格 32,767 字符的上限，本副本中已截断",
        "This cell held {length:,} characters, over Excel's 32,767 per cell: cut in this copy",
    ),
    **SLA_WORDS,
    # settlement reasons (compute/settlement Reason)
    "settle.warranty_column": ("保修状态栏填写为{value}", "warranty column says {value}"),
    "settle.warranty_by_date": (
        "来电日期 {call} ≤ 购买日期 {purchase} + {months} 个月 = {until}",
        "call date {call} ≤ purchase {purchase} + {months} months = {until}",
    ),
    "settle.warranty_expired": (
        "来电日期 {call} > 购买日期 {purchase} + {months} 个月 = {until}",
        "call date {call} > purchase {purchase} + {months} months = {until}",
    ),
    "settle.warranty_no_date": (
        "无保修状态且无购买日期:按保外处理",
        "no warranty column and no purchase date: out of warranty",
    ),
    "settle.free_repeat": (
        "返修:前次工单 {earlier} 于 {completed} 完工({days} 天 ≤ {limit} 天),原因 {cause}",
        "repeat of order {earlier} completed {completed} ({days} days ≤ {limit}), cause {cause}",
    ),
    "settle.free_warranty": ("保内且为质量问题", "in warranty and cause quality"),
    "settle.charged_repeat_human": (
        "返修工单 {earlier},但为人为损坏:收费",
        "repeat of order {earlier} but cause human: charged",
    ),
    "settle.charged_out": ("保外:收费", "out of warranty: charged"),
    "settle.charged_cause": ("保内但原因为{cause}:收费", "in warranty but cause {cause}: charged"),
    "settle.part_skipped": (
        "配件使用第 {row} 行:数量或成本单价为空,未计入",
        "parts_used row {row}: qty or unit_cost blank, not counted",
    ),
    "settle.unset": ("未填", "blank"),
    "warranty.in": ("保内", "in"),
    "warranty.out": ("保外", "out"),
    "list.or": (" 或 ", " or "),
    "group.stock": ("配件库存", "spare-parts stock"),  # an optional group of sheets (reading/book)
    "punct.list": ("、", ", "),
    "punct.colon": ("：", ": "),
    "punct.semicolon": ("；", "; "),
    # the yes/no dropdown of a blank book (outputs/blank)
    "blank.required_when": ("{column}为 {values} 时必填", "required when {column} is {values}"),
    "blank.bool.yes": ("是", "yes"),
    "blank.bool.no": ("否", "no"),
    # durations: long lateness reads in days and hours
    "time.minutes": ("{n} 分钟", "{n} minutes"),
    "time.minute": ("{n} 分钟", "{n} minute"),
    "time.hours": ("{n} 小时", "{n} hours"),
    "time.hour": ("{n} 小时", "{n} hour"),
    "time.days": ("{n} 天", "{n} days"),
    "time.day": ("{n} 天", "{n} day"),
    "time.days_hours": ("{days} {hours}", "{days} {hours}"),
    "unit.hours": ("{n} 小时", "{n} hours"),
    "unit.business_hours": ("{n} 个工作小时", "{n} business hours"),
    "unit.working_days": ("{n} 个工作日", "{n} working days"),
    "unit.days": ("{n} 天", "{n} days"),
}


def say(message_id: str, lang: str, /, **params: Any) -> str:
    """The message ``message_id`` in ``lang`` (zh unless ``en``), params filled in."""
    zh, en = CATALOGUE[message_id]
    template = en if lang == EN else zh
    values = {k: (v(lang) if callable(v) else v) for k, v in params.items()}
    return template.format(**values)


def template(message_id: str, lang: str) -> str:
    """The raw template of ``message_id`` (for a renderer that fills it many times itself)."""
    zh, en = CATALOGUE[message_id]
    return en if lang == EN else zh


def says(message_ids: tuple[str, ...], lang: str) -> list[str]:
    """Several fixed words at once (a table's headers)."""
    return [say(message_id, lang) for message_id in message_ids]


def word(prefix: str, key: Any, lang: str) -> str:
    """A value's word (``rule.late_response`` -> 响应超时); a key without one stays as is."""
    found = CATALOGUE.get(f"{prefix}.{key}")
    return str(key) if found is None else found[1] if lang == EN else found[0]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def duration(hours: Decimal, lang: str) -> str:
    """Lateness as people say it: ``1.5 小时``, ``42 天 8 小时`` (whole hours past a day)."""
    if hours < 1:  # 0.18 h reads as 11 minutes
        minutes = int((hours * 60).to_integral_value(ROUND_HALF_UP))
        return say("time.minute" if minutes == 1 else "time.minutes", lang, n=minutes)
    if hours < 24:
        one = hours == 1
        return say("time.hour" if one else "time.hours", lang, n=_number(hours))
    total = int(hours.to_integral_value(ROUND_HALF_UP))
    days, rest = divmod(total, 24)
    day_text = say("time.day" if days == 1 else "time.days", lang, n=days)
    if not rest:
        return day_text
    hour_text = say("time.hour" if rest == 1 else "time.hours", lang, n=rest)
    return say("time.days_hours", lang, days=day_text, hours=hour_text)


def amount_of(limit: Decimal, unit: str, lang: str) -> str:
    """A limit with its unit: ``1 小时``, ``3 个工作日``, ``8 business hours``."""
    text = say(f"unit.{unit}", lang, n=_number(limit)) if f"unit.{unit}" in CATALOGUE else ""
    if lang == EN and limit == 1:
        text = text.replace(" hours", " hour").replace(" days", " day")
    return text or f"{_number(limit)} {unit}"


def pick(lang: str, zh: str, en: str) -> str:
    """One of two literal words (a value, not a sentence): zh unless ``lang`` is en."""
    return en if lang == EN else zh


Ids = str | tuple["Ids", ...] | list["Ids"] | dict[str, "Ids"]


class ByLang(Mapping[str, Any]):
    """Catalogue words laid out as a renderer wants them, indexed by language like a table:
    ``HEADERS[lang]`` gives the worded tuple, ``LABELS[lang]["sent"]`` one word. The ids
    (one, a tuple or a dict of them) are all the renderer holds; the words stay here."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids

    def __getitem__(self, lang: str) -> Any:
        if lang not in (ZH, EN):
            raise KeyError(lang)
        return _worded(self.ids, lang)

    def __iter__(self) -> Iterator[str]:
        return iter((ZH, EN))

    def __len__(self) -> int:
        return 2


def by_lang(ids: Ids) -> ByLang:
    return ByLang(ids)


def _worded(ids: Ids, lang: str) -> Any:
    """The words of ``ids`` in the same shape; ``""`` (a deliberately empty word) stays."""
    if isinstance(ids, str):
        return template(ids, lang) if ids else ""
    if isinstance(ids, tuple):
        return tuple(_worded(one, lang) for one in ids)
    if isinstance(ids, list):
        return [_worded(one, lang) for one in ids]
    return {key: _worded(one, lang) for key, one in ids.items()}


class Msg:
    """A message not yet worded: raised inside the library, worded where the language is known."""

    __slots__ = ("id", "params")

    def __init__(self, message_id: str, /, **params: Any) -> None:
        if message_id not in CATALOGUE:
            raise KeyError(message_id)
        self.id, self.params = message_id, params

    def text(self, lang: str) -> str:
        return say(self.id, lang, **self.params)

    def __str__(self) -> str:
        return self.text(EN)

    def __repr__(self) -> str:
        return f"Msg({self.id!r}, **{self.params!r})"


Wording = Callable[[str], str]
