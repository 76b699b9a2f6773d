"""Chat robots (SPEC §7.5) end to end: a real HTTP server on 127.0.0.1 receives apprise's
``json://`` posts, and we count them. Exactly once per channel: two runs, two processes at
once, a 500 then success, a timeout (unknown, not resent). The WeCom / DingTalk / Feishu
payloads are checked at the HTTP layer of apprise's own client (a requests adapter mounted for
the vendors' hosts: they cannot be reached from tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import free_port
from test_remind_cli import AS_OF, KEYS, ROWS, fill, invoke, remind, status

SECRET = "wk-9f8e7d6c5b4a39281706"


class Hook:
    """A webhook on 127.0.0.1: records each post; ``answers`` queues (status, delay) faults."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[tuple[int, float]] = []
        self.lock = threading.Lock()

    def paths(self, path: str) -> list[str]:
        return [body["message"] for p, body in self.posts if p == path]


@pytest.fixture
def hook() -> Iterator[tuple[Hook, int]]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                code, delay = state.answers.pop(0) if state.answers else (200, 0.0)
                if code == 200:
                    state.posts.append((self.path, body))
            time.sleep(delay)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, port
    server.shutdown()
    server.server_close()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "售后台账.xlsx"
    assert invoke("init", path).exit_code == 0
    fill(path, ROWS)
    return path


def config(tmp_path: Path, notify: str) -> Path:
    """No SMTP (mail to the outbox), the chat channels given."""
    path = tmp_path / "svctools.toml"
    path.write_text(f'[smtp]\nfrom = "售后部 <service@firm.example>"\n\n{notify}', "utf-8")
    return path


def two_hooks(port: int, timeout: float = 5) -> str:
    return (
        f"[notify]\ntimeout = {timeout}\n"
        f'urls = {{ kefu = "json://127.0.0.1:{port}/kefu",'
        f' boss = "json://127.0.0.1:{port}/boss" }}\n'
    )


def chat_keys(data: dict[str, Any], channel: str, state: str) -> list[str]:
    return [c["reminder"] for c in data["chat"] if c["channel"] == channel and c["status"] == state]


