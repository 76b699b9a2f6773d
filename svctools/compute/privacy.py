"""``--mask``: what each output shows of people's names, phones, emails and addresses.

Books hold customers' names, phones and addresses and the staff roster; some outputs go to
people other than the clerk (the store, the payroll office, a manager, a shared mailbox).
The one rule: **IDs stay, personal details go** — order, complaint, contract and staff IDs are
kept so the office can look the person up in the book; names, phones, emails and addresses are
masked wherever the reader does not need them to do the job. Callback digests keep the phone
(the agent must call) and renewals keep the customer's contact details in the body (the owner
must reach the customer); see ``docs/privacy.md`` for each output.

Each ``mask_*`` result function returns a masked copy of a computation's result, so the text,
JSON and xlsx renderers of a command all read the same masked records: masking happens in one
place per command, never by editing rendered strings.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for hints: mail imports this module and needs none of them
    from svctools.compute.entitlements import Entitlements
    from svctools.compute.penalties import Note, PenaltyStatement, StaffPenalty
    from svctools.compute.report import MonthlyReport
    from svctools.compute.settlement import OrderSettlement, Settlement, Totals

STAR = "*"
HIDDEN = "***"

# -- values ---------------------------------------------------------------------------------

_DIGIT = re.compile(r"[0-9０-９]")


def mask_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; a landline keeps its area code and last 4 digits
    (``010-12345678`` → ``010-****5678``, ``07551234567`` → ``0755***4567``).

    Separators and a ``+86``/``0086`` prefix are kept as written; a number of another shape
    keeps only its last 4 digits (all digits hidden when it has fewer than 8).
    """
    if not phone:
        return phone
    text = str(phone)
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    digits = "".join(text[i] for i in positions)
    start = 0  # digits of a country prefix, kept as written
    if text.lstrip().startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        start = 2
    elif digits.startswith("0086") and len(digits) > 13:
        start = 4
    national = digits[start:]
    if re.fullmatch(r"1[3-9]\d{9}", national):
        keep_head = 3
    elif re.fullmatch(r"0\d{9,11}", national):
        keep_head = 3 if national[1] in "12" else 4  # 010 and 02x; other area codes have 4
    elif len(national) >= 8:
        keep_head = 0
    else:
        return _DIGIT.sub(STAR, text)
    hidden = set(positions[start + keep_head : len(positions) - 4])
    return "".join(STAR if i in hidden else ch for i, ch in enumerate(text))


def mask_name(name: str | None) -> str | None:
    """Each word keeps its first character, every later letter or digit becomes ``*``:
    ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, ``John Smith`` → ``J*** S****``.

    A one-character name becomes ``*`` (keeping it would show it whole). Punctuation stays.
    """
    if not name:
        return name
    text = str(name)
    if len(text.strip()) == 1:
        return STAR

    def word(match: re.Match[str]) -> str:
        first, rest = match.group(0)[0], match.group(0)[1:]
        return first + "".join(STAR if ch.isalnum() else ch for ch in rest)

    return re.sub(r"\S+", word, text)


# Address levels, most specific last in a Chinese address: what is kept ends at the last one
# found before the first digit (house number, building, room).
_LEVEL = re.compile(r"(街道|大道|胡同|路|街|巷|弄|道|镇|乡|村|(?<!小)区|县|旗|市|州|盟|省)")


def mask_address(address: str | None) -> str | None:
    """Keep the district and street, hide the house number and everything after it.

    Chinese addresses: the text before the first digit, cut after its last level word
    (省 市 区 县 镇 乡 村 路 街 道 巷 弄 胡同 …; a 小区 compound is not a level), then ``***``:
    ``北京市朝阳区建国路88号3栋1201`` → ``北京市朝阳区建国路***``. Other addresses keep the
    parts after the first comma (town, region): ``221B Baker Street, London`` → ``***, London``.
    """
    if not address:
        return address
    text = str(address).strip()
    first_digit = _DIGIT.search(text)
    head = text[: first_digit.start()] if first_digit else text
    levels = list(_LEVEL.finditer(head))
    if levels:
        kept = head[: levels[-1].end()]
        return text if kept == text else kept + HIDDEN
    if "," in text:
        return HIDDEN + "," + text.split(",", 1)[1]
    return HIDDEN


def mask_email(email: str | None) -> str | None:
    """``liu.fang@example.com`` → ``l***@example.com``: the first character and the domain."""
    if not email:
        return email
    text = str(email)
    local, at, domain = text.rpartition("@")
    if not at:
        return HIDDEN
    return (local[:1] if len(local) > 1 else "") + HIDDEN + "@" + domain


_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)  # not 邮箱liu@…
_PHONE_IN_TEXT = re.compile(
    r"(?<![\d])(?:\+?86[-\s]?)?(?:1[3-9]\d(?:[-\s]?\d){8}|0\d{2,3}[-\s]?\d{7,8})(?![\d])"
)


