"""The console's pages, one module per area; importing them registers their routes."""
from bot.console import web  # noqa: F401  (the guard and error pages come first)
from bot.console import filters  # noqa: F401
from bot.console.views import auth, dashboard, ledger, messages, posts, queue, registers, report, staff  # noqa: F401
