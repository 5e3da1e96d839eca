"""Migration 0008: codes issued before invite codes were keyed (bare SHA-256, which cannot be
re-hashed) are cancelled, so none of them binds after the upgrade."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import select, text

from publisher.services.audit import SYSTEM
from publisher.migrate import alembic_config, upgrade
from publisher.core.clock import FixedClock
from publisher.models import Account, InviteCode
from publisher.services.staff import BindRefused, bind
from publisher.texts import staff as texts

KEY = b"test-secret-key"


def test_open_codes_from_before_the_keyed_hash_are_cancelled_by_the_upgrade(db_engine, session_factory):
    config = alembic_config(db_engine.url.render_as_string(hide_password=False))
    with db_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    now = datetime.now(timezone.utc)
    with db_engine.begin() as connection:
        connection.execute(text("INSERT INTO accounts (id, name, display_name, appid, mode, created_at) "
                                "VALUES (1, 'default', '镇', 'wx-sandbox', 'freepublish', :now)"), {"now": now})
        connection.execute(text("INSERT INTO staff (id, account_id, name, role, active, created_at) "
                                "VALUES (1, 1, '周审核', 'reviewer', true, :now), (2, 1, '钱编辑', 'editor', true, :now)"),
                           {"now": now})
        for staff_id, code, used in ((1, "LEGACY23", None), (2, "SPENT234", now)):
            connection.execute(text("INSERT INTO invite_codes (staff_id, code_hash, created_at, expires_at, used_at) "
                                    "VALUES (:staff, :hash, :now, :later, :used)"),
                               {"staff": staff_id, "hash": hashlib.sha256(code.encode()).hexdigest(), "now": now,
                                "later": now + timedelta(hours=72), "used": used})

    upgrade(db_engine)

    with session_factory() as session:
        codes = {c.staff_id: c for c in session.scalars(select(InviteCode))}
        assert codes[1].cancelled_at is not None and codes[1].used_at is None
        assert codes[2].cancelled_at is None and codes[2].used_at is not None
    for code in ("LEGACY23", "SPENT234"):
        with session_factory.begin() as session, pytest.raises(BindRefused) as refused:
            bind(session, session.get(Account, 1), f"o-{code}", code, clock=FixedClock(now), actor=SYSTEM, key=KEY)
        assert str(refused.value) == texts.CODE_INVALID
