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

from collections.abc import Callable
from typing import Any

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
        "{out}：--annotate 要写一个新文件，不能是台账本身",
        "{out}: --annotate must name a new file, not the book itself",
    ),
    "arg.annotate_gsheet": (
        "{out}：在线表格上用 --annotate 时不要写文件名",
        "{out}: on a Google Sheet, give --annotate without a file name",
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
        "remind：请给出类别（renewals、callbacks 或 all）和台账，或 --status，或 --resolve",
        "remind: give KIND (renewals, callbacks or all) and BOOK, or --status, or --resolve",
    ),
    "arg.write_back_xlsx": (
        "{book}：--write-back 只用于在线表格；.xlsx 台账从不改写（openpyxl 会丢掉公式的计算结果）。"
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
        "{source}：{command} 需要工作表「{title}」（可用名称：{names}），台账里没有",
        "{source}: {command} needs the sheet '{title}' (accepted names: {names}), "
        "which the book lacks",
    ),
    "book.remind_needs_any": (
        "{book}：remind all 至少需要以下工作表之一：{names}",
        "{book}: remind all needs at least one of the sheets {names}",
    ),
    "book.remind_needs_sheet": (
        "{book}：remind all（{part}）需要工作表「{title}」，台账里没有",
        "{book}: remind all ({part}) needs the sheet '{title}', which the book lacks",
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
    "file.protected": ("{path}：台账设有密码", "{path}: the book is password-protected"),
    "file.protected_how": (
        "{path}：台账设有密码；请加 --password，或设置 ${env}，"
        "或用 `keyring set {service} {name}` 保存密码",
        "{path}: the book is password-protected; give --password, or set "
        "${env}, or store it with `keyring set {service} {name}`",
    ),
    "file.wrong_password": ("{path}：台账密码不对", "{path}: wrong password for this book"),
    "file.cannot_decrypt": (
        "{path}：无法解密台账（{kind}）",
        "{path}: cannot decrypt the book ({kind})",
    ),
    "file.xls": (
        "{path}：这是旧版 Excel 97-2003 .xls 文件；请在 Excel 或 WPS 中打开并另存为 .xlsx",
        "{path}: this is an old Excel 97-2003 .xls file; open it in Excel or WPS and "
        "save it as .xlsx",
    ),
    "file.not_xlsx": (
        "{path}：不是 .xlsx 工作簿（{kind}）；请另存为 .xlsx",
        "{path}: not an .xlsx workbook ({kind}); save it as .xlsx",
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
    "file.not_a_service_book": (
        "{path}：没有认出任何工作表（本工作簿的表：{sheets}）；svctools 要找的是 {looked}，"
        "或表头含其中一张表全部必填列的表。这是售后台账吗？",
        "{path}: no sheet recognised (its sheets: {sheets}); svctools looks for {looked_en}, "
        "or a sheet whose header row holds all the required columns of one. Is this the "
        "service book?",
    ),
    "book.hidden_sheet": ("「{name}」（隐藏）", "'{name}' (hidden)"),
    "book.shown_sheet": ("「{name}」", "'{name}'"),
    "book.sheet_by_headers": (
        "{name} 按表头识别为 {kind}",
        "{name} recognised by its headers as {kind_en}",
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
}


def say(message_id: str, lang: str, /, **params: Any) -> str:
    """The message ``message_id`` in ``lang`` (zh unless ``en``), params filled in."""
    zh, en = CATALOGUE[message_id]
    template = en if lang == EN else zh
    values = {k: (v(lang) if callable(v) else v) for k, v in params.items()}
    return template.format(**values)


def pick(lang: str, zh: str, en: str) -> str:
    """One of two literal words (a value, not a sentence): zh unless ``lang`` is en."""
    return en if lang == EN else zh


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
