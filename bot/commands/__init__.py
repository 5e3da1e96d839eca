"""The chat commands of SPEC §4. Importing this package registers every command module."""
