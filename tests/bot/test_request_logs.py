"""Request logs never print what a replay or an impersonation needs (issue 9, F1): the
webhook's signature, msg_signature, timestamp, nonce and openid, nor the sandbox API's
access_token and secret, in werkzeug's log (govpost serve/web) or gunicorn's access log."""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import requests
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from bot.logs import REDACTED_PARAMETERS, redact_request_logs
from publisher.sandbox import build_text_message, sign

EDITOR = "oEditorSecretOpenid000000001"


def test_the_dev_servers_request_lines_hide_the_webhook_query(live, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    ts, nonce = int(time.time()), "nonceNeverLogged"
    xml = build_text_message("gh_township", EDITOR, "帮助", msg_id=770001)

    assert live.post(xml, timestamp=ts, nonce=nonce).status_code == 200
    assert requests.get(live.url + "/wechat", params={"signature": sign(live.account.token, str(ts), nonce),
                                                      "timestamp": ts, "nonce": nonce, "echostr": "e1"}).ok

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug" and "/wechat" in r.getMessage()]
    assert len(lines) == 2
    for secret in (sign(live.account.token, str(ts), nonce), str(ts), nonce, EDITOR):
        assert not any(secret in line for line in lines), secret
    assert all("signature=***" in line and "nonce=***" in line for line in lines)
    assert "msg_signature=***" in lines[0] and "openid=***" in lines[0]  # safe mode's POST


def test_the_sandbox_api_request_lines_hide_access_token_and_secret(live, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    secret = live.runtime.settings.default_account.secret
    token = requests.get(live.url + "/cgi-bin/token", params={"grant_type": "client_credential",
                                                             "appid": live.account.appid, "secret": secret}).json()
    requests.get(live.url + "/cgi-bin/get_api_domain_ip", params={"access_token": token["access_token"]})

    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "/cgi-bin/token" in text and "/cgi-bin/get_api_domain_ip" in text
    assert secret not in text and token["access_token"] not in text
    assert "secret=***" in text and "access_token=***" in text


def test_gunicorns_access_log_hides_the_webhook_query(tmp_path):
    redact_request_logs()  # what create_app does in every gunicorn worker
    path = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(path))
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s q=%(q)s')
    logger = GunicornLogger(cfg)
    query = "&".join(f"{name}=VALUE{index}" for index, name in enumerate(REDACTED_PARAMETERS)) + "&appid=wx1"
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/wechat?" + query, "PATH_INFO": "/wechat",
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.9"}
    response = SimpleNamespace(status="200 OK", sent=7, headers=[])

    try:
        logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    finally:
        for handler in list(logger.access_log.handlers):
            handler.close()
            logger.access_log.removeHandler(handler)

    written = path.read_text(encoding="utf-8")
    assert "POST /wechat?" in written and "appid=wx1" in written
    assert "VALUE" not in written
    assert written.count("=***") == 2 * len(REDACTED_PARAMETERS)


@pytest.mark.parametrize("name", REDACTED_PARAMETERS)
def test_every_redacted_parameter_is_hidden_wherever_it_stands_in_the_query(name):
    from bot.logs import RedactQuerySecrets

    for line in (f"GET /x?{name}=abc HTTP/1.1", f"GET /x?a=1&{name}=abc&b=2 HTTP/1.1", f"q={name}=abc"):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s', (line, 200), None)
        RedactQuerySecrets().filter(record)
        assert "abc" not in record.getMessage() and f"{name}=***" in record.getMessage()
