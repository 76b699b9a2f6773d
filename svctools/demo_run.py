"""The demo's second half: run every command on the demo book and write each result to a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from svctools.checks import validate
from svctools.policy import load_policy
from svctools.problems import ERROR
from svctools.render import dumps, problems_text
from svctools.schema import load_schema
from svctools.sources import open_book
from svctools.xlsxout import write_atomic


def _write_text(path: Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def run_all(book: Path, config: Path, planted: list, as_of: datetime, lang: str) -> Iterator[str]:
    from svctools.annotate import annotate
    from svctools.blank import write_blank_book

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
