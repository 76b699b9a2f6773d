"""The mail and chat section of the wording catalogue (``core.messages``): id -> (zh, en).

What the clerk reads when a reminder cannot go out: the SMTP server refusing the connection,
the login, a recipient or the message; TLS and timeouts; the outbox, the state file and the
templates. A server's own reply (``535 5.7.8 …``) is quoted as it came: it is the server's words.
Kept in its own file only for length; ``core.messages.CATALOGUE`` includes it whole.
"""

MAIL_WORDS: dict[str, tuple[str, str]] = {
    # --- connecting and logging in (mail/transport SmtpTransport.open)
    "mail.cannot_connect": (
        "无法连接 SMTP 邮件服务器 {where}：{why}",
        "cannot connect to the SMTP server {where}: {why}",
    ),
    "mail.refused": (
        "连接被拒绝（该端口上没有邮件服务；请核对 [smtp] host 和 port）",
        "connection refused (no mail server on that port; check [smtp] host and port)",
    ),
    "mail.no_host": (
        "找不到这台服务器（请核对 [smtp] host）",
        "no such host (check [smtp] host)",
    ),
    "mail.timeout": (
        "{seconds} 秒内没有应答（连接超时；请核对 [smtp] host、port 和网络）",
        "no answer within {seconds} s (timed out; check [smtp] host, port and the network)",
    ),
    "mail.login_refused": (
        "登录被拒绝（请核对 [smtp] user 和密码）；服务器答复：{reply}",
        "login refused (check [smtp] user and the password); the server said: {reply}",
    ),
    "mail.server_said": ("服务器答复：{reply}", "the server said: {reply}"),
    "mail.no_starttls": (
        "服务器不支持 STARTTLS 加密；请改用支持加密的端口（通常 587），"
        "或确认可以不加密后设 [smtp] starttls = false",
        "the server does not offer STARTTLS; use a port that does (usually 587), "
        "or set [smtp] starttls = false if sending unencrypted is acceptable",
    ),
    "mail.tls": (
        "TLS 加密握手失败（{detail}）；请核对 [smtp] port 与 starttls",
        "the TLS handshake failed ({detail}); check [smtp] port and starttls",
    ),
    "mail.disconnected": ("服务器断开了连接", "the server closed the connection"),
    "mail.network": ("网络错误（{detail}）", "network error ({detail})"),
    "mail.no_password": (
        "没有 {user} 的 SMTP 密码：请设置 ${env}，或用 `keyring set {service} {user}` 保存"
        "（不要写进 svctools.toml）",
        "no SMTP password for {user}: set ${env}, or store it with "
        "'keyring set {service} {user}' (never in svctools.toml)",
    ),
    # --- handing one message over (mail/transport SmtpTransport.send)
    "mail.sender_refused": ("发件人被拒绝：{reply}", "sender refused: {reply}"),
    "mail.recipients_refused": ("收件人被拒绝：{detail}", "recipient refused: {detail}"),
    "mail.some_refused": (
        "部分收件人被拒绝（其余已收到）：{detail}",
        "refused: {detail} (the others got it)",
    ),
    "mail.data_refused": ("服务器拒收这封邮件：{reply}", "the server refused the message: {reply}"),
    "mail.not_supported": (
        "服务器不接受这封邮件（例如地址含中文而服务器不支持 SMTPUTF8）：{detail}",
        "the server cannot take this message (e.g. a non-ASCII address without SMTPUTF8): {detail}",
    ),
    "mail.connection_lost": ("发送中连接中断：{why}", "connection lost: {why}"),
    "mail.unaddressed": (
        "台帐里没有邮箱（员工或门店邮箱）",
        "no email address in the book (staff or store email)",
    ),
    # --- the outbox (mail/transport OutboxTransport, mail/chat ChatOutbox)
    "mail.outbox_create": (
        "{folder}：无法创建发件箱文件夹（{reason}）",
        "{folder}: cannot create the outbox ({reason})",
    ),
    "mail.cannot_write": ("{path}：无法写入（{reason}）", "{path}: cannot write ({reason})"),
    # --- addresses (mail/messages)
    "mail.from_empty": (
        '[smtp] from 为空：请写发件人，例如 from = "售后部 <service@firm.cn>"',
        '[smtp] from is empty: set e.g. from = "售后部 <service@firm.cn>"',
    ),
    "mail.from_bad": (
        "[smtp] from = {text!r} 不是邮箱地址",
        "[smtp] from = {text!r} is not an email address",
    ),
    "mail.bad_address": ("{address!r} 不是邮箱地址", "{address!r} is not an email address"),
    # --- chat robots (mail/chat ChatTransport.send)
    "chat.no_answer": (
        "没有及时应答（可能已送达）",
        "no answer in time (it may have arrived)",
    ),
    "chat.refused": ("被拒绝：HTTP {code}", "refused: HTTP {code}"),
    "chat.http": ("HTTP {code} 错误", "HTTP {code}"),
    "chat.failed": ("连接失败", "connection failed"),
    "chat.crashed": ("发送出错（{kind}）", "sending failed ({kind})"),
    # --- the state file (mail/state)
    "state.unusable": (
        "{path}：无法使用这个提醒状态文件（{detail}）",
        "{path}: cannot use this reminders state file ({detail})",
    ),
    "state.no_folder": (
        "{path}：文件夹 {folder} 不存在",
        "{path}: folder {folder} does not exist",
    ),
    "state.busy": (
        "另一个 svctools remind 正在使用 {path}（锁文件 {lock}）；本次什么也没做"
        "（那一次会发送到期的提醒），等它结束后再试",
        "another 'svctools remind' run is using {path} (lock {lock}); this one did nothing "
        "(the other run sends what is due); try again when it ends",
    ),
    "state.bad_action": (
        "--resolve {key} {action}：操作只能是 sent 或 resend",
        "--resolve {key} {action}: the action is 'sent' or 'resend'",
    ),
    "state.no_key": (
        "{path}：没有记录提醒 {key!r}；svctools remind --status 可列出全部",
        "{path}: no reminder {key!r} recorded; 'svctools remind --status' lists them",
    ),
    "state.marked_sent": ("文员标为已发送（原为 {was}）", "marked sent by the clerk (was {was})"),
    "state.to_resend": ("待重新发送（原为 {was}）", "to be sent again (was {was})"),
    # --- templates (mail/templates)
    "template.not_found": (
        "在 {where} 中找不到模板 {name}",
        "template {name} not found in {where}",
    ),
    "template.error": ("{where}{detail}", "{where}{detail}"),
    "template.at": ("{file} 第 {line} 行：", "{file} line {line}: "),
    "template.no_block": (
        "{file}：缺少 {{% block {block} %}}…{{% endblock %}}",
        "{file}: has no {{% block {block} %}}…{{% endblock %}}",
    ),
    "template.empty_subject": (
        "{file}：subject（主题）块渲染结果为空",
        "{file}: the subject block renders empty",
    ),
    "template.empty": ("{file}：渲染结果为空", "{file}: renders empty"),
    "template.power": (
        "{left} ** {right} 对模板来说太大",
        "{left} ** {right} is too large for a template",
    ),
    "template.output": (
        "{name}：模板输出超过 {limit:,} 个字符",
        "{name}: the template writes more than {limit:,} characters",
    ),
    "template.sequence": (
        "{size} × {count} 的序列太长",
        "a sequence of {size} × {count} is too long",
    ),
    "template.product": ("乘积对模板来说太大", "the product is too large for a template"),
    "template.memory": ("{where}模板占用内存过多", "{where}the template needs too much memory"),
    "template.slow": (
        "{where}模板渲染超过 {seconds} 秒",
        "{where}the template took longer than {seconds} s",
    ),
    # --- the remind run and --status table (outputs/remind_text), the log tab (cli/remind)
    "remind.label.sent": ("已发送", "sent"),
    "remind.label.already_sent": ("此前已发", "already sent"),
    "remind.label.failed": ("失败", "failed"),
    "remind.label.unknown": ("未知", "unknown"),
    "remind.label.retry": ("待重试", "retry"),
    "remind.label.resend": ("待重发", "resend"),
    "remind.label.unaddressed": ("无邮箱", "no email"),
    "remind.label.written": ("已写入发件箱", "written to the outbox"),
    "remind.label.already_written": ("此前已写入发件箱", "already in the outbox"),
    "remind.label.chat_only": ("只发群聊", "chat only"),
    "remind.label.chat": ("群聊 {name}", "chat {name}"),
    "remind.label.blocked": (
        "因台帐错误未发送（修正后下次运行会发）：",
        "Not sent because of errors in the book (sent on the next run once fixed):",
    ),
    "remind.label.headers.status": ("状态", "Status"),
    "remind.label.headers.key": ("键", "Key"),
    "remind.label.headers.to": ("收件人", "To"),
    "remind.label.headers.detail": ("说明", "Detail"),
    "remind.label.state_headers.status": ("状态", "Status"),
    "remind.label.state_headers.key": ("键", "Key"),
    "remind.label.state_headers.to": ("收件人", "To"),
    "remind.label.state_headers.when": ("时间", "When"),
    "remind.label.state_headers.detail": ("说明", "Detail"),
    "remind.label.nothing": ("没有到期的提醒", "nothing due"),
    "remind.label.due": ("到期 {n} 条", "{n} due"),
    "remind.label.attention": (
        "需要处理（svctools remind --resolve KEY sent|resend）：",
        "Needs the clerk (svctools remind --resolve KEY sent|resend):",
    ),
    "remind.label.outbox": ("邮件文件", "Message files"),
    "remind.label.modes.smtp": ("SMTP", "SMTP"),
    "remind.label.modes.outbox": ("写入发件箱", "to the outbox"),
    "remind.label.modes.dry-run": ("试运行，只写文件", "dry run, files only"),
    "remind.label.head": ("提醒 {day}（{mode}）：", "Reminders {day} ({mode}): "),
    "remind.label.sep": ("；", "; "),
    "remind.label.comma": ("，", ", "),
    "remind.label.empty_state": ("状态文件 {path} 中还没有记录", "nothing recorded yet in {path}"),
    "remind.log_title": ("提醒记录", "Reminder Log"),
    "remind.log.key": ("提醒键", "Key"),
    "remind.log.kind": ("类型", "Kind"),
    "remind.log.to": ("收件人", "To"),
    "remind.log.sent_at": ("发送时间", "Sent At"),
}
