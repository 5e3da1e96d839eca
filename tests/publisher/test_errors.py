"""One refusal type: every refusal a service raises for staff is a `Refusal`, the one type the
edges (dispatcher, console, CLI) catch."""
from __future__ import annotations

import pytest

from publisher.core.timeparse import TimeParseError
from publisher.errors import Refusal
from publisher.lifecycle import IllegalTransition
from publisher.publishing.actions import Refused
from publisher.services.citizen_messages import ReplyRefused
from publisher.services.console_users import LoginRefused
from publisher.services.drafting import ChatError
from publisher.services.ledger import LedgerError
from publisher.services.ledger_import import ImportRejected
from publisher.services.registers import RegisterError
from publisher.services.review import SubmitBlocked
from publisher.services.staff import BindRefused, StaffError


@pytest.mark.parametrize("refusal", [ChatError, SubmitBlocked, StaffError, BindRefused, IllegalTransition,
                                     TimeParseError, Refused, LedgerError, RegisterError, ImportRejected,
                                     LoginRefused, ReplyRefused])
def test_every_refusal_for_staff_is_a_refusal(refusal):
    assert issubclass(refusal, Refusal)


def test_a_time_that_cannot_be_read_is_still_a_value_error():
    # Callers that read a time among other values (the ledger CLI) catch ValueError.
    assert issubclass(TimeParseError, ValueError)
