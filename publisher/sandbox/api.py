"""The WeChat API routes: each turns a request into a call on the sandbox's domain modules.

Paths and JSON shapes are WeChat's (and what wechatpy 2.0.0a26 sends): the API base
is the blueprint's root, so `cgi-bin/`, `datacube/` and `customservice/` all sit
under the same host, which proves a client follows its configured base everywhere.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, request

from . import datacube, drafts, media, messages, publishing, tokens
from .edge import Call, api_route
from .errors import WeChatError
from .state import SandboxState


def register_api(bp: Blueprint, state: SandboxState) -> None:
    def route(path: str, methods: tuple[str, ...] = ("POST",), auth: bool = True):
        return api_route(bp, state, path, list(methods), auth=auth)

    @route("cgi-bin/token", methods=("GET",), auth=False)
    def token(call: Call):
        args = request.args
        return tokens.fetch_token(state, args.get("grant_type", ""), args.get("appid", ""), args.get("secret", ""))

    @route("cgi-bin/stable_token", auth=False)
    def stable_token(call: Call):
        body = call.payload()
        return tokens.fetch_stable_token(state, body.get("grant_type", ""), body.get("appid", ""),
                                         body.get("secret", ""), bool(body.get("force_refresh")))

    @route("cgi-bin/material/add_material")
    def add_material(call: Call):
        filename, data = _upload(state, call, "cgi-bin/material/add_material")
        return media.add_material(state, call.appid, request.args.get("type", ""), filename, data, call.base_url)

    @route("cgi-bin/media/uploadimg")
    def uploadimg(call: Call):
        filename, data = _upload(state, call, "cgi-bin/media/uploadimg")
        return media.upload_image(state, call.appid, filename, data, call.base_url)

    @route("cgi-bin/media/upload")
    def upload_temp(call: Call):
        filename, data = _upload(state, call, "cgi-bin/media/upload")
        return media.upload_temp(state, call.appid, request.args.get("type", ""), filename, data)

    @route("cgi-bin/media/get", methods=("GET",))
    def get_temp(call: Call):
        blob = media.get_temp(state, call.appid, request.args.get("media_id", ""))
        extension = blob.content_type.split("/")[-1].replace("jpeg", "jpg")
        return Response(blob.data, mimetype=blob.content_type, headers={
            "Content-disposition": f'attachment; filename="{blob.media_id}.{extension}"'})

    @route("cgi-bin/draft/add")
    def draft_add(call: Call):
        return drafts.add(state, call.appid, call.payload().get("articles"))

    @route("cgi-bin/draft/get")
    def draft_get(call: Call):
        return drafts.get(state, call.appid, call.payload().get("media_id", ""), call.base_url)

    @route("cgi-bin/draft/delete")
    def draft_delete(call: Call):
        return drafts.delete(state, call.appid, call.payload().get("media_id", ""))

    @route("cgi-bin/draft/update")
    def draft_update(call: Call):
        body = call.payload()
        return drafts.update(state, call.appid, body.get("media_id", ""), body.get("index"), body.get("articles"))

    @route("cgi-bin/draft/count", methods=("GET", "POST"))
    def draft_count(call: Call):
        return drafts.count(state, call.appid)

    @route("cgi-bin/draft/batchget")
    def draft_batchget(call: Call):
        body = call.payload()
        return drafts.batchget(state, call.appid, body.get("offset"), body.get("count"),
                               body.get("no_content", 0), call.base_url)

    @route("cgi-bin/freepublish/submit")
    def freepublish_submit(call: Call):
        return publishing.submit(state, call.appid, call.payload().get("media_id", ""), call.base_url, call.fault)

    @route("cgi-bin/freepublish/get")
    def freepublish_get(call: Call):
        return publishing.get_job(state, call.appid, call.payload().get("publish_id", ""))

    @route("cgi-bin/freepublish/getarticle")
    def freepublish_getarticle(call: Call):
        return publishing.get_article(state, call.appid, call.payload().get("article_id", ""))

    @route("cgi-bin/freepublish/batchget")
    def freepublish_batchget(call: Call):
        body = call.payload()
        return publishing.list_published(state, call.appid, body.get("offset"), body.get("count"),
                                         body.get("no_content", 0))

    @route("cgi-bin/freepublish/delete")
    def freepublish_delete(call: Call):
        body = call.payload()
        return publishing.delete_published(state, call.appid, body.get("article_id", ""), body.get("index", 0))

    @route("cgi-bin/message/mass/sendall")
    def mass_sendall(call: Call):
        return publishing.send_all(state, call.appid, call.payload(), call.base_url, call.fault)

    @route("cgi-bin/message/mass/preview")
    def mass_preview(call: Call):
        return publishing.preview(state, call.appid, call.payload())

    @route("cgi-bin/message/mass/get")
    def mass_get(call: Call):
        return publishing.get_mass(state, call.appid, call.payload().get("msg_id"))

    @route("cgi-bin/message/mass/delete")
    def mass_delete(call: Call):
        body = call.payload()
        return publishing.delete_mass(state, call.appid, body.get("msg_id"), body.get("article_idx", 0))

    @route("cgi-bin/message/custom/send")
    def custom_send(call: Call):
        return messages.send_custom(state, call.appid, call.payload())

    @route("datacube/getarticlesummary")
    def article_summary(call: Call):
        body = call.payload()
        return datacube.article_summary(state, call.appid, body.get("begin_date"), body.get("end_date"))

    @route("datacube/getarticletotal")
    def article_total(call: Call):
        body = call.payload()
        return datacube.article_total(state, call.appid, body.get("begin_date"), body.get("end_date"))

    @route("datacube/getuserread")
    def user_read(call: Call):
        body = call.payload()
        return datacube.user_read(state, call.appid, body.get("begin_date"), body.get("end_date"))

    @route("datacube/getusershare")
    def user_share(call: Call):
        body = call.payload()
        return datacube.user_share(state, call.appid, body.get("begin_date"), body.get("end_date"))

    @route("customservice/kfaccount/add")
    def kf_add(call: Call):
        body = call.payload()
        if not body.get("kf_account") or not body.get("nickname"):
            raise WeChatError(40097)
        with state.lock:
            state.kf_accounts.append({"appid": call.appid, "kf_account": body["kf_account"],
                                      "nickname": body["nickname"]})
        return {"errcode": 0, "errmsg": "ok"}

    @route("cgi-bin/template/api_add_template")
    def template_add(call: Call):
        short_id = call.payload().get("template_id_short")
        if not short_id:
            raise WeChatError(40097)
        template_id = secrets.token_urlsafe(32)
        with state.lock:
            state.templates.append({"appid": call.appid, "template_id_short": short_id, "template_id": template_id})
        return {"errcode": 0, "errmsg": "ok", "template_id": template_id}


def _upload(state: SandboxState, call: Call, path: str) -> tuple[str, bytes]:
    """The uploaded file; a request without one is refused and remembered like any bad upload."""
    try:
        return call.upload()
    except WeChatError as error:
        with state.lock:
            state.rejected_uploads.append({"path": path, "appid": call.appid, "errcode": error.errcode,
                                           "filename": None, "size": 0})
        raise
