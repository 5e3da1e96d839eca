"""The webhook's reply is stamped by the runtime's clock, like every other time it keeps."""
from __future__ import annotations

import re

from publisher.db import transaction
from publisher.models import Staff
from publisher.sandbox import build_text_message, sign

EDITOR = "oEditor000000000000000000001"


def test_a_reply_carries_the_runtime_clock_as_its_create_time(client, runtime, account):
    with transaction(runtime.session_factory) as session:
        session.add(Staff(account_id=account.id, name="张三", role="editor", openid=EDITOR, created_at=runtime.clock.now()))
    token = runtime.settings.default_account.token
    now = int(runtime.clock.now().timestamp())
    params = {"signature": sign(token, now, "n0nce"), "timestamp": str(now), "nonce": "n0nce"}
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=1, create_time=now)

    response = client.post("/wechat", query_string=params, data=xml.encode())

    assert response.status_code == 200
    assert re.search(rb"<CreateTime>(\d+)</CreateTime>", response.data).group(1) == str(now).encode()
