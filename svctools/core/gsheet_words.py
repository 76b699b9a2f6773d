"""The Google Sheets section of the wording catalogue (``core.messages``): id -> (zh, en).

Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

GSHEET_WORDS: dict[str, tuple[str, str]] = {
    "gsheet.not_a_sheet": (
        "{spec}：不是在线表格（请写 gsheet:KEY 或表格的网址）",
        "{spec}: not a Google Sheet (give gsheet:KEY or the sheet's URL)",
    ),
    "gsheet.no_key": (
        "{spec}：找不到表格的 key；请复制打开的表格的网址"
        "（https://docs.google.com/spreadsheets/d/KEY/edit），或写 gsheet:KEY",
        "{spec}: no spreadsheet key found; copy the URL of the open sheet "
        "(https://docs.google.com/spreadsheets/d/KEY/edit) or give gsheet:KEY",
    ),
    "gsheet.api_root": (
        "google.api_root：{root!r} 不是 http(s) 网址",
        "google.api_root: {root!r} is not an http(s) URL",
    ),
    "gsheet.needs_key": (
        '{name}：需要服务账号密钥：在 svctools.toml 的 [google] 下写 credentials = "key.json"，'
        "或设置 ${env}（见 docs/google-sheets.md）",
        '{name}: a service-account key is needed: set credentials = "key.json" under '
        "[google] in svctools.toml, or ${env} (see docs/google-sheets.md)",
    ),
    "gsheet.key_missing": (
        "{path}：找不到服务账号密钥文件（[google] credentials）",
        "{path}: service-account key file not found ([google] credentials)",
    ),
    "gsheet.key_bad": (
        "{path}：不是服务账号密钥文件（{detail}）；请在 Google Cloud Console > IAM > "
        "Service accounts > Keys 下载 JSON 密钥",
        "{path}: not a service-account key file ({detail}); download a JSON key from "
        "Google Cloud Console > IAM > Service accounts > Keys",
    ),
    "gsheet.sign_in_unreachable": (
        "{name}：连不上登录服务器（{detail}）",
        "{name}: cannot reach the sign-in server ({detail})",
    ),
    "gsheet.key_refused": (
        "{name}：服务账号密钥被拒绝（{detail}）；请检查 [google] credentials",
        "{name}: the service-account key was refused ({detail}); check [google] credentials",
    ),
    "gsheet.no_such_sheet": (
        "{name}：这个表格里没有名为「{sheet}」的工作表",
        "{name}: no sheet named '{sheet}' in this spreadsheet",
    ),
    "gsheet.api_disabled": (
        "{name}：服务账号所在项目没有启用 Google Sheets API；请在 Google Cloud Console > "
        "APIs & Services 中启用后再试",
        "{name}: the Google Sheets API is not enabled for the service account's "
        "project; enable it in Google Cloud Console > APIs & Services, then try again",
    ),
    "gsheet.no_access": (
        "{name}：没有权限（403）；请把表格共享给服务账号 {email} 后再试",
        "{name}: no access (403); share the spreadsheet with the service account {email} "
        "and try again",
    ),
    "gsheet.no_access_anon": (
        "{name}：没有权限（403）；请把表格共享给服务账号的邮箱后再试",
        "{name}: no access (403); share the spreadsheet with the service account's email "
        "and try again",
    ),
    "gsheet.not_found": (
        "{name}：没有这个 key 的表格（404）；请检查 key 或网址",
        "{name}: no spreadsheet with this key (404); check the key or URL",
    ),
    "gsheet.not_signed_in": (
        "{name}：未登录（401：{detail}）；请检查 [google] credentials",
        "{name}: not signed in (401: {detail}); check [google] credentials",
    ),
    "gsheet.refused": (
        "{name}：Sheets API 拒绝了请求（{status}：{detail}）",
        "{name}: the Sheets API refused the request ({status}: {detail})",
    ),
    "gsheet.quota": (
        "{name}：超出 Google Sheets 配额（429），{waited}；请等一分钟再运行"
        "（每条命令读 2 次；其他程序可能共用配额）",
        "{name}: Google Sheets quota exceeded (429) {waited}; wait a minute and run again "
        "(each command uses 2 read requests; other programs may share the quota)",
    ),
    "gsheet.keeps_failing": (
        "{name}：Sheets API 一直出错（{status}），{waited}；请稍后再试",
        "{name}: the Sheets API keeps failing ({status}) {waited}; try again later",
    ),
    "gsheet.waited": ("已重试 {seconds:.0f} 秒", "after retrying for {seconds:.0f} s"),
    "gsheet.asked": ("对方要求等 {seconds:.0f} 秒", "and asked to wait {seconds:.0f} s"),
    "gsheet.unreachable": (
        "{name}：连不上 {root} 的 Sheets API（{why}）",
        "{name}: cannot reach the Sheets API at {root} ({why})",
    ),
    "gsheet.has_data": (
        "{name}：这个表格里已经有数据（工作表「{title}」）；init 只布置空表格：请新建一个再试",
        "{name}: the spreadsheet already has data (sheet '{title}'); "
        "init only lays out an empty spreadsheet: create a new one and try again",
    ),
    # --- the problems tab and yes/no written to a Google Sheet (outputs/gsheet_write)
    "gsheet.problems_tab": ("问题清单 (svctools)", "Problems (svctools)"),
    "gsheet.bool.yes": ("是", "yes"),
    "gsheet.bool.no": ("否", "no"),
}