def test_two_runs_post_each_reminder_once_per_channel(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    conf = config(tmp_path, two_hooks(port))
    code, data, err = remind(conf, book)
    assert (code, err) == (0, "")
    assert len(server.paths("/kefu")) == 5 and len(server.paths("/boss")) == 5
    assert chat_keys(data, "kefu", "sent") == KEYS
    assert "HT001" in server.paths("/kefu")[2] and "张丽" in server.paths("/kefu")[3]
    code, data, _ = remind(conf, book)
    assert code == 0 and len(server.posts) == 10  # nothing posted twice
    assert chat_keys(data, "kefu", "already_sent") == KEYS
    recorded = status(conf)
    assert recorded["callback:A01:2026-11-20@kefu"] == "sent"
    assert recorded["callback:A01:2026-11-20"] == "written"  # the mail went to the outbox only


def test_routes_send_each_kind_where_it_belongs(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    routes = '\n[notify.routes]\ncallback = ["kefu"]\nrenewal = ["email", "boss"]\n'
    conf = config(tmp_path, two_hooks(port) + routes)
    code, data, _ = remind(conf, book)
    assert code == 0
    assert (
        len(server.paths("/kefu")) == 2 and len(server.paths("/boss")) == 3
    )  # 2 digests, 3 renewals
    assert (data["written"], data["sent"]) == (3, 5)  # 3 .eml files; 2 + 3 posts
    assert sorted(p.name for p in (tmp_path / "outbox").glob("*.eml")) == [
        "renewal_HT001_7.eml",
        "renewal_HT002_1.eml",
        "renewal_HT003_expired.eml",
    ]
    assert [d["status"] for d in data["due"]][3:] == ["chat_only", "chat_only"]


def test_a_500_is_retried_next_run_without_resending_what_succeeded(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    conf = config(tmp_path, two_hooks(port))
    server.answers = [(500, 0.0)]  # the first post (kefu, renewal:HT003:expired) fails
    code, data, err = remind(conf, book)
    assert code == 3 and "kefu: HTTP 500" in err
    assert chat_keys(data, "kefu", "retry") == KEYS  # the channel stops at its first failure
    assert chat_keys(data, "boss", "sent") == KEYS  # the other channel went on
    code, data, _ = remind(conf, book)
    assert code == 0
    assert (
        chat_keys(data, "kefu", "sent") == KEYS and chat_keys(data, "boss", "already_sent") == KEYS
    )
    assert len(server.paths("/kefu")) == 5 and len(server.paths("/boss")) == 5


def test_a_timeout_is_unknown_and_never_resent_by_itself(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    conf = config(tmp_path, two_hooks(port, timeout=0.5))
    server.answers = [(200, 1.5)]  # taken, then no answer in time: it did arrive
    code, data, _ = remind(conf, book)
    assert code == 3 and chat_keys(data, "kefu", "unknown") == ["renewal:HT003:expired"]
    assert status(conf)["renewal:HT003:expired@kefu"] == "unknown"
    code, data, _ = remind(conf, book)
    assert chat_keys(data, "kefu", "unknown") == ["renewal:HT003:expired"]
    assert len(server.paths("/kefu")) == 5  # the unknown one once, the other four once
    resolved = invoke(
        "remind", "--resolve", "renewal:HT003:expired@kefu", "resend", "--config", conf
    )
    assert resolved.exit_code == 0
    code, data, _ = remind(conf, book)
    assert code == 0 and len(server.paths("/kefu")) == 6  # resent because the clerk said so


def test_two_processes_at_once_post_each_once(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    conf = config(tmp_path, two_hooks(port))
    server.answers = [(200, 0.2)] * 10  # slow enough for the runs to overlap
    command = [sys.executable, "-c", "from svctools.cli import main; main()", "remind", "all"]
    command += [str(book), "--config", str(conf), "--as-of", AS_OF, "--format", "json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, env=env) for _ in range(2)]
    for run in runs:
        run.communicate(timeout=120)
    codes = sorted(run.returncode for run in runs)
    assert codes in ([0, 0], [0, 3])
    assert sorted(server.paths("/kefu")) == sorted(set(server.paths("/kefu")))
    assert len(server.paths("/kefu")) == 5 and len(server.paths("/boss")) == 5


def test_dry_run_writes_each_chat_message_beside_the_eml_files(
    tmp_path: Path, book: Path, hook: tuple[Hook, int]
) -> None:
    server, port = hook
    conf = config(tmp_path, two_hooks(port))
    code, data, _ = remind(conf, book, "--dry-run")
    assert code == 0 and server.posts == []
    outbox = tmp_path / "outbox"
    md = sorted(p.name for p in outbox.glob("*.md"))
    assert len(md) == 10 and "callback_A01_2026-11-20@kefu.md" in md
    text = (outbox / "callback_A01_2026-11-20@kefu.md").read_text("utf-8")
    assert text.startswith("**📞 回访提醒 张丽：2 位客户待回访**")
    assert "13812345678" not in text  # a group chat gets no customer phones
    assert len(list(outbox.glob("*.eml"))) == 5


# --- secrets ------------------------------------------------------------------------------------


class Vendor(requests.adapters.BaseAdapter):
    """What apprise's requests client would put on the wire to a vendor host."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.times: list[float] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        self.times.append(time.monotonic())
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"errcode": 0, "errmsg": "ok", "code": 0, "StatusCode": 0}'
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


VENDOR_HOSTS = (
    "https://qyapi.weixin.qq.com",
    "https://oapi.dingtalk.com",
    "https://open.feishu.cn",
)


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Vendor:
    adapter = Vendor()
    original = requests.Session.__init__

    def mounted(self: requests.Session, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for host in VENDOR_HOSTS:
            self.mount(host, adapter)

    monkeypatch.setattr(requests.Session, "__init__", mounted)
    return adapter


def test_vendor_payloads_and_secrets(
    tmp_path: Path, book: Path, vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WECOM_KEY", SECRET)
    monkeypatch.setenv("DING_TOKEN", "9f8e7d6c5b4a39281706dd")
    monkeypatch.setenv("FEISHU_TOKEN", "9f8e7d6c5b4a39281706ff")
    notify = (
        '[notify]\ninterval = 0\nurls = { wecom = "wecombot://${WECOM_KEY}", ding = "dingtalk://${DING_TOKEN}/",'
        ' feishu = "feishu://${FEISHU_TOKEN}" }\n'
        '[notify.routes]\ncallback = ["wecom", "ding", "feishu"]\n'
        'renewal = ["email"]\n'
    )
    conf = config(tmp_path, notify)
    assert remind(conf, book, "--dry-run", kind="callbacks")[0] == 0 and vendor.sent == []
    assert len(list((tmp_path / "outbox").glob("*.md"))) == 6  # 2 digests x 3 robots
    code, data, err = remind(conf, book, kind="callbacks")
    assert code == 0, (data, err)
    by_host: dict[str, list[dict[str, Any]]] = {}
    for request in vendor.sent:
        by_host.setdefault(str(request.url).split("/")[2], []).append(
            json.loads(request.body or b"")
        )
    wecom = by_host["qyapi.weixin.qq.com"]
    assert [r.url for r in vendor.sent if "qyapi" in str(r.url)][0].endswith(f"key={SECRET}")
    assert len(wecom) == 2 and wecom[0]["msgtype"] == "text"
    assert "回访提醒 张丽" in wecom[0]["text"]["content"]
    ding = by_host["oapi.dingtalk.com"]
    assert ding[0]["msgtype"] == "markdown" and "回访提醒" in ding[0]["markdown"]["text"]
    feishu = by_host["open.feishu.cn"]
    assert len(feishu) == 2 and "回访提醒 张丽" in json.dumps(feishu[0], ensure_ascii=False)
    # the key is in no output, state or outbox file
    shown = invoke("remind", "--status", "--config", conf).stdout + json.dumps(data) + err
    config_out = invoke("config", "--config", conf).stdout
    assert SECRET not in shown and SECRET not in config_out and "${WECOM_KEY}" in config_out
    state = (tmp_path / "svctools-state.sqlite").read_bytes()
    assert SECRET.encode() not in state
    for path in (tmp_path / "outbox").iterdir():
        assert SECRET.encode() not in path.read_bytes()


def test_a_long_digest_goes_in_numbered_parts_within_the_robots_limit(
    tmp_path: Path, book: Path, vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WECOM_KEY", SECRET)
    calls = [dict(ROWS["call_log"][0], call_id=f"C{n:03d}") for n in range(100, 160)]
    orders = [
        dict(ROWS["repair_ledger"][0], order_id=f"W{n:03d}", call_id=f"C{n:03d}")
        for n in range(100, 160)
    ]
    fill(
        book,
        {"call_log": ROWS["call_log"] + calls, "repair_ledger": ROWS["repair_ledger"] + orders},
    )
    notify = '[notify]\ninterval = 0\nurls = { wecom = "wecombot://${WECOM_KEY}" }\n'
    conf = config(tmp_path, notify)
    code, data, _ = remind(conf, book, kind="callbacks")
    assert code == 0
    parts = [c for c in data["chat"] if c["reminder"] == "callback:A01:2026-11-20"]
    # A01 has 2 + 60 orders: 62 lines of 70 bytes + newline ("- 工单 **W100** 完工于 ...").
    # The title is 68 bytes, " (i/n)" is given 10 and its newline 1: 2,048 - 79 = 1,969 bytes
    # of lines a part = 27 lines (27 x 71 = 1,917; 28 x 71 = 1,988 > 1,969) -> 27 + 27 + 8.
    assert [p["key"] for p in parts] == [f"callback:A01:2026-11-20#{i}@wecom" for i in (1, 2, 3)]
    contents = [json.loads(r.body or b"")["text"]["content"] for r in vendor.sent]
    first = [c for c in contents if "张丽" in c.split("\n")[0]]
    assert [c.split("\n")[0][-5:] for c in first] == ["(1/3)", "(2/3)", "(3/3)"]
    assert [c.count("- 工单 ") for c in first] == [27, 27, 8]
    assert all(len(c.encode()) <= 2048 for c in contents)
    assert sum(c.count("- 工单 ") for c in first) == 62  # every order once


def test_posts_to_one_robot_keep_the_interval(
    tmp_path: Path, book: Path, vendor: Vendor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apprise paces posts to one robot (5.5 s by default for WeCom); ``interval`` sets the pace."""
    monkeypatch.setenv("WECOM_KEY", SECRET)
    notify = '[notify]\ninterval = 0.4\nurls = { wecom = "wecombot://${WECOM_KEY}" }\n'
    code, data, _ = remind(config(tmp_path, notify), book, kind="callbacks")
    assert code == 0 and len(vendor.times) == 2  # two technicians' digests, one robot
    assert 0.35 <= vendor.times[1] - vendor.times[0] < 5.5  # paced from the last post's start


def test_a_missing_secret_is_one_line_naming_the_variable(tmp_path: Path, book: Path) -> None:
    conf = config(tmp_path, '[notify]\nurls = ["wecombot://${NO_SUCH_KEY_SET}"]\n')
    code, _, err = remind(conf, book)
    assert code == 2 and "没有设置 ${NO_SUCH_KEY_SET}" in err and "Traceback" not in err
