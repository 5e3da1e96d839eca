"""The chat commands of SPEC §4; their table is `bot.commands.table`."""