def mask_text(text: str | None) -> str | None:
    """Free text (a complaint, a comment): phone numbers and emails in it are masked.

    Names inside free text cannot be told from other words and stay as written.
    """
    if not text:
        return text
    masked = _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)) or "", str(text))
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)) or "", masked)


# -- results of the computing commands --------------------------------------------------------

_CAP_FIGURES = ("wage", "by_ratio", "room")  # the cap note's figures that show the wage


def _note(note: Note) -> Note:
    params = dict(note.params)
    if "name" in params:
        params["name"] = mask_name(params["name"])
    if note.code == "cap":
        params.update(dict.fromkeys(_CAP_FIGURES, HIDDEN))
    return dataclasses.replace(note, params=params)


def _person(person: StaffPenalty) -> StaffPenalty:
    return dataclasses.replace(
        person,
        name=mask_name(person.name),
        monthly_wage=None,
        cap_why=_note(person.cap_why) if person.cap_why is not None else None,
    )


def mask_penalties(stmt: PenaltyStatement) -> PenaltyStatement:
    """Penalty statements and slips: staff names masked, the monthly wage hidden.

    The slip keeps the staff ID (the person signs by hand), every rule, record and amount,
    and the cap (the legal limit the deduction was checked against) without the wage it came
    from. No customer data reaches a penalty line.
    """
    return dataclasses.replace(
        stmt,
        staff=[_person(p) for p in stmt.staff],
        warnings=[_note(w) for w in stmt.warnings],
    )


def _order(order: OrderSettlement) -> OrderSettlement:
    return dataclasses.replace(
        order,
        customer_name=mask_name(order.customer_name),
        technician_name=mask_name(order.technician_name),
    )


def _technician(group: Totals) -> Totals:
    return dataclasses.replace(group, name=mask_name(group.name))


def mask_settlement(stl: Settlement) -> Settlement:
    """Settlement: customer and technician names masked; order and staff IDs, store names,
    parts and every figure kept (the statement is about money, not people)."""
    return dataclasses.replace(
        stl,
        orders=[_order(o) for o in stl.orders],
        technicians=[_technician(t) for t in stl.technicians],
    )


def mask_entitlements(result: Entitlements) -> Entitlements:
    """三包 rights: customer names and phones masked; call IDs, serials and reasons kept."""
    calls = [
        dataclasses.replace(r, customer_name=mask_name(r.customer_name), phone=mask_phone(r.phone))
        for r in result.calls
    ]
    return dataclasses.replace(result, calls=calls)


def mask_report(report: MonthlyReport) -> MonthlyReport:
    """Monthly report: customer and staff names masked, phones and emails inside complaint
    texts masked; complaint IDs, staff IDs and every figure kept."""
    complaints = report.complaints
    lines = [
        dataclasses.replace(
            line,
            customer_name=mask_name(line.customer_name),
            responsible_name=mask_name(line.responsible_name),
            description=mask_text(line.description),
        )
        for line in complaints.lines
    ]
    people = [dataclasses.replace(p, name=mask_name(p.name)) for p in complaints.people]
    return dataclasses.replace(
        report,
        complaints=dataclasses.replace(complaints, lines=lines, people=people),
        technicians=[dataclasses.replace(t, name=mask_name(t.name)) for t in report.technicians],
        penalties=mask_penalties(report.penalties) if report.penalties is not None else None,
    )


# -- reminder mail -----------------------------------------------------------------------------


def _customer(values: dict[str, Any], keep_contact: bool) -> dict[str, Any]:
    out = dict(values)
    if not keep_contact:
        for key, mask in (("customer_name", mask_name), ("phone", mask_phone)):
            if key in out:
                out[key] = mask(out[key])
        if "email" in out:
            out["email"] = mask_email(out["email"])
    if "address" in out:
        out["address"] = mask_address(out["address"])
    return out


def mask_reminder(kind: str, context: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (body, subject) contexts of a reminder under ``--mask``.

    - body: the reader must reach the customer, so the name and phone stay (a renewal keeps
      the customer's email too: the owner may write); a callback digest's addresses are cut
      to the street (the agent calls, does not visit). The digest says why the phone is there.
    - subject: no customer detail in clear, since subjects travel further than bodies
      (notification previews, mail-server logs, the state file).
    """
    body, subject = dict(context), dict(context)
    if kind == "renewal" and isinstance(context.get("contract"), dict):
        body["contract"] = _customer(context["contract"], keep_contact=True)
        subject["contract"] = _customer(context["contract"], keep_contact=False)
    if kind == "callback" and isinstance(context.get("orders"), list):
        body["orders"] = [_customer(o, keep_contact=True) for o in context["orders"]]
        subject["orders"] = [_customer(o, keep_contact=False) for o in context["orders"]]
    return body, subject
