"""The services: each takes a session, a clock and its collaborators, and does one
thing staff, the CLI or the console ask for."""
