"""click's own messages in Chinese (publisher/texts/click.py).

click marks its messages for gettext but calls the module-level `gettext.gettext` of the global
domain, which only reads compiled .mo files and would translate every other library using that
domain too (pallets/click#2706). Instead each click module's `_` and `ngettext` are pointed at
govpost's catalogue; an unknown message id passes through in English, as gettext does."""
from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from publisher.texts.click import MESSAGES, PLURALS

CLICK_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser,
                 click.termui, click.types)


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return PLURALS.get((singular, plural)) or (singular if count == 1 else plural)


def install() -> None:
    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
