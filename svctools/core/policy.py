"""The firm's policy (`svctools.toml`): every number of SPEC §3 with its default, type-checked.

pydantic with ``extra="forbid"`` names the offending key in every error, so a clerk's typo in
``svctools.toml`` becomes one line such as ``[sla] repair_days：应大于 0（填的是 0）`` (with
``--lang en``: ``sla.repair_days: Input should be greater than 0``); see ``config_words``.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svctools.core.config_words import WordedValueError, errors_detail, toml_detail
from svctools.core.errors import ConfigError
from svctools.core.messages import Msg

CONFIG_ENV = "SVCTOOLS_CONFIG"
DEFAULT_CONFIG_NAME = "svctools.toml"

Money = Annotated[Decimal, Field(ge=0)]
Hours = Annotated[Decimal, Field(gt=0)]
Level = Annotated[int, Field(ge=1, le=4)]


class _Section(BaseModel):
    # defer_build: pydantic builds a model's validator when a config file is first validated,
    # not on import (0.1 s of every start, most of `validate` on a small book); the defaults
    # need none (``default_policy``).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CalendarPolicy(_Section):
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []
    own_years: list[int] = []
    working_hours: list[tuple[time, time]] = [
        (time(9, 0), time(12, 0)),
        (time(13, 30), time(18, 0)),
    ]

    @field_validator("working_hours")
    @classmethod
    def _windows_ordered(cls, value: list[tuple[time, time]]) -> list[tuple[time, time]]:
        if not value:
            raise WordedValueError(Msg("value.windows_none"))
        previous_end = time(0, 0)
        for start, end in value:
            if not start < end:
                raise WordedValueError(
                    Msg("value.window_backwards", start=f"{start:%H:%M}", end=f"{end:%H:%M}")
                )
            if start < previous_end:
                raise WordedValueError(Msg("value.windows_order"))
            previous_end = end
        return value


def _levels(values: dict[int, int]) -> dict[int, Decimal]:
    return {level: Decimal(hours) for level, hours in values.items()}


class SlaPolicy(_Section):
    hours_basis: Literal["calendar", "business"] = "calendar"
    response_hours: dict[Level, Hours] = _levels({1: 1, 2: 2, 3: 2, 4: 2})
    onsite_hours: dict[Level, Hours] = _levels({1: 4, 2: 24, 3: 48, 4: 72})
    accept_hours: Hours = Decimal(2)
    accept_hours_urgent: Hours = Decimal(1)
    repair_days: Annotated[int, Field(gt=0)] = 3
    repair_days_complex: Annotated[int, Field(gt=0)] = 7
    complaint_feedback_hours: Hours = Decimal(24)
    callback_days: Annotated[int, Field(ge=0)] = 3

    @field_validator("response_hours", "onsite_hours")
    @classmethod
    def _every_level(cls, value: dict[int, Decimal]) -> dict[int, Decimal]:
        missing = sorted({1, 2, 3, 4} - set(value))
        if missing:
            raise WordedValueError(Msg("value.levels_missing", missing=missing))
        return value


class WarrantyPolicy(_Section):
    months: Annotated[int, Field(ge=0)] = 12
    repair_warranty_days: Annotated[int, Field(ge=0)] = 90


class EntitlementsPolicy(_Section):
    """三包 rights (SPEC §7.3): the windows after purchase, repairs before an exchange, the wait."""

    return_days: Annotated[int, Field(ge=0)] = 7
    exchange_days: Annotated[int, Field(ge=0)] = 15
    repairs_before_exchange: Annotated[int, Field(ge=1)] = 2
    parts_wait_days: Annotated[int, Field(ge=0)] = 90

    @model_validator(mode="after")
    def _windows_in_order(self) -> EntitlementsPolicy:
        if self.exchange_days < self.return_days:
            raise ValueError("exchange_days must not be less than return_days")
        return self


class FeesPolicy(_Section):
    parts_markup: Money = Decimal("0")
    inbound_shipping_payer: Literal["customer", "company"] = "customer"
    return_shipping_payer: Literal["customer", "company", "split"] = "company"
    return_shipping_customer_share: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.5")


class PenaltiesPolicy(_Section):
    late_response: Money = Decimal("20")
    late_acceptance: Money = Decimal("20")
    late_arrival: Money = Decimal("50")
    overdue_repair: Money = Decimal("50")
    qc_rework: Money = Decimal("30")
    repeat_repair: Money = Decimal("50")
    late_complaint_feedback: Money = Decimal("20")
    complaint_general: Money = Decimal("100")
    complaint_serious: Money = Decimal("500")
    late_callback: Money = Decimal("10")
    cap_ratio: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.2")
    minimum_wage: Money = Decimal("2000")


class RemindersPolicy(_Section):
    renewal_days: list[Annotated[int, Field(ge=0)]] = [15, 7, 1]
    callback_after_days: Annotated[int, Field(ge=0)] = 1
    outbox: str = "outbox"
    state: str = "svctools-state.sqlite"
    risk_hours: Annotated[Decimal, Field(gt=0, le=720)] = Decimal(4)  # remind sla-risk (§7.5)

    @field_validator("renewal_days")
    @classmethod
    def _not_empty(cls, value: list[int]) -> list[int]:
        if not value:
            raise WordedValueError(Msg("value.stages_none"))
        return sorted(set(value), reverse=True)


class SmtpPolicy(_Section):
    host: str = ""
    port: Annotated[int, Field(gt=0, lt=65536)] = 587
    user: str = ""
    starttls: bool = True
    from_: str = Field("", alias="from")
    timeout: Annotated[float, Field(gt=0, le=300)] = 30  # seconds a silent server is waited for

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


_SECRET_RUN = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z0-9_\-]{12,}")


def mask_url(url: str) -> str:
    """A chat URL for people: ``${NAME}`` placeholders stay, any token-like run reads ``***``."""
    return _SECRET_RUN.sub(lambda m: m[0] if m[0].startswith("${") else "***", url)


class NotifyPolicy(_Section):
    """Work-group chat robots (SPEC §7.5), as apprise URLs.

    ``urls`` is a list (channel names made from the scheme: ``wecombot``, ``json-2``) or a
    table of named URLs (``wecom-kefu = "wecombot://${WECOM_KEFU_KEY}"``). ``${NAME}`` is read
    from the environment, else the keyring (service ``svctools``): never write a key here.
    ``routes``: kind -> channels (``email`` is the mail); a kind not routed goes everywhere.
    ``interval``: a robot that allows more (or less) than apprise's pace gets its own.
    """

    urls: list[str] | dict[str, str] = []
    routes: dict[str, list[str]] = {}
    timeout: Annotated[float, Field(gt=0, le=300)] = 10
    # Seconds between two posts to one robot; None = apprise's own pace for that service
    # (5.5 s for WeCom, DingTalk and Feishu: well inside their 20-a-minute limits).
    interval: Annotated[float, Field(ge=0, le=60)] | None = None

    def channels(self) -> dict[str, str]:
        """Channel name -> URL (with its placeholders)."""
        if isinstance(self.urls, dict):
            return dict(self.urls)
        named: dict[str, str] = {}
        for url in self.urls:
            base = url.split("://", 1)[0].lower() or "chat"
            name, n = base, 1
            while name in named:
                n += 1
                name = f"{base}-{n}"
            named[name] = url
        return named

    @model_validator(mode="after")
    def _routes_name_channels(self) -> NotifyPolicy:
        names = {*self.channels(), "email"}
        for kind, targets in self.routes.items():
            for target in targets:
                if target not in names:
                    known = ", ".join(sorted(names))
                    raise ValueError(f"routes.{kind}: no channel {target!r} (known: {known})")
        for name, url in self.channels().items():
            if "://" not in url or not re.match(r"^[A-Za-z0-9_-]+$", name):
                raise ValueError(f"{name}: {mask_url(url)!r} is not a channel URL (scheme://...)")
        return self


class GooglePolicy(_Section):
    credentials: str = ""
    api_root: str = "https://sheets.googleapis.com"


class PrivacyPolicy(_Section):
    """``mask = true``: outputs for people other than the clerk hide personal details
    (``svctools.compute.privacy``); ``--mask`` / ``--no-mask`` override it per run."""

    mask: bool = False


class DispatchPolicy(_Section):
    """Who may take a waiting order (SPEC §7.1): skill by fault level, a cap on open orders."""

    min_skill: dict[Level, Annotated[int, Field(ge=1, le=5)]] = {1: 4, 2: 3, 3: 2, 4: 1}
    max_open_orders: Annotated[int, Field(gt=0)] = 8
    pending_days: Annotated[int, Field(ge=0)] = 14

    @field_validator("min_skill")
    @classmethod
    def _every_level(cls, value: dict[int, int]) -> dict[int, int]:
        missing = sorted({1, 2, 3, 4} - set(value))
        if missing:
            raise WordedValueError(Msg("value.skill_levels_missing", missing=missing))
        return value


class StockPolicy(_Section):
    """Spare-parts stock (SPEC §7.2): when an old part is due back, for which orders, and who
    gets the daily reorder list (``remind stock``)."""

    old_part_days: Annotated[int, Field(ge=0)] = 7
    old_parts_for: Literal["free", "all"] = "free"
    notify: list[str] = []

    @field_validator("notify")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            local, at, domain = address.strip().rpartition("@")
            if not (local and at and "." in domain) or any(c.isspace() for c in address.strip()):
                raise ValueError(f"{address!r} is not an email address (e.g. 'stock@example.cn')")
        return [address.strip() for address in value]


class Policy(_Section):
    """The effective policy; ``source`` names the file it came from (``None`` = defaults)."""

    timezone: str = "Asia/Shanghai"
    lang: Literal["zh", "en"] = "zh"
    currency: str = "CNY"
    calendar: CalendarPolicy = Field(default_factory=CalendarPolicy.model_construct)
    sla: SlaPolicy = Field(default_factory=SlaPolicy.model_construct)
    warranty: WarrantyPolicy = Field(default_factory=WarrantyPolicy.model_construct)
    fees: FeesPolicy = Field(default_factory=FeesPolicy.model_construct)
    penalties: PenaltiesPolicy = Field(default_factory=PenaltiesPolicy.model_construct)
    reminders: RemindersPolicy = Field(default_factory=RemindersPolicy.model_construct)
    smtp: SmtpPolicy = Field(default_factory=SmtpPolicy.model_construct)
    notify: NotifyPolicy = Field(default_factory=NotifyPolicy.model_construct)
    google: GooglePolicy = Field(default_factory=GooglePolicy.model_construct)
    privacy: PrivacyPolicy = Field(default_factory=PrivacyPolicy.model_construct)
    dispatch: DispatchPolicy = Field(default_factory=DispatchPolicy.model_construct)
    entitlements: EntitlementsPolicy = Field(default_factory=EntitlementsPolicy.model_construct)
    stock: StockPolicy = Field(default_factory=StockPolicy.model_construct)
    source: str | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise WordedValueError(Msg("value.zone", value=value)) from None
        return value

    @model_validator(mode="after")
    def _workdays_not_holidays(self) -> Policy:
        both = set(self.calendar.extra_holidays) & set(self.calendar.extra_workdays)
        if both:
            days = ", ".join(sorted(d.isoformat() for d in both))
            raise WordedValueError(Msg("value.both_days", days=days))
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_dict(self) -> dict[str, Any]:
        """The policy as plain TOML/JSON-able values (Decimal and time as strings)."""
        data = _plain(self.model_dump(by_alias=True, exclude={"source"}))
        urls = data["notify"]["urls"]
        if isinstance(urls, dict):
            data["notify"]["urls"] = {name: mask_url(url) for name, url in urls.items()}
        else:
            data["notify"]["urls"] = [mask_url(url) for url in urls]
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """``--config``, then ``$SVCTOOLS_CONFIG``, then ``./svctools.toml``; ``None`` = defaults."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def load_policy(explicit: str | os.PathLike[str] | None = None) -> Policy:
    """Read and check the policy; every problem is a ``ConfigError`` naming the file and key."""
    path = find_config(explicit)
    if path is None:
        return Policy.model_construct()  # the defaults: nothing to check, no validator built
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(Msg("config.not_found", path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg("config.unreadable", path=path, detail=exc)) from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            Msg("config.not_toml", path=path, detail=toml_detail(exc, text))
        ) from None
    return policy_from_dict(data, source=str(path))


def policy_from_dict(data: dict[str, Any], source: str | None = None) -> Policy:
    where = source or "config"
    try:
        return Policy.model_validate({**data, "source": source})
    except ValidationError as exc:
        detail = errors_detail(exc.errors(), Policy, data)
        raise ConfigError(Msg("config.invalid", where=where, detail=detail)) from None


def peek_lang(explicit: str | os.PathLike[str] | None = None) -> str:
    """The config's ``lang`` read leniently (the file may be what is broken): en or zh."""
    try:
        path = find_config(explicit)
        text = path.read_text(encoding="utf-8-sig") if path else ""
    except (OSError, UnicodeDecodeError):
        return "zh"
    found = re.search(r"""^\s*lang\s*=\s*["']?(en|zh)["']?\s*(#.*)?$""", text, re.MULTILINE)
    return found.group(1) if found else "zh"
