"""One wording catalogue (issue 13, item 3): every id has its zh and its en; no module outside
``svctools/core`` keeps its own zh/en words (a table keyed by language, a table of (zh, en)
pairs, or a Chinese literal chosen by ``if lang == "zh"``); one spelling of 台帐 throughout."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import svctools
from svctools.core.messages import CATALOGUE, by_lang, say

PACKAGE = Path(svctools.__file__).parent
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# The sample book's rows (names, products, faults) are data, not wording.
DATA = {PACKAGE / "demo"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_id_has_both_languages() -> None:
    assert len(CATALOGUE) > 600
    for message_id, pair in CATALOGUE.items():
        assert isinstance(pair, tuple) and len(pair) == 2, message_id
        zh, en = pair
        assert zh.strip() and en.strip(), message_id
        assert CHINESE.search(zh) or zh == en or not re.search("[a-z]{4}", zh), message_id
        params = dict.fromkeys(_fields(zh) | _fields(en), 1)
        assert say(message_id, "zh", **params) and say(message_id, "en", **params)


def test_by_lang_gives_the_catalogue_words_in_the_shape_asked() -> None:
    table = by_lang({"head": ("col.sheet", "col.row"), "none": "sla.none", "blank": ""})
    assert table["zh"] == {"head": ("工作表", "行"), "none": "没有超时记录。", "blank": ""}
    assert table["en"]["head"] == ("Sheet", "Row") and list(table) == ["zh", "en"]
    with pytest.raises(KeyError):
        table["fr"]


def _chinese(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and bool(CHINESE.search(n.value))
        for n in ast.walk(node)
    )


def _words_outside_the_catalogue(path: Path) -> list[str]:
    """What in ``path`` is zh/en wording that belongs in the catalogue."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if keys & {"zh", "en"}:
                found.append(f"{where}: a table keyed by language")
            pairs = [v for v in node.values if isinstance(v, ast.Tuple) and _chinese(v)]
            if any(
                any(
                    isinstance(e, ast.Constant)
                    and isinstance(e.value, str)
                    and re.search("[A-Za-z]", e.value)
                    and not CHINESE.search(e.value)
                    for e in v.elts
                )
                for v in pairs
            ):
                found.append(f"{where}: a table of (zh, en) pairs")
        if isinstance(node, ast.If | ast.IfExp):
            test = ast.unparse(node.test)
            if re.search(r"\blang\b|\bzh\b", test) and _chinese(node):
                found.append(f"{where}: Chinese chosen by `{test}`")
    return found


def test_no_module_outside_core_keeps_its_own_zh_en_words() -> None:
    modules = [
        path
        for path in PACKAGE.rglob("*.py")
        if "core" not in path.relative_to(PACKAGE).parts[:1]
        and not any(folder in path.parents for folder in DATA)
    ]
    assert len(modules) > 60
    found = [line for path in modules for line in _words_outside_the_catalogue(path)]
    assert found == []


def test_the_scan_finds_a_table_it_should(tmp_path: Path) -> None:
    """The scan itself can fail: each kind of local wording is caught."""
    bad = tmp_path / "probe.py"
    text = (
        'A = {"zh": "是", "en": "yes"}\n'
        'B = {"sent": ("已发送", "sent")}\n'
        'def f(lang):\n    return "截至 " if lang == "zh" else "As of "\n'
    )
    bad.write_text(text, encoding="utf-8")
    found = _words_outside_the_catalogue(bad)
    assert [line.split(": ", 1)[1] for line in found] == [
        "a table keyed by language",
        "a table of (zh, en) pairs",
        "Chinese chosen by `lang == 'zh'`",
    ]


def test_one_spelling_of_the_ledger_word() -> None:
    """SPEC and the seeds write 台帐 (维修台帐, 返修配件台帐): every message, template and
    document says 台帐; only the schema's aliases still accept a sheet a firm named 维修台账."""
    from svctools.core.problems import MESSAGES

    worded = [text for pair in CATALOGUE.values() for text in pair]
    worded += [text for details in MESSAGES.values() for pair in details.values() for text in pair]
    assert len(worded) > 1000 and sum("台帐" in text for text in worded) > 15
    assert [text for text in worded if "台账" in text] == []
    root = PACKAGE.parent
    documents = [root / "README.md", *root.glob("docs/*.md"), *root.glob("templates/*.zh.*")]
    assert len(documents) > 10
    aliases = re.compile("(维修|配件)台账")  # where a document names the accepted sheet names
    spelt = [p.name for p in documents if "台账" in aliases.sub("", p.read_text(encoding="utf-8"))]
    assert spelt == []
