"""The sandbox's own routes under /sandbox/: state, faults, clock, resets, pages, pictures.

These are what tests (and the admin console's sandbox mode) drive over HTTP; they need
no access token. Errors here are plain HTTP errors with {"error": ...}, not WeChat's.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from . import media, messages, tokens
from .edge import json_response
from .errors import WeChatError
from .pages import render_article
from .state import SandboxState


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(json_response({"error": "a JSON object is expected"}, 400))
    return body


def register_control(bp: Blueprint, state: SandboxState) -> None:
    @bp.get("/sandbox/state")
    def show_state():
        return json_response(state.snapshot())

    @bp.post("/sandbox/faults")
    def add_fault():
        try:
            rule = state.faults.add(_body())
        except ValueError as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"ok": True, "path": rule.path, "times": rule.times})

    @bp.delete("/sandbox/faults")
    def clear_faults():
        state.faults.clear()
        return json_response({"ok": True})

    @bp.post("/sandbox/reset")
    def reset():
        state.reset()
        return json_response({"ok": True})

    @bp.post("/sandbox/clock")
    def advance_clock():
        seconds = _body().get("advance", 0)
        if not isinstance(seconds, (int, float)) or seconds < 0:
            return json_response({"error": "advance must be a non-negative number of seconds"}, 400)
        return json_response({"now": state.clock.advance(seconds), "offset": state.clock.offset})

    @bp.post("/sandbox/tokens/invalidate")
    def invalidate_tokens():
        try:
            count = tokens.invalidate_all(state, _body().get("appid", ""))
        except WeChatError:
            return json_response({"error": "unknown appid"}, 404)
        return json_response({"ok": True, "invalidated": count})

    @bp.post("/sandbox/user_activity")
    def user_activity():
        body = _body()
        try:
            activity = messages.record_activity(state, body.get("appid", ""), body.get("openid", ""),
                                                body.get("kind") or "message")
        except WeChatError as error:
            return json_response({"error": error.errmsg}, 404 if error.errcode == 40013 else 400)
        return json_response({"ok": True, **activity})

    @bp.post("/sandbox/user_media")
    def user_media():
        """A picture a user sent in chat: raw bytes (or multipart `media`) → temporary media_id."""
        appid = request.args.get("appid", "")
        if appid not in state.accounts:
            return json_response({"error": "unknown appid"}, 404)
        storage = request.files.get("media")
        if storage is not None:
            filename, data = storage.filename or "", storage.read()
        else:
            filename, data = request.args.get("filename", "user.jpg"), request.get_data()
        try:
            answer = media.upload_temp(state, appid, "image", filename, data, path="sandbox/user_media")
        except WeChatError as error:
            return json_response(error.body(), 400)
        return json_response(answer)

    @bp.get("/sandbox/media/<media_id>")
    def material_picture(media_id: str):
        return _picture(media.public_blob(state, media_id, media.MATERIAL_KINDS))

    @bp.get("/sandbox/mmbiz/<image_id>")
    def uploadimg_picture(image_id: str):
        return _picture(media.public_blob(state, image_id, ("uploadimg",)))

    @bp.get("/sandbox/articles/<article_id>/<int:idx>")
    def article_page(article_id: str, idx: int):
        with state.lock:
            publication = state.publications.get(article_id)
            if publication is None or not 1 <= idx <= len(publication.articles) or publication.is_deleted(idx):
                abort(404)
            html = render_article(publication, idx)
        return Response(html, mimetype="text/html")


def _picture(blob) -> Response:
    if blob is None:
        abort(404)
    return Response(blob.data, mimetype=blob.content_type)
