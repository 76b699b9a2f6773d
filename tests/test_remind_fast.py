"""`remind`'s fast paths (issue 18) give what the plain ones give, on random books.

(a) the 三包 rights of only the digests' calls are those calls' rights among all calls;
(b) the digests with rights looked up for their own calls equal those given every right;
(c) the ledger read a column at a time finds the orders the record-by-record loop found;
(d) the sandbox's shortcut for a plain dict's item answers as the stock sandbox does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from svctools.compute.entitlements import rights_by_call
from svctools.compute.reminders import Due, Person, _waiting, due_callbacks
from svctools.core.policy import policy_from_dict
from svctools.core.records import Record, Records
from svctools.mail.templates import _SURROGATE, Templates, _no_surrogates
from svctools.mail.transport import OutboxTransport

FAST = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
AS_OF = datetime(2026, 11, 20, 9, 0)
# short waits and one earlier repair suffice: every kind of right arises in a small book
POLICY = policy_from_dict({"entitlements": {"parts_wait_days": 10, "repairs_before_exchange": 1}})
# call ids as a clerk types them: the same number as text and as a number, blanks
CALL_IDS = st.sampled_from(["C1", "C2", "C3", "C4", "1", 1, None])
# the same machine typed with spaces or in lower case, or no serial at all
SERIALS = st.sampled_from(["SN1", " sn1", "SN1 ", "SN2", "sn2", "", None])
# near the as-of moment, so returns, exchanges, repeated repairs and long waits all arise
MOMENTS = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 11, 30))
DAYS = st.dates(min_value=date(2025, 9, 1), max_value=date(2026, 11, 30))


def _call(draw: st.DrawFn) -> dict[str, Any]:
    called_at = draw(st.none() | MOMENTS)
    age = draw(st.none() | st.sampled_from([-2, 0, 5, 7, 8, 15, 16, 200, 400]))
    bought = called_at.date() - timedelta(days=age) if called_at and age is not None else None
    return {
        "call_id": draw(CALL_IDS),
        "call_time": called_at,
        "serial_no": draw(SERIALS),
        "purchase_date": draw(st.just(bought) | st.none() | DAYS),
        "customer_name": "客户",
        "taken_by": draw(st.sampled_from(["A01", "A02", None])),
    }


def _order(draw: st.DrawFn, number: int, call: dict[str, Any] | None) -> dict[str, Any]:
    """An order of ``call`` (done a day or two after it), or of any call id at any time."""
    start = call["call_time"] if call else None
    done = start + timedelta(days=draw(st.integers(0, 2))) if start else draw(st.none() | MOMENTS)
    wait = draw(st.none() | MOMENTS)
    return {
        "order_id": draw(st.sampled_from([f"W{number}", f"W{number % 3}", None])),
        "call_id": call["call_id"] if call else draw(CALL_IDS),
        "status": draw(st.sampled_from(["completed"] * 3 + ["cancelled", "pending", None])),
        "completed_at": done,
        "fault_cause": draw(st.sampled_from(["quality", "quality", "human", None])),
        "technician_id": "T01",
        "parts_wait_from": wait,
        "parts_wait_to": draw(st.none() | st.just(wait and wait + timedelta(days=20))),
    }


@st.composite
def books(draw: st.DrawFn) -> Records:
    """Calls sharing machines, repeated quality repairs, parts waits: the rights' raw matter."""
    calls = [_call(draw) for _ in range(draw(st.integers(1, 10)))]
    orders = [
        _order(draw, number, draw(st.none() | st.sampled_from(calls)) if calls else None)
        for number in range(draw(st.integers(1, 14)))
    ]
    called = [{"order_id": f"W{n}"} for n in draw(st.sets(st.integers(0, 4), max_size=2))]
    staff = [{"staff_id": "A01", "name": "张丽", "email": "a01@example.com"}]
    return Records.from_lists(call_log=calls, repair_ledger=orders, staff=staff, callbacks=called)


@settings(FAST, max_examples=examples(200))
@given(records=books(), chosen=st.sets(st.sampled_from(["C1", "C2", "C3", "1", "2", "C9"])))
def test_the_rights_of_some_calls_are_their_rights_among_all(
    records: Records, chosen: set[str]
) -> None:
    every = rights_by_call(records, POLICY, AS_OF)
    assert rights_by_call(records, POLICY, AS_OF, chosen) == {
        call: rights for call, rights in every.items() if call in chosen
    }


