"""The ``remind`` run and state file as text tables for the clerk (``--status``, cron's mail).

Rendered from the same plain data as the JSON output (``RunReport.to_dict()``,
``StateRow.to_dict()``), so nothing here imports the mail layer.
"""

from __future__ import annotations

from typing import Any

from svctools.core.messages import by_lang
from svctools.outputs.render import table

_LABELS = by_lang(
    {
        "sent": "remind.label.sent",
        "already_sent": "remind.label.already_sent",
        "failed": "remind.label.failed",
        "unknown": "remind.label.unknown",
        "retry": "remind.label.retry",
        "resend": "remind.label.resend",
        "unaddressed": "remind.label.unaddressed",
        "written": "remind.label.written",
        "already_written": "remind.label.already_written",
        "chat_only": "remind.label.chat_only",
        "chat": "remind.label.chat",
        "blocked": "remind.label.blocked",
        "headers": (
            "remind.label.headers.status",
            "remind.label.headers.key",
            "remind.label.headers.to",
            "remind.label.headers.detail",
        ),
        "state_headers": (
            "remind.label.state_headers.status",
            "remind.label.state_headers.key",
            "remind.label.state_headers.to",
            "remind.label.state_headers.when",
            "remind.label.state_headers.detail",
        ),
        "nothing": "remind.label.nothing",
        "due": "remind.label.due",
        "attention": "remind.label.attention",
        "outbox": "remind.label.outbox",
        "modes": {
            "smtp": "remind.label.modes.smtp",
            "outbox": "remind.label.modes.outbox",
            "dry-run": "remind.label.modes.dry-run",
        },
        "head": "remind.label.head",
        "sep": "remind.label.sep",
        "comma": "remind.label.comma",
        "empty_state": "remind.label.empty_state",
    }
)


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
