"""The demo's second half: run every command on the demo book and write each result to a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import click

from svctools.cli.env import env_for
from svctools.cli.options import as_of_option
from svctools.compute.checks import validate
from svctools.core.policy import Policy, load_policy
from svctools.core.problems import ERROR
from svctools.core.schema import load_schema
from svctools.demo.sample import BOOK_NAME, build_demo_book, write_demo_config
from svctools.outputs.render import dumps, problems_text
from svctools.outputs.xlsxout import save_workbook, write_atomic
from svctools.reading.book import LoadedBook
from svctools.reading.usable import usable_records
from svctools.sources.opening import open_book


def _write_text(path: Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _computations(
    loaded: LoadedBook, book: Path, policy: Policy, as_of: datetime, lang: str
) -> Iterator[str]:
    """sla, penalties and settle for the demo's first full month, on the valid rows."""
    from svctools.compute.penalties import compute_penalties
    from svctools.compute.settlement import compute_settlement
    from svctools.compute.sla import compute_sla
    from svctools.core.clock import parse_month
    from svctools.outputs.sla_text import render_text
    from svctools.outputs.statements import (
        penalties_text,
        settlement_text,
        write_penalty_slips,
        write_settlement,
    )

    folder, stamp, month = book.parent, as_of.isoformat(timespec="minutes"), "2026-10"
    first_day, next_first_day = parse_month(month)
    names = {key: data.name for key, data in loaded.records.sheets.items()}
    records = usable_records(loaded, load_schema(), "penalties", True, lang).records
    breaches = compute_sla(records, policy, as_of)
    in_month = breaches.filter_month(first_day, next_first_day)
    _write_text(folder / "sla.txt", render_text(in_month, lang, explain=True, sheet_names=names))
    _write_text(folder / "sla.json", dumps(in_month.to_dict(sheet_names=names)))
    statement = compute_penalties(records, breaches.breaches, policy, first_day)
    _write_text(folder / "penalties.txt", penalties_text(statement, lang))
    write_penalty_slips(statement, folder / "penalties.xlsx", lang)
    settlement = compute_settlement(records, policy, first_day, next_first_day)
    _write_text(folder / "settle.txt", settlement_text(settlement, lang))
    write_settlement(settlement, folder / "settle.xlsx", lang)
    common = f"{book} --month {month} --as-of {stamp} --skip-invalid"
    zh = lang == "zh"
    yield ""
    yield f"$ svctools sla {common} --explain"
    yield (
        f"  {len(in_month.breaches)} 条超时记录" if zh else f"  {len(in_month.breaches)} breaches"
    ) + f" -> {folder / 'sla.txt'}, {folder / 'sla.json'}"
    yield ""
    yield f"$ svctools penalties {common} --out {folder / 'penalties.xlsx'}"
    total = sum((s.deducted for s in statement.staff), Decimal(0))
    yield (
        f"  {len(statement.staff)} 人，本月扣款合计 {total}"
        if zh
        else f"  {len(statement.staff)} people, {total} deducted"
    ) + f" -> {folder / 'penalties.txt'}, {folder / 'penalties.xlsx'}"
    yield ""
    yield f"$ svctools settle {common} --out {folder / 'settle.xlsx'}"
    due = settlement.to_dict(lang)["totals"]["balance_due"]
    yield (
        f"  {len(settlement.orders)} 张完工工单，应收余额 {due}"
        if zh
        else f"  {len(settlement.orders)} completed orders, {due} balance due"
    ) + (f" -> {folder / 'settle.txt'}, {folder / 'settle.xlsx'}")


def run_all(book: Path, config: Path, planted: list, as_of: datetime, lang: str) -> Iterator[str]:
    from svctools.outputs.annotate import annotate
    from svctools.outputs.blank import write_blank_book

    zh = lang == "zh"
    folder = book.parent
    policy = load_policy(config)
    schema = load_schema()
    stamp = as_of.isoformat(timespec="minutes")
    yield ("示例台账" if zh else "Sample book") + f": {book}"
    yield ("配置文件" if zh else "Config") + f":   {config}"

    source = open_book(str(book))
    try:
        loaded = validate(source, schema, policy, as_of, lang)
    finally:
        source.close()
    _write_text(folder / "validate.txt", problems_text(loaded.problems, str(book), lang))
    data = {
        "ok": not any(p.severity == ERROR for p in loaded.problems),
        "problems": [p.to_dict(lang) for p in loaded.problems],
    }
    _write_text(folder / "validate.json", dumps(data))
    annotate(book, folder / "validate-annotated.xlsx", loaded.problems, lang)
    errors = sum(1 for p in loaded.problems if p.severity == ERROR)
    found = {(p.sheet_key, p.row, p.field, p.code) for p in loaded.problems}
    expected = {(p.sheet, p.row, p.field, p.code) for p in planted}
    verdict = (
        ("全部找到" if zh else "all found")
        if found == expected
        else ("与预期不符！" if zh else "MISMATCH!")
    )
    yield ""
    yield f"$ svctools validate {book} --as-of {stamp} --annotate {folder}/validate-annotated.xlsx"
    if zh:
        yield (
            f"  {errors} 个错误，{len(loaded.problems) - errors} 个警告"
            f"（故意埋下 {len(planted)} 个问题：{verdict}）"
        )
    else:
        yield (
            f"  {errors} errors, {len(loaded.problems) - errors} warnings "
            f"({len(planted)} planted on purpose: {verdict})"
        )
    for name in ("validate.txt", "validate.json", "validate-annotated.xlsx"):
        yield f"  -> {folder / name}"

    yield from _computations(loaded, book, policy, as_of, lang)

    from svctools.outputs.report_xlsx import demo_report

    yield from demo_report(loaded, book, policy, as_of, lang)

    blank = folder / "blank-book.xlsx"
    write_blank_book(schema, blank, lang)
    yield ""
    yield f"$ svctools init {blank}"
    yield f"  -> {blank}"

    import tomli_w

    _write_text(folder / "config.txt", tomli_w.dumps(policy.to_dict()))
    yield ""
    yield f"$ svctools --config {config} config"
    yield f"  -> {folder / 'config.txt'}"

    from svctools.mail.delivery import demo_reminders

    yield from demo_reminders(loaded, book, policy, as_of, lang)


def run_demo(folder: Path, seed: int, as_of: datetime, lang: str) -> Iterator[str]:
    """Write the demo book and config into ``folder``, run each command, say where results are."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook, planted = build_demo_book(seed, as_of, lang)
    book = save_workbook(workbook, folder / BOOK_NAME)
    config = write_demo_config(folder / "svctools.toml")
    yield from run_all(book, config, planted, as_of, lang)


@click.command()
@click.argument("folder", required=False, default="svctools-demo", metavar="[DIR]")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same book.")
@as_of_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
@click.pass_context
def demo(ctx: click.Context, folder: str, seed: int, as_of: str | None, lang: str | None) -> None:
    """Write a realistic sample book and config into DIR and run every command on it.

    \b
    Example:
      svctools demo ./demo
    """
    from svctools.demo.sample import DEMO_AS_OF

    env = env_for(ctx, None, lang)
    moment = env.as_of(as_of) if as_of else DEMO_AS_OF
    for line in run_demo(Path(folder), seed=seed, as_of=moment, lang=env.lang):
        click.echo(line)
