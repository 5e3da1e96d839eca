"""The HTTP edge shared by every WeChat API route: call log, faults, token check, JSON.

`api_route` wraps a handler so that each call is counted, may be bent by a fault rule
(see faults.py), is authenticated by its access_token, and answers WeChat's JSON
(errors included, always HTTP 200 as WeChat does).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, request

from .errors import WeChatError
from .faults import FaultRule
from .state import SandboxState
from .tokens import authenticate


@dataclass
class Call:
    """What a handler gets: the caller's appid (None for token endpoints) and the fault in force."""

    appid: str | None
    fault: FaultRule | None

    @property
    def base_url(self) -> str:
        """The sandbox's root URL as the client reached it; article and media URLs start with it."""
        return request.url_root

    def payload(self) -> dict:
        data = request.get_data()
        if not data:
            raise WeChatError(44002)
        try:
            payload = json.loads(data)
        except (UnicodeDecodeError, ValueError):
            raise WeChatError(47001) from None
        if not isinstance(payload, dict):
            raise WeChatError(47001)
        return payload

    def upload(self) -> tuple[str, bytes]:
        """The multipart `media` field: (filename, bytes); absent means WeChat's 41005."""
        storage = request.files.get("media")
        if storage is None:
            raise WeChatError(41005)
        return storage.filename or "", storage.read()


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def drop_connection() -> None:
    """Close the client's connection before any byte of the answer is written.

    The server then fails to write the response and treats it as a dropped client;
    the caller sees a connection closed with no HTTP answer at all.
    """
    connection = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if connection is None:
        raise RuntimeError("this WSGI server does not expose the client socket; cannot drop")
    connection.shutdown(socket.SHUT_RDWR)


def api_route(bp: Blueprint, state: SandboxState, path: str, methods: list[str], *,
              auth: bool = True) -> Callable:
    """Register `handler(call) -> dict | Response` at /<path> with the shared edge behaviour."""

    def register(handler: Callable[[Call], dict | Response]) -> Callable:
        def view() -> Response:
            release = state.release
            with state.lock:
                state.calls[path] += 1
            if state.latency:
                # Outside the lock: calls in flight overlap, as requests to WeChat do.
                time.sleep(state.latency)
            fault = state.faults.take(path)
            if fault and fault.delay:
                release.wait(fault.delay)
            if fault and fault.before == "drop":
                drop_connection()
                return Response("", status=500)  # never reaches the client: the socket is shut
            if fault and fault.http_status:
                return Response("sandbox fault", status=fault.http_status, mimetype="text/plain")
            if fault and fault.errcode is not None:
                return json_response(WeChatError(fault.errcode, fault.errmsg).body())
            try:
                appid = authenticate(state, request.args.get("access_token")) if auth else None
                answer = handler(Call(appid=appid, fault=fault))
            except WeChatError as error:
                answer = error.body()
            response = answer if isinstance(answer, Response) else json_response(answer)
            if fault and fault.after == "hang":
                release.wait(fault.hang)
            elif fault and fault.after == "drop":
                drop_connection()
            elif fault and fault.after == "garble":
                return Response(response.get_data()[:7], status=200, mimetype="application/json")
            return response

        bp.add_url_rule(f"/{path}", endpoint=path.replace("/", "_"), view_func=view, methods=methods)
        return handler

    return register
