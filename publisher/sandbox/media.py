"""Permanent material, uploadimg pictures and temporary media (what staff send in chat)."""

from __future__ import annotations

import secrets

from .errors import WeChatError
from .limits import check_upload
from .state import Blob, SandboxState

TEMP_MEDIA_TTL = 3 * 24 * 3600
MATERIAL_KINDS = ("thumb", "image")
TEMP_KINDS = {"image": "temp_image", "thumb": "thumb"}


def _store(state: SandboxState, appid: str, kind: str, filename: str, data: bytes,
           content_type: str, media_id: str) -> Blob:
    blob = Blob(media_id=media_id, appid=appid, kind=kind, data=data, content_type=content_type,
                filename=filename, created_at=state.clock.now())
    state.blobs[media_id] = blob
    return blob


def _checked(state: SandboxState, path: str, appid: str, rule: str, filename: str, data: bytes) -> str:
    """check_upload, remembering refusals: a retried upload that arrives empty must show."""
    try:
        return check_upload(rule, filename, data)
    except WeChatError as error:
        with state.lock:
            state.rejected_uploads.append({"path": path, "appid": appid, "errcode": error.errcode,
                                           "filename": filename, "size": len(data)})
        raise


def add_material(state: SandboxState, appid: str, kind: str, filename: str, data: bytes,
                 base_url: str) -> dict:
    if kind not in MATERIAL_KINDS:
        raise WeChatError(40004)
    content_type = _checked(state, "cgi-bin/material/add_material", appid, kind, filename, data)
    with state.lock:
        blob = _store(state, appid, kind, filename, data, content_type, secrets.token_urlsafe(32))
    if kind != "image":
        # add_material: url "仅新增图片素材时会返回该字段"; a thumb gets only its media_id.
        return {"media_id": blob.media_id}
    return {"media_id": blob.media_id, "url": f"{base_url}sandbox/media/{blob.media_id}"}


def upload_image(state: SandboxState, appid: str, filename: str, data: bytes, base_url: str) -> dict:
    content_type = _checked(state, "cgi-bin/media/uploadimg", appid, "uploadimg", filename, data)
    with state.lock:
        blob = _store(state, appid, "uploadimg", filename, data, content_type, secrets.token_urlsafe(24))
    return {"url": f"{base_url}sandbox/mmbiz/{blob.media_id}"}


def upload_temp(state: SandboxState, appid: str, media_type: str, filename: str, data: bytes,
                path: str = "cgi-bin/media/upload") -> dict:
    if media_type not in TEMP_KINDS:
        raise WeChatError(40004)
    content_type = _checked(state, path, appid, TEMP_KINDS[media_type], filename, data)
    with state.lock:
        blob = _store(state, appid, "temp", filename, data, content_type, secrets.token_urlsafe(48))
    return {"type": media_type, "media_id": blob.media_id, "created_at": int(blob.created_at)}


def get_temp(state: SandboxState, appid: str, media_id: str) -> Blob:
    with state.lock:
        blob = state.blobs.get(media_id)
        if (blob is None or blob.kind != "temp" or blob.appid != appid
                or state.clock.now() - blob.created_at > TEMP_MEDIA_TTL):
            raise WeChatError(40007)
        return blob


def is_cover(state: SandboxState, appid: str, media_id: str) -> bool:
    """A draft's thumb_media_id must be permanent thumb or image material of the same account."""
    with state.lock:
        blob = state.blobs.get(media_id)
        return blob is not None and blob.appid == appid and blob.kind in MATERIAL_KINDS


def is_uploadimg(state: SandboxState, image_id: str) -> bool:
    with state.lock:
        blob = state.blobs.get(image_id)
        return blob is not None and blob.kind == "uploadimg"


def public_blob(state: SandboxState, media_id: str, kinds: tuple[str, ...]) -> Blob | None:
    """Bytes served at the sandbox's own picture URLs (like mmbiz.qpic.cn, no token)."""
    with state.lock:
        blob = state.blobs.get(media_id)
        return blob if blob is not None and blob.kind in kinds else None
