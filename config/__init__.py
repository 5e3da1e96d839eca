"""The committed configuration files: example settings, topics, word lists, covers, templates.

This folder is data; `publisher.settings` reads it. It is a package only so that the files
travel with an installed govpost.
"""
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
