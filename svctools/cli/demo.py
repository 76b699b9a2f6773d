"""``svctools demo``: write the sample book and config, then run every command on them.

Each step is the real command, invoked through the same click group a clerk types into (so the
demo cannot drift from the CLI): its stdout goes to a file beside the book, and the demo prints
the command line and a one-line summary read from the command's own JSON output.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from svctools.cli.env import env_for
from svctools.cli.options import as_of_option
from svctools.core.messages import say

if TYPE_CHECKING:  # imported where used: `svctools --help` and every other command start fast
    from svctools.demo.sample import Planted


@dataclass
class Demo:
    """The demo folder and how to run a command in it, in-process."""

    root: click.Group
    folder: Path
    book: Path
    config: Path
    as_of: datetime
    lang: str

    def run(self, *args: str, out: str | None = None) -> tuple[int, str]:
        """``svctools --config CONFIG --lang LANG ARGS``; stdout saved to ``out`` when given."""
        line = ["--config", str(self.config), "--lang", self.lang, *args]
        stdout, stderr = io.StringIO(), io.StringIO()  # warnings stay out of the demo's story
        with redirect_stdout(stdout), redirect_stderr(stderr):
            code = self.root.main(line, prog_name="svctools", standalone_mode=False)
        text = stdout.getvalue()
        if out:
            from svctools.outputs.xlsxout import write_atomic

            write_atomic(self.folder / out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return code or 0, text

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--format", "json")[1])

    @property
    def stamp(self) -> str:
        return self.as_of.isoformat(timespec="minutes")

    def say(self, message_id: str, **params: Any) -> str:
        """A summary line in the demo's language, from the catalogue (``demo.*``)."""
        return say(message_id, self.lang, **params)


Step = Callable[[Demo], Iterator[str]]


def _validate(demo: Demo, planted: list[Planted]) -> Iterator[str]:
    annotated = demo.folder / "validate-annotated.xlsx"
    demo.run("validate", str(demo.book), "--as-of", demo.stamp, out="validate.txt")
    _, text = demo.run(
        "validate", str(demo.book), "--as-of", demo.stamp, "--annotate", str(annotated),
        "--format", "json", out="validate.json",
    )  # fmt: skip
    problems = json.loads(text)["problems"]
    errors = sum(1 for p in problems if p["severity"] == "error")
    found = {(p["sheet"], p["row"], p["field"], p["code"]) for p in problems}
    expected = {(p.title, p.row, p.field, p.code) for p in planted}
    verdict = demo.say("demo.all_found") if found == expected else "MISMATCH!"
    yield f"$ svctools validate {demo.book} --as-of {demo.stamp} --annotate {annotated}"
    warnings, planted_n = len(problems) - errors, len(planted)
    yield demo.say(
        "demo.validate", errors=errors, warnings=warnings, planted=planted_n, verdict=verdict
    )
    for name in ("validate.txt", "validate.json", annotated.name):
        yield f"  -> {demo.folder / name}"


def _month_args(demo: Demo) -> list[str]:
    from svctools.demo.sample import DEMO_MONTH

    return [str(demo.book), "--month", DEMO_MONTH, "--as-of", demo.stamp, "--skip-invalid"]


def _sla(demo: Demo) -> Iterator[str]:
    args = ["sla", *_month_args(demo), "--explain"]
    demo.run(*args, out="sla.txt")
    _, text = demo.run(*args, "--format", "json", out="sla.json")
    count = len(json.loads(text)["breaches"])
    yield "$ svctools " + " ".join(args)
    yield demo.say("demo.sla", count=count) + (
        f" -> {demo.folder / 'sla.txt'}, {demo.folder / 'sla.json'}"
    )


def _penalties(demo: Demo) -> Iterator[str]:
    slips = demo.folder / "penalties.xlsx"
    args = ["penalties", *_month_args(demo), "--out", str(slips)]
    demo.run(*args, out="penalties.txt")
    staff = demo.json(*args)["staff"]
    total = sum((Decimal(s["deducted"]) for s in staff), Decimal(0))
    yield "$ svctools " + " ".join(args)
    yield (
        demo.say("demo.penalties", people=len(staff), total=total)
        + f" -> {demo.folder / 'penalties.txt'}, {slips}"
    )


def _settle(demo: Demo) -> Iterator[str]:
    statement = demo.folder / "settle.xlsx"
    args = ["settle", *_month_args(demo), "--out", str(statement)]
    demo.run(*args, out="settle.txt")
    result = demo.json(*args)
    count, due = len(result["orders"]), result["totals"]["balance_due"]
    yield "$ svctools " + " ".join(args)
    yield (
        demo.say("demo.settle", count=count, due=due)
        + f" -> {demo.folder / 'settle.txt'}, {statement}"
    )


def _report(demo: Demo) -> Iterator[str]:
    from svctools.compute.report_records import RATE, text_value

    report = demo.folder / "report.xlsx"
    args = ["report", *_month_args(demo), "--out", str(report)]
    kpis = demo.json(*args)["kpis"]
    calls, done = kpis["calls"]["value"], kpis["orders_completed"]["value"]
    fttr, sla = (
        text_value(RATE, Decimal(str(kpis[key]["value"])))
        for key in ("first_time_fix_rate", "sla_compliance")
    )
    yield "$ svctools " + " ".join(args)
    yield demo.say("demo.report", calls=calls, done=done, fttr=fttr, sla=sla, report=report)


