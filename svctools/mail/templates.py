"""Reminder templates (SPEC §5): jinja2 files rendered in a bounded sandbox.

``KIND.LANG.txt`` (``{% block subject %}`` and ``{% block body %}``) and ``KIND.LANG.html``
(the HTML part), run in an immutable sandbox with ``StrictUndefined`` (a typo fails loudly) and
HTML autoescaping. A firm's ``--templates DIR`` is searched first, the shipped ``templates/``
second, so a firm copies only what it changes. Time, memory, output size and arithmetic are
bounded: a template is the firm's to edit, not a way to stop the cron job.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2 import TemplateError as JinjaError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from svctools.compute.reminders import Due, due_callbacks, due_renewals
from svctools.core.errors import SvctoolsError
from svctools.core.messages import Msg, Wording, say
from svctools.core.records import Records
from svctools.core.schema import package_folder

MAX_SEQUENCE = 10_000  # longest string or list a template may build with '*'
MAX_BITS = 4_096  # largest integer a template may build with '*' or '**'
MAX_OUTPUT = 5_000_000  # characters in one rendered part (a digest of 5,000 orders is ~2 MB)
RENDER_SECONDS = 10.0  # a template still rendering after this is looping on purpose
RENDER_MEMORY = 512 * 2**20  # address space one render may add (Linux, RLIMIT_AS)


class TemplateError(SvctoolsError):
    """A template is missing, does not parse, or fails to render (names the file and line)."""


def default_templates() -> Path:
    """The shipped templates (package data, like ``workbook_schema/``)."""
    return package_folder("templates")


_DICT_ATTRIBUTES = frozenset(dir(dict))  # all a plain dict has as attributes: its type's
# loop.index and the like: data, public, the same whatever the sandbox checks (none refuses them)
_LOOP_FIELDS = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The stock sandbox lets ``9**9**9`` or ``'a' * 10**9`` eat the machine: bound them."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``o.order_id`` on a plain dict (every context value) is its item, straight away.

        The stock order tries the attribute first: a failed ``getattr`` (an exception) per
        field, 385,000 of them for a year book's ten callback digests. A plain dict has no
        attributes but its type's, so the answer is the stock one (tests/test_remind_fast.py)."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                pass
        elif type(obj) is LoopContext and attribute in _LOOP_FIELDS:
            return getattr(obj, attribute)  # what the stock checks let through, without them
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _is_int(left) and _is_int(right):
            if right > 0 and max(abs(left), 2).bit_length() * right > MAX_BITS:
                raise _Limit(Msg("template.power", left=left, right=right))
        if operator == "*":
            _check_product(left, right)
        return super().call_binop(context, operator, left, right)


class _Limit(SecurityError):
    """A sandbox limit reached, worded in the reader's language when shown."""

    def __init__(self, said: Msg) -> None:
        super().__init__(str(said))
        self.said = said


