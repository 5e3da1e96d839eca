"""bot.console.PAGES is the one table of the console's page modules: none is left out."""
from pathlib import Path

from bot.console import PAGES

VIEWS = Path(__file__).resolve().parents[2] / "bot" / "console" / "views"
OWN_BLUEPRINT = {"chat"}  # the sandbox chat, registered only in sandbox mode


def test_every_page_module_is_in_the_table():
    modules = {p.stem for p in VIEWS.glob("*.py") if p.stem != "__init__"} - OWN_BLUEPRINT
    assert {f"bot.console.views.{m}" for m in modules} <= set(PAGES)
