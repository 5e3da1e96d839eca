"""Uploads: permanent material, uploadimg pictures and temporary media, with WeChat's refusals."""

from __future__ import annotations

import io

import pytest
import requests
from wechatpy.exceptions import WeChatClientException

from .conftest import PLAIN_APPID, SAFE_APPID
from .samples import GIF, JPEG, KB, PNG, jpeg_of


def errcode_of(call) -> int:
    with pytest.raises(WeChatClientException) as error:
        call()
    return error.value.errcode


def test_thumb_upload_returns_only_a_media_id_whose_bytes_the_sandbox_serves(sandbox, client):
    answer = client.material.add("thumb", ("cover.jpg", JPEG, "image/jpeg"))
    assert "url" not in answer  # add_material: url "仅新增图片素材时会返回该字段"
    picture = requests.get(sandbox.url + f"sandbox/media/{answer['media_id']}", timeout=5)
    assert picture.content == JPEG
    assert picture.headers["Content-Type"] == "image/jpeg"
    assert sandbox.snapshot()["materials"] == {"thumb": 1}


def test_thumb_must_be_a_jpeg_of_at_most_64kb(client):
    assert client.material.add("thumb", ("cover.jpg", jpeg_of(64 * KB), "image/jpeg"))["media_id"]
    assert errcode_of(lambda: client.material.add("thumb", ("cover.jpg", jpeg_of(64 * KB + 1)))) == 40012
    assert errcode_of(lambda: client.material.add("thumb", ("cover.png", PNG))) == 40005


def test_image_material_accepts_png_and_gif(client):
    assert client.material.add("image", ("a.png", PNG))["media_id"]
    assert client.material.add("image", ("a.gif", GIF))["media_id"]
    assert errcode_of(lambda: client.material.add("image", ("a.txt", b"hello"))) == 40005


def test_chinese_file_name_is_refused_with_41005(sandbox, client):
    assert errcode_of(lambda: client.material.add("thumb", ("封面.jpg", JPEG))) == 41005
    assert sandbox.snapshot()["rejected_uploads"][0]["errcode"] == 41005


def test_wechatpy_retry_after_40001_resends_an_empty_file_and_is_refused(sandbox, client):
    client.draft.count()
    sandbox.control("POST", "sandbox/tokens/invalidate", json={"appid": SAFE_APPID}).raise_for_status()
    with pytest.raises(WeChatClientException) as error:
        client.material.add("thumb", ("cover.jpg", io.BytesIO(JPEG)))
    assert error.value.errcode == 41005
    rejected = sandbox.snapshot()["rejected_uploads"]
    assert [(r["errcode"], r["size"]) for r in rejected] == [(41005, 0)]


def test_uploadimg_returns_a_picture_url_and_refuses_big_or_gif_files(client):
    url = client.media.upload_image(("photo.png", PNG))
    assert "/sandbox/mmbiz/" in url
    assert requests.get(url, timeout=5).content == PNG
    assert errcode_of(lambda: client.media.upload_image(("photo.jpg", jpeg_of(1024 * KB)))) == 40009
    assert errcode_of(lambda: client.media.upload_image(("photo.gif", GIF))) == 40005


def test_missing_media_field_is_41005(sandbox):
    token = sandbox.client().access_token
    answer = sandbox.api("POST", "cgi-bin/material/add_material", token, params={"type": "thumb"},
                         files={"other": ("a.jpg", JPEG)})
    assert answer["errcode"] == 41005


def test_temporary_media_downloads_with_its_content_type(client):
    media_id = client.media.upload("image", ("photo.png", PNG))["media_id"]
    response = client.media.download(media_id)
    assert response.content == PNG
    assert response.headers["Content-Type"] == "image/png"


def test_user_sent_image_lives_three_days(sandbox, client):
    answer = sandbox.control("POST", "sandbox/user_media", params={"appid": SAFE_APPID}, data=JPEG).json()
    assert client.media.download(answer["media_id"]).content == JPEG
    sandbox.advance(3 * 24 * 3600 + 1)
    assert errcode_of(lambda: client.media.download(answer["media_id"])) == 40007


def test_temporary_media_of_another_account_or_unknown_is_40007(sandbox, client):
    other = sandbox.control("POST", "sandbox/user_media", params={"appid": PLAIN_APPID}, data=JPEG).json()
    assert errcode_of(lambda: client.media.download(other["media_id"])) == 40007
    assert errcode_of(lambda: client.media.download("nope")) == 40007


def test_oversized_upload_is_refused_with_wechats_errcode_for_its_media_type(client):
    big = jpeg_of(10 * 1024 * KB + 1)
    assert errcode_of(lambda: client.material.add("thumb", ("cover.jpg", jpeg_of(64 * KB + 1)))) == 40012
    assert errcode_of(lambda: client.material.add("image", ("photo.jpg", big))) == 45001
    assert errcode_of(lambda: client.media.upload("image", ("photo.jpg", big))) == 40006
    assert errcode_of(lambda: client.media.upload_image(("photo.jpg", jpeg_of(1024 * KB)))) == 40009
