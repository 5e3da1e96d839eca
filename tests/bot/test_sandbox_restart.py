"""In sandbox mode the sandbox served with govpost keeps its state beside the database: a
restarted govpost finds the same "WeChat" (its tokens, drafts and article pages)."""
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.sandbox_accounts import sandbox_state_file
from tests.conftest import make_settings


def test_the_sandbox_state_file_is_beside_a_sqlite_database_and_absent_for_postgresql(tmp_path):
    assert sandbox_state_file(make_settings(f"sqlite:///{tmp_path}/var/govpost.db")) == \
        tmp_path / "var" / "govpost.db.sandbox-state"
    assert sandbox_state_file(make_settings("postgresql://u@h/db")) is None
    assert sandbox_state_file(make_settings("sqlite://")) is None


def test_govpost_restarted_in_sandbox_mode_serves_the_same_sandbox(runtime):
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("the sandbox keeps its state beside a SQLite file; on PostgreSQL it stays in memory")
    assert runtime.settings.sandbox_mode
    account = runtime.settings.default_account
    first = create_app(runtime).test_client()
    token = first.post("/cgi-bin/stable_token", json={"grant_type": "client_credential", "appid": account.appid,
                                                      "secret": account.secret}).get_json()["access_token"]
    store = sandbox_state_file(runtime.settings)
    assert store.exists() and Path(make_url(runtime.settings.database_url).database).parent == store.parent

    restarted = create_app(runtime).test_client()

    count = restarted.post(f"/cgi-bin/draft/count?access_token={token}").get_json()
    assert "errcode" not in count or count["errcode"] == 0, count
    assert restarted.get("/sandbox/state").get_json()["tokens_valid"] == {account.appid: 1}
