"""The composition root: one gateway per account, made by the factory it is given."""
from __future__ import annotations

import pytest

from publisher.runtime import Runtime
from publisher.wechat import WeChatGateway
from tests.conftest import make_settings
from tests.fakes import Unreachable, factory_of


def test_the_real_wechat_gateway_is_the_default(database_url, db_engine, session_factory, clock):
    settings = make_settings(database_url, wechat_api_base="http://127.0.0.1:9/")
    runtime = Runtime(settings, db_engine, session_factory, clock)
    assert isinstance(runtime.gateway("default"), WeChatGateway)


def test_a_runtime_hands_out_the_gateway_its_factory_makes_once_per_account(runtime):
    fake = Unreachable()
    made = []

    def factory(settings, account, token_store):
        made.append(account.name)
        return factory_of(fake)(settings, account, token_store)

    runtime = Runtime(runtime.settings, runtime.engine, runtime.session_factory, runtime.clock,
                      gateway_factory=factory)
    assert runtime.gateway("default") is fake and runtime.gateway("default") is fake
    assert made == ["default"]


def test_an_unknown_account_has_no_gateway(runtime):
    with pytest.raises(LookupError):
        runtime.gateway("nowhere")


def test_sandbox_credentials_never_reach_the_real_wechat_api(runtime):
    with pytest.raises(LookupError, match="GOVPOST_WECHAT_API_BASE"):
        runtime.gateway("default")


def test_the_real_gateway_and_the_fakes_offer_every_call_of_the_gateway_seam(clock):
    from publisher.wechat import Gateway
    from tests.fakes import FakeWeChat

    assert issubclass(WeChatGateway, Gateway)
    assert isinstance(FakeWeChat(clock), Gateway)
