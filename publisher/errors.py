"""The one refusal type: a request staff (or an admin at the console or the CLI) made that
cannot be done, and nothing of it is kept. Its message says why, in Chinese, for the person
who asked; the edges (the chat dispatcher, the console, the CLI) catch `Refusal` and show it,
as cosmicpython maps its one service exception to a 400."""


class Refusal(Exception):
    """A request that cannot be done; `str(refusal)` is the Chinese reason for staff."""
