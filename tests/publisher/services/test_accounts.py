"""An account's row and its configuration are joined once, into the context handed down."""
from __future__ import annotations

import pytest

from publisher.services.accounts import AccountContext, account_by_name, account_context, account_contexts, sync_accounts
from publisher.db import transaction
from tests.conftest import make_settings


def test_the_context_carries_the_row_id_and_the_accounts_configuration(runtime):
    with runtime.session_factory() as session:
        row = account_by_name(session, "default")
        context = account_context(session, runtime.settings, "default")
    assert context == AccountContext(row.id, "default", runtime.settings.default_account)
    assert context.display_name == "优干宁镇人民政府"


def test_every_configured_account_with_a_row_in_the_configured_order(database_url, session_factory, clock):
    settings = make_settings(database_url, accounts=[{"name": "west"}, {"name": "east"}])
    with transaction(session_factory) as session:
        sync_accounts(session, settings, clock)
    with session_factory() as session:
        assert [a.name for a in account_contexts(session, settings)] == ["west", "east"]
        only_west = make_settings(database_url, accounts=[{"name": "west"}])
        assert [a.name for a in account_contexts(session, only_west)] == ["west"]
        assert account_context(session, only_west, "east") is None


def test_a_row_of_an_account_no_longer_configured_has_no_context(database_url, session_factory, clock):
    settings = make_settings(database_url, accounts=[{"name": "west"}, {"name": "east"}])
    with transaction(session_factory) as session:
        sync_accounts(session, settings, clock)
    with session_factory() as session:
        with pytest.raises(LookupError, match="east"):
            AccountContext.of(account_by_name(session, "east"), make_settings(database_url, accounts=[{"name": "west"}]))