def _dispatch(demo: Demo) -> Iterator[str]:
    """The morning's plan for the waiting work that demo/dispatch.py put in the book."""
    sheet = demo.folder / "dispatch.xlsx"
    args = ["dispatch", str(demo.book), "--plan", "--as-of", demo.stamp, "--skip-invalid"]
    _, text = demo.run(*args, "--out", str(sheet), out="dispatch.txt")
    yield "$ svctools " + " ".join([*args, "--out", str(sheet)])
    yield from ("  " + line if line else "" for line in text.splitlines()[:-1])
    yield f"  -> {demo.folder / 'dispatch.txt'}, {sheet}"


def _stock(demo: Demo) -> Iterator[str]:
    workbook = demo.folder / "stock.xlsx"
    args = [
        "stock",
        str(demo.book),
        "--as-of",
        demo.stamp,
        "--skip-invalid",
        "--out",
        str(workbook),
    ]
    demo.run(*args, out="stock.txt")
    found = demo.json(*args)
    value = found["totals"]["stock_value"]
    counts = [len(found[key]) for key in ("negative", "counts", "old_parts_overdue")]
    reorder = sum(1 for part in found["parts"] if part["reorder"])
    yield "$ svctools " + " ".join(args)
    yield (
        demo.say(
            "demo.stock",
            value=value,
            negative=counts[0],
            counts=counts[1],
            old=counts[2],
            reorder=reorder,
        )
        + f" -> {demo.folder / 'stock.txt'}, {workbook}"
    )


def _init(demo: Demo) -> Iterator[str]:
    blank = demo.folder / "blank-book.xlsx"
    demo.run("init", str(blank), "--force")
    yield f"$ svctools init {blank}"
    yield f"  -> {blank}"


def _config(demo: Demo) -> Iterator[str]:
    demo.run("config", out="config.txt")
    yield f"$ svctools --config {demo.config} config"
    yield f"  -> {demo.folder / 'config.txt'}"


def _remind(demo: Demo) -> Iterator[str]:
    args = ["remind", "all", str(demo.book), "--as-of", demo.stamp, "--dry-run", "--skip-invalid"]
    due = demo.json(*args)["due"]
    renewals = sum(1 for d in due if d["kind"] == "renewal")
    yield "$ svctools " + " ".join(args)
    digests = len(due) - renewals
    yield demo.say("demo.remind", renewals=renewals, digests=digests, messages=len(due))
    yield f"  -> {demo.folder / 'outbox'}"


def _size(path: Path) -> int:
    return path.stat().st_size


def _sla_risk(demo: Demo) -> Iterator[str]:
    args = ["remind", "sla-risk", str(demo.book), "--as-of", demo.stamp, "--dry-run"]
    args.append("--skip-invalid")
    _, text = demo.run(*args, out="sla-risk.txt")
    result = demo.json(*args)
    chat = sorted((Path(f) for f in result["files"] if f.endswith(".md")), key=_size)
    yield "$ svctools " + " ".join(args)
    yield demo.say("demo.sla_risk", due=len(result["due"]), stamp=demo.stamp, chat=len(chat))
    yield f"  -> {demo.folder / 'sla-risk.txt'}, {demo.folder / 'outbox'}"
    if chat:
        yield ""
        yield from (f"  {line}" for line in chat[-1].read_text("utf-8").splitlines())


def _entitlements(demo: Demo) -> Iterator[str]:
    out = demo.folder / "entitlements.xlsx"
    args = ["entitlements", str(demo.book), "--as-of", demo.stamp, "--skip-invalid"]
    demo.run(*args, "--out", str(out), out="entitlements.txt")
    rights = demo.json(*args)["calls"]
    rules = ", ".join(dict.fromkeys(r["rule"] for r in rights))
    yield "$ svctools " + " ".join([*args, "--out", str(out)])
    yield (
        demo.say("demo.rights", n=len(rights), rules=rules)
        + f" -> {demo.folder / 'entitlements.txt'}, {out}"
    )


# The demo's steps in order; a new command adds its step here.
STEPS: list[Step] = [
    _sla,
    _penalties,
    _settle,
    _report,
    _stock,
    _entitlements,
    _dispatch,
    _init,
    _config,
    _remind,
    _sla_risk,
]


def run_demo(
    root: click.Group, folder: Path, seed: int, as_of: datetime, lang: str
) -> Iterator[str]:
    """Write the demo book and config into ``folder``, run each command, say where results are."""
    folder.mkdir(parents=True, exist_ok=True)
    from svctools.demo.sample import BOOK_NAME, build_demo_book, write_demo_config
    from svctools.outputs.xlsxout import save_workbook

    workbook, planted = build_demo_book(seed, as_of, lang)
    book = save_workbook(workbook, folder / BOOK_NAME)
    config = write_demo_config(folder / "svctools.toml")
    demo = Demo(root, folder, book, config, as_of, lang)
    yield demo.say("demo.book") + f": {book}"
    yield demo.say("demo.config") + f":   {config}"
    yield ""
    yield from _validate(demo, planted)
    for step in STEPS:
        yield ""
        yield from step(demo)


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
    root = ctx.find_root().command
    assert isinstance(root, click.Group)
    for line in run_demo(root, Path(folder), seed=seed, as_of=moment, lang=env.lang):
        click.echo(line)
