"""What `govpost serve` / `web` say at start-up."""
from types import SimpleNamespace

import pytest

from bot.cli.server import _announce
from publisher.texts import cli as texts
from tests.conftest import make_settings


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "govpost.example.cn"])
def test_serving_the_sandbox_on_a_non_loopback_address_warns(host, runtime, capsys):
    ctx = SimpleNamespace(runtime=runtime)  # a migrated database: the first start makes a console login
    _announce(ctx, host, 8000)
    assert texts.SANDBOX_NOT_LOOPBACK.format(host=host) in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_serving_the_sandbox_on_loopback_does_not_warn(host, runtime, capsys):
    ctx = SimpleNamespace(runtime=runtime)
    _announce(ctx, host, 8000)
    assert capsys.readouterr().err == ""


def test_a_configured_account_served_on_any_address_does_not_warn(capsys):
    settings = make_settings("sqlite://", accounts=[{"name": "default", "appid": "wx0123456789abcdef",
                                                     "secret": "s" * 32, "token": "tok123"}])
    assert not settings.sandbox_mode
    _announce(SimpleNamespace(runtime=SimpleNamespace(settings=settings)), "0.0.0.0", 8000)
    assert capsys.readouterr().err == ""
