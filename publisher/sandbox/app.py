"""The sandbox as a Flask blueprint (mounted at govpost's root) or a standalone app."""

from __future__ import annotations

from collections.abc import Callable

import os

from flask import Blueprint, Flask, request

from .accounts import SandboxAccount
from .api import register_api
from .clock import SandboxClock
from .control import register_control
from .persistence import StateFile
from .publishing import resume_timers
from .state import SandboxState


def create_blueprint(accounts: list[SandboxAccount], *, token_ttl: int = 7200, publish_delay: float = 1.0,
                     clock: Callable[[], float] | None = None, draft_leaves_at_submit: bool = False,
                     latency: float = 0.0, state_file: str | os.PathLike | None = None) -> Blueprint:
    """The sandbox WeChat API for these accounts.

    `token_ttl`: seconds an access token lives; `publish_delay`: real seconds a
    freepublish job or mass send stays in progress; `clock`: the base time source
    (epoch seconds) that `/sandbox/clock` advances; `draft_leaves_at_submit`: take a
    submitted draft out of the draft box at once instead of when its job ends (see
    publisher/sandbox/publishing.py for why keeping it is the default); `latency`: real
    seconds each WeChat API call waits before its answer, a model of the network round
    trip (0: answered at once); `state_file`: where the state is kept across restarts
    (publisher/sandbox/persistence.py; memory only without). The state is `bp.sandbox_state`.
    """
    if publish_delay < 0 or token_ttl <= 0 or latency < 0:
        raise ValueError("publish_delay and latency must be ≥ 0 and token_ttl > 0")
    state = SandboxState(list(accounts), clock=SandboxClock(clock), token_ttl=token_ttl,
                         publish_delay=publish_delay, latency=latency)
    state.draft_leaves_at_submit = draft_leaves_at_submit
    bp = Blueprint("sandbox", __name__)
    register_api(bp, state)
    register_control(bp, state)
    if state_file is not None:
        _keep_in(bp, StateFile(state_file, state))
    bp.sandbox_state = state
    return bp


def _keep_in(bp: Blueprint, store: StateFile) -> None:
    @bp.before_app_request
    def loaded():
        # Read at the first request of each process, not when the app is built: gunicorn
        # builds it in the master and forks, and a worker started later must read what the
        # earlier one saved; the timers of jobs still in progress are threads, which must
        # start in the process that serves, never in the master before the fork.
        if store.open_in_this_process():
            resume_timers(store.state)

    @bp.after_request  # the sandbox's requests only: the app's others (the webhook) change nothing here
    def saved(response):
        # Any API call may change the state (even a GET: cgi-bin/token issues a token, and
        # every call is counted); the sandbox's own pages and /sandbox/state only read.
        if not (request.method == "GET" and request.path.startswith("/sandbox/")):
            store.save()
        return response


def create_app(accounts: list[SandboxAccount], **kwargs) -> Flask:
    """A Flask app serving only the sandbox (`govpost sandbox`, tests)."""
    app = Flask(__name__)
    blueprint = create_blueprint(accounts, **kwargs)
    app.register_blueprint(blueprint)
    app.extensions["sandbox"] = blueprint.sandbox_state
    return app
