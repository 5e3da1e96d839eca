"""The sandbox as a Flask blueprint (mounted at govpost's root) or a standalone app."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask

from .accounts import SandboxAccount
from .api import register_api
from .clock import SandboxClock
from .control import register_control
from .state import SandboxState


def create_blueprint(accounts: list[SandboxAccount], *, token_ttl: int = 7200, publish_delay: float = 1.0,
                     clock: Callable[[], float] | None = None, draft_leaves_at_submit: bool = False,
                     latency: float = 0.0) -> Blueprint:
    """The sandbox WeChat API for these accounts.

    `token_ttl`: seconds an access token lives; `publish_delay`: real seconds a
    freepublish job or mass send stays in progress; `clock`: the base time source
    (epoch seconds) that `/sandbox/clock` advances; `draft_leaves_at_submit`: take a
    submitted draft out of the draft box at once instead of when its job ends (see
    publisher/sandbox/publishing.py for why keeping it is the default); `latency`: real
    seconds each WeChat API call waits before its answer, a model of the network round
    trip (0: answered at once). The state is `bp.sandbox_state`.
    """
    if publish_delay < 0 or token_ttl <= 0 or latency < 0:
        raise ValueError("publish_delay and latency must be ≥ 0 and token_ttl > 0")
    state = SandboxState(list(accounts), clock=SandboxClock(clock), token_ttl=token_ttl,
                         publish_delay=publish_delay, latency=latency)
    state.draft_leaves_at_submit = draft_leaves_at_submit
    bp = Blueprint("sandbox", __name__)
    register_api(bp, state)
    register_control(bp, state)
    bp.sandbox_state = state
    return bp


def create_app(accounts: list[SandboxAccount], **kwargs) -> Flask:
    """A Flask app serving only the sandbox (`govpost sandbox`, tests)."""
    app = Flask(__name__)
    blueprint = create_blueprint(accounts, **kwargs)
    app.register_blueprint(blueprint)
    app.extensions["sandbox"] = blueprint.sandbox_state
    return app
