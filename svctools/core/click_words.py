"""click's own words (usage errors) in the wording catalogue (``core.messages``): id -> (zh, en).

The en side is click's message id exactly as click 8.x passes it to ``gettext`` (placeholders
included): ``cli.click_words`` looks a click string up by it and answers with the zh side, so a
usage error reads in the clerk's language. A string click changes in a later version is simply
shown in English (``tests/test_language_click.py`` checks that each en side still exists in
click). Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

CLICK_WORDS: dict[str, tuple[str, str]] = {
    # the frame of every usage error
    "click.error": ("错误：{message}", "Error: {message}"),
    "click.try_help": (
        "请运行 '{command} {option}' 查看帮助。",
        "Try '{command} {option}' for help.",
    ),
    "click.usage": ("用法:", "Usage:"),  # click adds the space
    "click.aborted": ("已中止！", "Aborted!"),
    # what is missing or unknown
    "click.missing_command": ("缺少命令。", "Missing command."),
    "click.no_such_command": ("没有 {name!r} 这个命令。", "No such command {name!r}."),
    "click.no_such_option": ("没有 {name!r} 这个选项。", "No such option {name!r}."),
    "click.did_you_mean": ("你是想写 {possibility} 吗？", "Did you mean {possibility}?"),
    "click.did_you_mean_any": (
        "（你是想写其中之一吗：{possibilities}？）",
        "(Did you mean one of: {possibilities}?)",
    ),
    "click.missing_argument": ("缺少参数", "Missing argument"),
    "click.missing_option": ("缺少选项", "Missing option"),
    "click.missing_parameter": ("缺少参数", "Missing parameter"),
    "click.missing_type": ("缺少{param_type}", "Missing {param_type}"),
    "click.missing_named": ("缺少参数：{param_name}", "Missing parameter: {param_name}"),
    "click.extra_argument": ("多了一个参数（{args}）", "Got unexpected extra argument ({args})"),
    "click.extra_arguments": ("多了几个参数（{args}）", "Got unexpected extra arguments ({args})"),
    "click.needs_value": (
        "选项 {name!r} 后面要写一个值。",
        "Option {name!r} requires an argument.",
    ),
    "click.needs_values": (
        "选项 {name!r} 后面要写 {nargs} 个值。",
        "Option {name!r} requires {nargs} arguments.",
    ),
    "click.takes_no_value": ("选项 {name!r} 不带值。", "Option {name!r} does not take a value."),
    "click.argument_nargs": (
        "参数 {name!r} 要 {nargs} 个值。",
        "Argument {name!r} takes {nargs} values.",
    ),
    # a bad value
    "click.invalid_value": ("值不对：{message}", "Invalid value: {message}"),
    "click.invalid_value_for": (
        "{param_hint} 的值不对：{message}",
        "Invalid value for {param_hint}: {message}",
    ),
    "click.choose_from": ("可选：\n\t{choices}", "Choose from:\n\t{choices}"),
    "click.not_choice": ("{value!r} 不是 {choice}。", "{value!r} is not {choice}."),
    "click.not_choices": ("{value!r} 不在 {choices} 之中。", "{value!r} is not one of {choices}."),
    "click.not_number": (
        "{value!r} 不是有效的{number_type}。",
        "{value!r} is not a valid {number_type}.",
    ),
    "click.not_in_range": ("{value} 不在 {range} 范围内。", "{value} is not in the range {range}."),
    "click.not_boolean": (
        "{value!r} 不是有效的是/否值。可用的值：{states}",
        "{value!r} is not a valid boolean. Recognized values: {states}",
    ),
    "click.no_date_format": (
        "{value!r} 不符合格式 {format}。",
        "{value!r} does not match the format {format}.",
    ),
    "click.no_date_formats": (
        "{value!r} 不符合以下任一格式：{formats}。",
        "{value!r} does not match the formats {formats}.",
    ),
    # files and folders named on the command line: click names the kind ({name}: File, Directory)
    # in English when the option is declared, before any run; the zh line says it without it
    "click.file": ("文件", "file"),
    "click.directory": ("文件夹", "directory"),
    "click.path": ("路径", "path"),
    "click.does_not_exist": ("{filename!r} 不存在。", "{name} {filename!r} does not exist."),
    "click.is_a_file": (
        "{filename!r} 是文件，这里要的是文件夹。",
        "{name} {filename!r} is a file.",
    ),
    "click.is_a_directory": (
        "{filename!r} 是文件夹，这里要的是文件。",
        "{name} {filename!r} is a directory.",
    ),
    "click.not_readable": ("{filename!r} 无法读取。", "{name} {filename!r} is not readable."),
    "click.not_writable": ("{filename!r} 无法写入。", "{name} {filename!r} is not writable."),
    "click.cannot_open": (
        "无法打开文件 {filename!r}：{message}",
        "Could not open file {filename!r}: {message}",
    ),
    "click.unknown_error": ("未知错误", "unknown error"),
}