def test_a_chosen_calls_repeat_repair_counts_the_other_calls_of_its_machine() -> None:
    # C2 (serial " sn1", bought 2026-01-01) is the same machine as C1 ("SN1"), repaired for a
    # quality fault on 2026-10-02, before C2 on 2026-11-01: with repairs_before_exchange = 1
    # C2 carries repeated_failure, though only C2 is asked about.
    calls = [
        {"call_id": "C1", "call_time": datetime(2026, 10, 1), "serial_no": "SN1",
         "purchase_date": date(2026, 1, 1)},
        {"call_id": "C2", "call_time": datetime(2026, 11, 1), "serial_no": " sn1",
         "purchase_date": date(2026, 1, 1)},
        {"call_id": "C3", "call_time": datetime(2026, 11, 1), "serial_no": "SN9",
         "purchase_date": date(2026, 1, 1)},
    ]  # fmt: skip
    orders = [
        {"order_id": "W1", "call_id": "C1", "status": "completed",
         "completed_at": datetime(2026, 10, 2), "fault_cause": "quality"},
    ]  # fmt: skip
    records = Records.from_lists(call_log=calls, repair_ledger=orders)
    (right,) = rights_by_call(records, POLICY, AS_OF, {"C2"})["C2"]
    assert right.rule == "repeated_failure"
    assert [o.order_id for o in right.orders] == ["W1"]
    assert rights_by_call(records, POLICY, AS_OF, {"C2", "C3"}).keys() == {"C2"}


@FAST
@given(records=books(), after=st.integers(0, 400))
def test_digests_looking_up_their_own_calls_equal_those_given_every_right(
    records: Records, after: int
) -> None:
    asked: list[set[str]] = []

    def finder(calls: set[str]) -> Any:
        asked.append(calls)
        return rights_by_call(records, POLICY, AS_OF, calls)

    every = rights_by_call(records, POLICY, AS_OF)
    assert due_callbacks(records, after, AS_OF.date(), finder) == due_callbacks(
        records, after, AS_OF.date(), every
    )
    assert len(asked) == 1  # looked up once, for all the digests


def _plain_waiting(records: Records, after_days: int, today: date) -> dict[str, list[Any]]:
    """The record-by-record loop ``_waiting`` replaced (as it was before issue 18)."""
    called = {r.get("order_id") for r in records["callbacks"]}
    calls = records.index("call_log", "call_id")
    waiting: dict[str, list[tuple[datetime, str, Record, Record]]] = defaultdict(list)
    for order in records["repair_ledger"]:
        done = order.get("completed_at")
        if order.get("status") != "completed" or not isinstance(done, datetime):
            continue
        if order.get("order_id") in called or (today - done.date()).days < after_days:
            continue
        call = calls.get(order.get("call_id"))
        if call is None or not call.get("taken_by"):
            continue
        waiting[str(call.get("taken_by"))].append((done, str(order.get("order_id")), order, call))
    return waiting


@FAST
@given(records=books(), after=st.integers(0, 400))
def test_the_ledger_by_columns_finds_what_the_plain_loop_found(
    records: Records, after: int
) -> None:
    assert _waiting(records, after, AS_OF.date()) == _plain_waiting(records, after, AS_OF.date())


def test_a_book_without_a_ledger_or_callbacks_waits_for_nothing() -> None:
    assert _waiting(Records.from_lists(call_log=[]), 1, AS_OF.date()) == {}


class _Sub(dict[Any, Any]):
    """A dict subclass with an attribute of its own: not a plain dict, no shortcut."""

    order_id = "attribute"


_STOCK = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
NAMES = st.sampled_from(
    ["order_id", "items", "keys", "get", "copy", "__class__", "__init__", "_x", "mro", "format"]
)
KEYS = st.one_of(NAMES, st.text(max_size=4), st.integers(0, 3))


