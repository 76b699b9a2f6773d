"""click's usage errors in the clerk's language: click asks ``gettext`` for each of its strings
(``_("Missing argument")``); here its modules ask the wording catalogue instead.

Why not a gettext catalogue: click calls the process-wide ``gettext.gettext`` (domain
``messages``, language from ``$LANGUAGE``/``$LANG``), so one would mean a compiled ``.mo`` file
and changing the environment of the whole process. Instead each click module's ``_`` and
``ngettext`` are pointed at two small functions that look click's English up among the
catalogue's ``click.*`` entries (``core.click_words``) and answer in ``CLICK_LANG``. A string
not found (a click upgrade changed it) stays English: never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from svctools.core.messages import CATALOGUE, EN


class RunLang:
    """The language of one command line, found when click first needs a word: the last
    ``--lang`` typed (anywhere: a usage error may come before it is parsed); else English for
    a help page (its text is English, as docs/cli.md); else the config's ``lang``
    (``--config``, ``$SVCTOOLS_CONFIG``, ``./svctools.toml``), else zh."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv, self.value = list(argv), ""

    def get(self) -> str:
        if not self.value:
            self.value = self._find()
        return self.value

    def _find(self) -> str:
        typed = _values(self.argv, "--lang")
        chosen = [value for value in typed if value in ("zh", "en")]
        if chosen:
            return chosen[-1]
        if not self.argv or HELP & set(self.argv):
            return EN
        from svctools.core.policy import peek_lang

        configs = _values(self.argv, "--config")
        return peek_lang(configs[-1] if configs else None)


def _values(argv: list[str], option: str) -> list[str]:
    """Every value given to ``option`` as ``--option V`` or ``--option=V``."""
    found = [b for a, b in zip(argv, argv[1:], strict=False) if a == option]
    found += [a.split("=", 1)[1] for a in argv if a.startswith(option + "=")]
    return found


HELP = frozenset({"--help", "-h"})

# The language of click's own words in this run: set by SvctoolsGroup.main before parsing;
# outside a run (docs/cli.md made from the commands) click keeps its English.
CLICK_LANG: ContextVar[RunLang | None] = ContextVar("svctools_click_lang", default=None)

_ZH = {en: zh for key, (zh, en) in CATALOGUE.items() if key.startswith("click.")}
_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.types,
)


def gettext(message: str) -> str:
    """click's ``_``: its English, or the catalogue's zh for it when the run speaks zh."""
    run = CLICK_LANG.get()
    if run is None or run.get() == EN:
        return message
    return _ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``: English chooses by number, the zh side is the same for both."""
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's modules at the catalogue (idempotent: the same functions each time)."""
    for module in _MODULES:
        module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
