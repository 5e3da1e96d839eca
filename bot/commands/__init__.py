"""The chat commands of SPEC §4. Importing this package registers every command module."""
from bot.commands import help  # noqa: F401
from bot.commands import identity  # noqa: F401
from bot.commands import drafting  # noqa: F401
from bot.commands import posts  # noqa: F401
from bot.commands import review  # noqa: F401
from bot.commands import publishing  # noqa: F401
from bot.commands import ledger  # noqa: F401