def _answer(env: Any, getattr_: Any, obj: Any, name: str) -> tuple[Any, ...]:
    """What a look-up gives, comparable: a value, or the kind and name of an undefined."""
    value = getattr_(env, obj, name)
    undefined = getattr(value, "_undefined_name", None)
    if type(value).__name__.endswith("Undefined"):
        return ("undefined", undefined, getattr(value, "_undefined_exception", None))
    if callable(value):
        return ("callable", getattr(value, "__name__", None))
    return ("value", value)


@FAST
@given(
    obj=st.one_of(
        st.dictionaries(KEYS, st.integers(), max_size=4),
        st.dictionaries(KEYS, st.integers(), max_size=3).map(_Sub),
        st.lists(st.integers(), max_size=2),
        st.text(max_size=3),
    ),
    name=st.one_of(NAMES, st.text(max_size=4)),
)
def test_the_sandbox_shortcut_answers_as_the_stock_sandbox(obj: Any, name: str) -> None:
    ours = Templates().env
    mine = _answer(ours, type(ours).getattr, obj, name)
    stock = _answer(ours, ImmutableSandboxedEnvironment.getattr, obj, name)
    assert mine == stock
    assert mine == _answer(_STOCK, ImmutableSandboxedEnvironment.getattr, obj, name)


def test_a_template_still_cannot_reach_a_dicts_insides() -> None:
    env = Templates().env
    d = {"items": "x", "order_id": "W1", "__class__": "y"}
    # a key named like a dict method is the method (as in the stock sandbox), not the item
    assert (
        env.from_string("{{ d.items }}|{{ d.order_id }}")
        .render(d=d)
        .startswith("<built-in method items of dict object")
    )
    assert env.from_string("{{ d.order_id }}").render(d=d) == "W1"
    with pytest.raises(SecurityError):
        env.from_string("{{ d.__class__ }}").render(d=d)


def test_the_mail_side_of_remind_does_not_import_openpyxl() -> None:
    # the outbox is written with outputs.atomic; openpyxl (outputs.xlsxout) cost every run 0.1 s
    code = "import sys, svctools.mail.delivery; print('openpyxl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_outbox_is_cleaned_of_stale_temporaries_once_when_opened(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    left = outbox / ".renewal_HT009_7.a1b2c3d4.eml"  # a killed run's, two hours ago
    left.write_bytes(b"partial")
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    transport = OutboxTransport(outbox, durable=False)
    transport.open()
    assert not left.exists()
    message = EmailMessage()
    message.set_content("x")
    due = Due("renewal", "renewal:HT001:7", [Person("", "a@example.com")])
    assert transport.send(due, message).status == "written"
    assert [p.name for p in outbox.iterdir()] == ["renewal_HT001_7.eml"]


LOOP = (
    "{% for x in xs recursive %}{{ loop.index }},{{ loop.index0 }},{{ loop.revindex }},"
    "{{ loop.revindex0 }},{{ loop.first }},{{ loop.last }},{{ loop.length }},{{ loop.depth }},"
    "{{ loop.depth0 }},{{ loop.previtem is defined }},{{ loop.nextitem is defined }},"
    "{{ loop.cycle('a', 'b') }},{{ loop.changed(x) }}"
    "{% if x is iterable %}[{{ loop(x) }}]{% endif %};{% endfor %}"
)


@FAST
@given(xs=st.lists(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), max_size=3))))
def test_loop_fields_read_by_the_shortcut_are_the_stock_sandboxs(xs: list[Any]) -> None:
    ours = Templates().env.from_string(LOOP).render(xs=xs)
    assert ours == _STOCK.from_string(LOOP).render(xs=xs)
    if xs:
        assert ours.startswith("1,0,")


def test_a_loops_insides_stay_out_of_reach() -> None:
    with pytest.raises(SecurityError):
        Templates().env.from_string("{% for x in [1] %}{{ loop._iterator }}{% endfor %}").render()


SURROGATES = st.characters(min_codepoint=0xD780, max_codepoint=0xE080)


@FAST
@given(text=st.one_of(st.text(), st.text(alphabet=SURROGATES), st.text(alphabet=st.characters())))
def test_surrogates_are_replaced_as_the_plain_search_replaces_them(text: str) -> None:
    assert _no_surrogates(text) == _SURROGATE.sub("\ufffd", text)
