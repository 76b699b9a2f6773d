"""The demo's deadlines at risk and its work-group robot, so ``remind sla-risk`` has something
to say at the demo's 09:00 and the outbox shows a chat message beside the mail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# The demo writes chat messages with --dry-run only: the key is never needed, only named.
DEMO_NOTIFY = """
[notify]                     # the demo's WeCom group robot; its key comes from the environment
urls = { wecom-kefu = "wecombot://${SVCTOOLS_WECOM_KEY}" }

[notify.routes]              # renewals by mail only; callback lists and SLA warnings also to chat
renewal = ["email"]
callback = ["email", "wecom-kefu"]
sla-risk = ["email", "wecom-kefu"]
"""

# (minutes before the as-of moment, fault level, store, agent): not answered yet
_WAITING = [(50, 2, "S01", "A01"), (20, 1, "S02", "A02"), (35, 2, "S02", "A02")]


def add_calls_at_risk(sheets: dict[str, Any], as_of: datetime) -> None:
    """This morning's calls still waiting for a first response (due within the hour or two);
    C0981… (the other demo cases use C09xx below it)."""
    calls = sheets["call_log"].rows
    model = dict(calls[0])
    for number, (minutes, level, store, agent) in enumerate(_WAITING, 981):
        calls.append(
            {
                **model,
                "call_id": f"C{number:04d}",
                "call_time": as_of - timedelta(minutes=minutes),
                "fault_level": level,
                "urgent": None,
                "taken_by": agent,
                "first_response_at": None,
                "_level": level,
                "_store": store,
            }
        )