class _RenderTimeout(Exception):
    """SIGALRM fired inside a render: the template loops for too long."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the render after ``seconds`` (Unix, main thread; elsewhere no limit)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _RenderTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_limit(extra: int) -> Iterator[None]:
    """Let the render add at most ``extra`` bytes of address space: past it, MemoryError.

    The sandbox sees operators and attributes, not what a permitted call allocates:
    ``'a'.ljust(10**9)``, ``'x'|center(10**9)``, ``lipsum(10**6)`` or a loop printing for
    ever. The soft RLIMIT_AS is lowered for the render only (Linux; elsewhere no limit).
    """
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:  # already tighter: leave it
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_SURROGATE = re.compile(r"[\ud800-\udfff]")  # a lone half of a pair: no UTF-8 for it


def _no_surrogates(text: str) -> str:
    """``text`` with each surrogate as U+FFFD. UTF-8 refuses exactly those, and encoding a
    digest's megabyte takes a third of the time of the search: the search only if it fails."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _joined(chunks: Iterator[str], name: str | None) -> str:
    """A render's output, refused once it passes ``MAX_OUTPUT`` characters."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Limit(Msg("template.output", name=name, limit=MAX_OUTPUT))
        parts.append(chunk)
    return "".join(parts)


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_product(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and _is_int(count):
            if len(seq) * count > MAX_SEQUENCE:
                raise _Limit(Msg("template.sequence", size=len(seq), count=count))
    if _is_int(left) and _is_int(right):
        if abs(left).bit_length() + abs(right).bit_length() > MAX_BITS:
            raise _Limit(Msg("template.product"))


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str


class Templates:
    """The reminder templates: a firm's folder first (optional), then the shipped ones."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        folders = [Path(folder)] if folder else []
        folders.append(default_templates())
        self.folders = folders
        self.env = _Sandbox(
            loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.pop("lipsum", None)  # placeholder text has no place in a reminder

    def render(
        self,
        kind: str,
        lang: str,
        context: dict[str, Any],
        subject_context: dict[str, Any] | None = None,
    ) -> Rendered:
        """Subject and plain body from ``KIND.LANG.txt``, the HTML part from ``KIND.LANG.html``.

        ``subject_context`` (``--mask``) renders the subject from other values than the body.
        """
        with self._errors(), _time_limit(RENDER_SECONDS), _memory_limit(RENDER_MEMORY):
            plain = self.env.get_template(f"{kind}.{lang}.txt")
            for block in ("subject", "body"):
                if block not in plain.blocks:
                    raise TemplateError(Msg("template.no_block", file=plain.filename, block=block))
            subject = self._block(plain, "subject", subject_context or context)
            text = self._block(plain, "body", context)
            page = self.env.get_template(f"{kind}.{lang}.html")
            html = _joined(page.generate(context), page.filename)
        subject = " ".join(subject.split())  # one line: no header injection, no folding surprises
        if not subject:
            raise TemplateError(Msg("template.empty_subject", file=f"{kind}.{lang}.txt"))
        subject, text, html = (_no_surrogates(s) for s in (subject, text, html))
        return Rendered(subject, text.strip("\n") + "\n", html)

    def _block(self, template: Template, name: str, context: dict[str, Any]) -> str:
        try:
            return _joined(template.blocks[name](template.new_context(context)), template.filename)
        except Exception:
            self.env.handle_exception()  # re-raises with the template's file and line in the trace
            raise  # not reached

    def render_chat(self, kind: str, lang: str, context: dict[str, Any]) -> str:
        """The chat robots' Markdown from ``KIND.LANG.md``: its first line is the title."""
        with self._errors(), _time_limit(RENDER_SECONDS), _memory_limit(RENDER_MEMORY):
            page = self.env.get_template(f"{kind}.{lang}.md")
            text = _joined(page.generate(context), page.filename)
        text = _no_surrogates(text).strip()
        if not text:
            raise TemplateError(Msg("template.empty", file=f"{kind}.{lang}.md"))
        return text + "\n"

    def check(self, lang: str, chat: bool = True) -> None:
        """Render every template once on sample data, so a typo fails on a quiet day too."""
        for due in sample_reminders():
            self.render(due.kind, lang, due.context)
            if chat:
                self.render_chat(due.kind, lang, due.context)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Any failure of a template as one TemplateError naming its file and line."""
        try:
            yield
        except TemplateError:
            raise
        except TemplateNotFound as exc:
            where = ", ".join(str(f) for f in self.folders)
            raise TemplateError(Msg("template.not_found", name=exc.name, where=where)) from None
        except TemplateSyntaxError as exc:
            at = _at(exc.filename or exc.name, exc.lineno)
            raise TemplateError(Msg("template.error", where=at, detail=exc)) from None
        except (JinjaError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
            detail = exc.said.text if isinstance(exc, _Limit) else exc  # our limits are worded
            raise TemplateError(
                Msg("template.error", where=_template_line(exc), detail=detail)
            ) from None
        except MemoryError as exc:
            raise TemplateError(Msg("template.memory", where=_template_line(exc))) from None
        except _RenderTimeout as exc:
            slow = Msg("template.slow", where=_template_line(exc), seconds=f"{RENDER_SECONDS:g}")
            raise TemplateError(slow) from None


def _at(file: str | None, line: int) -> Wording:
    """``renewal.zh.html line 12: `` in the reader's language, worded when shown."""
    return lambda lang: say("template.at", lang, file=file, line=line)


def _template_line(exc: BaseException) -> Wording | str:
    """Where in a template ``exc`` arose, from the traceback jinja rewrites to point at it."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".txt", ".html", ".md")):
            return _at(frame.filename, frame.lineno or 0)
    return ""


def sample_reminders() -> list[Due]:
    """One of each kind of reminder (a stage, an expired notice, a digest) on made-up data."""
    today = date(2026, 1, 10)
    staff = {"staff_id": "A00", "name": "示例", "email": "a00@example.com"}
    contract = {
        "contract_id": "HT000",
        "customer_name": "示例客户",
        "phone": "13800000000",
        "email": "c@example.com",
        "start_date": date(2025, 1, 18),
        "amount": 1,
        "store_id": "S00",
        "owner_id": "A00",
    }
    records = Records.from_lists(
        staff=[staff],
        stores=[{"store_id": "S00", "name": "示例店", "manager": "店长", "email": "s@example.com"}],
        contracts=[
            {**contract, "end_date": today + timedelta(days=7)},
            {**contract, "contract_id": "HT999", "end_date": today - timedelta(days=3)},
        ],
        call_log=[{"call_id": "C0", "customer_name": "客户", "phone": "1", "taken_by": "A00"}],
        repair_ledger=[
            {
                "order_id": "W0",
                "call_id": "C0",
                "status": "completed",
                "technician_id": "A00",
                "completed_at": datetime(2026, 1, 8, 16, 0),
            }
        ],
    )
    risk = {
        "kind": "sla-risk",
        "as_of": "2026-01-10 09:00",
        "to_name": "示例",
        "store": False,
        "count": 1,
        "items": [
            {
                "rule": "late_response",
                "rule_zh": "响应超时",
                "record": "C0",
                "sheet": "call_log",
                "row": 2,
                "staff_id": "A00",
                "staff_name": "示例",
                "deadline": "2026-01-10 10:30",
                "minutes_left": 90,
                "left": "1:30",
            }
        ],
    }
    at_risk = Due("sla-risk", "sla-risk:A00:2026-01-10T09", [], [], risk)
    renewals = due_renewals(records, [15, 7, 1], today)
    return renewals + due_callbacks(records, 1, today) + [at_risk]
