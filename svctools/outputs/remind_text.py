"""The ``remind`` run and state file as text tables for the clerk (``--status``, cron's mail).

Rendered from the same plain data as the JSON output (``RunReport.to_dict()``,
``StateRow.to_dict()``), so nothing here imports the mail layer.
"""

from __future__ import annotations

from typing import Any

from svctools.outputs.render import table

_LABELS: dict[str, dict[str, Any]] = {
    "zh": {
        "sent": "已发送",
        "already_sent": "此前已发",
        "failed": "失败",
        "unknown": "未知",
        "retry": "待重试",
        "resend": "待重发",
        "unaddressed": "无邮箱",
        "written": "已写入发件箱",
        "already_written": "此前已写入发件箱",
        "chat_only": "只发群聊",
        "chat": "群聊 {name}",
        "blocked": "因台账错误未发送（修正后下次运行会发）：",
        "headers": ("状态", "键", "收件人", "说明"),
        "state_headers": ("状态", "键", "收件人", "时间", "说明"),
        "nothing": "没有到期的提醒",
        "due": "到期 {n} 条",
        "attention": "需要处理（svctools remind --resolve KEY sent|resend）：",
        "outbox": "邮件文件",
        "modes": {"smtp": "SMTP", "outbox": "写入发件箱", "dry-run": "试运行，只写文件"},
        "head": "提醒 {day}（{mode}）：",
        "sep": "；",
        "comma": "，",
        "empty_state": "状态文件 {path} 中还没有记录",
    },
    "en": {
        "sent": "sent",
        "already_sent": "already sent",
        "failed": "failed",
        "unknown": "unknown",
        "retry": "retry",
        "resend": "resend",
        "unaddressed": "no email",
        "written": "written to the outbox",
        "already_written": "already in the outbox",
        "chat_only": "chat only",
        "chat": "chat {name}",
        "blocked": "Not sent because of errors in the book (sent on the next run once fixed):",
        "headers": ("Status", "Key", "To", "Detail"),
        "state_headers": ("Status", "Key", "To", "When", "Detail"),
        "nothing": "nothing due",
        "due": "{n} due",
        "attention": "Needs the clerk (svctools remind --resolve KEY sent|resend):",
        "outbox": "Message files",
        "modes": {"smtp": "SMTP", "outbox": "to the outbox", "dry-run": "dry run, files only"},
        "head": "Reminders {day} ({mode}): ",
        "sep": "; ",
        "comma": ", ",
        "empty_state": "nothing recorded yet in {path}",
    },
}


def report_text(report: dict[str, Any], lang: str) -> str:
    """The run for people: one summary line, one line per due reminder, then what needs care.

    ``report`` is ``RunReport.to_dict()``: the counts, and each due item with its status.
    """
    words = _LABELS["en" if lang == "en" else "zh"]
    head = str(words["head"]).format(day=report["as_of"], mode=words["modes"][report["mode"]])
    due = report["due"]
    if not due:
        lines = [head + str(words["nothing"])]
    else:
        order = (
            "sent",
            "written",
            "already_sent",
            "already_written",
            "failed",
            "unknown",
            "retry",
            "unaddressed",
        )
        counts = [f"{words[s]} {report[s]}" for s in order if report.get(s)]
        lines = [head + str(words["due"]).format(n=len(due)) + words["sep"]]
        lines[0] += words["comma"].join(counts)
        rows = [
            (
                words.get(d["status"], ""),
                d["key"],
                ", ".join(d["to"] + d["cc"]),
                d.get("detail") or "",
            )
            for d in due
        ]
        rows += [
            (
                words.get(c["status"], ""),
                c["key"],
                str(words["chat"]).format(name=c["channel"]),
                c.get("detail") or "",
            )
            for c in report.get("chat", [])
        ]
        lines += ["", table(rows, words["headers"])]
    if report["files"]:
        lines += ["", f"{words['outbox']}: {report['outbox']} ({len(report['files'])})"]
    if report["attention"]:
        lines += ["", str(words["attention"]), _state_table(report["attention"], words)]
    if report.get("blocked"):
        lines += ["", str(words["blocked"])] + [f"- {b['message']}" for b in report["blocked"]]
    return "\n".join(lines)


def status_text(rows: list[dict[str, Any]], path: object, lang: str) -> str:
    """``remind --status``: what needs the clerk first, then everything sent, newest first.

    ``rows`` are ``StateRow.to_dict()``: ``status`` is what the clerk sees (``unknown``).
    """
    words = _LABELS["en" if lang == "en" else "zh"]
    if not rows:
        return str(words["empty_state"]).format(path=path)
    first = sorted(rows, key=lambda r: r["status"] in ("sent",))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    summary = ", ".join(f"{words.get(k, k)} {n}" for k, n in counts.items())
    return f"{path}: {summary}\n\n{_state_table(first, words)}"


def _state_table(rows: list[dict[str, Any]], words: dict[str, Any]) -> str:
    lines = [
        (
            words.get(r["status"], r["status"]),
            r["key"],
            r["recipients"],
            r["updated_at"],
            r["detail"],
        )
        for r in rows
    ]
    return table(lines, words["state_headers"])
