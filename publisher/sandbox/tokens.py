"""Access tokens as WeChat issues and checks them.

`cgi-bin/token` issues a new token on every call and revokes the previous one of the
same kind; `cgi-bin/stable_token` keeps its own token, isolated from the former (as
WeChat documents): a non-forced call returns the current one until it expires, a
forced one (at most 20 a 北京时间 day) replaces it.
"""

from __future__ import annotations

import math
import re
import secrets

from .clock import beijing
from .errors import WeChatError
from .state import SandboxState, Token

FORCED_REFRESHES_PER_DAY = 20
# stable_token: a forced refresh takes effect at most once per 30 s (a second forced call
# within them answers the same token), and in normal mode a token is renewed in its last
# five minutes, the old one staying valid until it expires (WeChat's stable_token doc).
FORCED_REFRESH_SPACING = 30
RENEWAL_OVERLAP = 300
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{32,512}$")


def _issue(state: SandboxState, appid: str, kind: str, *, revoke_previous: bool = True) -> Token:
    previous = state.current_token.get((appid, kind))
    if revoke_previous and previous and previous in state.tokens:
        state.tokens[previous].revoked = True
    token = Token(
        value=f"{state.next_number()}_{secrets.token_urlsafe(96)}",
        appid=appid,
        kind=kind,
        expires_at=state.clock.now() + state.token_ttl,
    )
    state.tokens[token.value] = token
    state.current_token[(appid, kind)] = token.value
    state.tokens_issued[appid][kind] += 1
    return token


def _check_secret(state: SandboxState, appid: str, secret: str, wrong_secret_errcode: int) -> None:
    if not appid:
        raise WeChatError(41002)
    if not secret:
        raise WeChatError(41004)
    account = state.account(appid)
    if not secret or not secrets.compare_digest(secret, account.secret):
        raise WeChatError(wrong_secret_errcode)


def _answer(state: SandboxState, token: Token) -> dict:
    return {"access_token": token.value, "expires_in": max(0, math.ceil(token.expires_at - state.clock.now()))}


def fetch_token(state: SandboxState, grant_type: str, appid: str, secret: str) -> dict:
    """GET cgi-bin/token: a fresh token that makes the previous one invalid."""
    if grant_type != "client_credential":
        raise WeChatError(40002)
    with state.lock:
        # The classic endpoint answers a wrong secret with 40001 (its documented code).
        _check_secret(state, appid, secret, 40001)
        return _answer(state, _issue(state, appid, "token"))


def fetch_stable_token(state: SandboxState, grant_type: str, appid: str, secret: str,
                       force_refresh: bool) -> dict:
    """POST cgi-bin/stable_token: the same token while it is valid, unless forced."""
    if grant_type != "client_credential":
        raise WeChatError(40002)
    with state.lock:
        _check_secret(state, appid, secret, 40125)
        now = state.clock.now()
        current = state.tokens.get(state.current_token.get((appid, "stable"), ""))
        valid = current is not None and not current.revoked and current.expires_at > now
        if force_refresh:
            day = (appid, beijing(now).date().isoformat())
            if state.forced_refreshes[day] >= FORCED_REFRESHES_PER_DAY:
                raise WeChatError(45009)
            state.forced_refreshes[day] += 1
            last = state.last_forced_refresh.get(appid)
            if valid and last is not None and now - last < FORCED_REFRESH_SPACING:
                return _answer(state, current)
            state.last_forced_refresh[appid] = now
            return _answer(state, _issue(state, appid, "stable"))
        if not valid:
            current = _issue(state, appid, "stable")
        elif current.expires_at - now <= RENEWAL_OVERLAP:
            current = _issue(state, appid, "stable", revoke_previous=False)
        return _answer(state, current)


def authenticate(state: SandboxState, access_token: str | None) -> str:
    """The appid an access token belongs to, or WeChat's error for it."""
    if not access_token:
        raise WeChatError(41001)
    if not TOKEN_SHAPE.match(access_token):
        raise WeChatError(40014)
    with state.lock:
        token = state.tokens.get(access_token)
        if token is None or token.revoked:
            raise WeChatError(40001)
        if token.expires_at <= state.clock.now():
            raise WeChatError(42001)
        return token.appid


def invalidate_all(state: SandboxState, appid: str) -> int:
    """Revoke every live token of an account (a sandbox control: the token storm's cause)."""
    with state.lock:
        state.account(appid)
        live = [t for t in state.tokens.values() if t.appid == appid and not t.revoked]
        for token in live:
            token.revoked = True
        return len(live)
