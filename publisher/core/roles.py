"""Who a member of staff is to the account: plain values, so that the command line can offer
the roles without loading the database layer."""
from __future__ import annotations

import enum


class Role(str, enum.Enum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLES = tuple(role.value for role in Role)  # every role, as the CLI and the console offer them
REVIEWER_ROLES = (Role.REVIEWER.value, Role.ADMIN.value)  # who may approve, return and act for an author
