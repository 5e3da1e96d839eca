"""The console's pages, one module per area; `bot.console.PAGES` lists the modules served."""
