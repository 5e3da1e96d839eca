"""The draft box enforces WeChat's article limits with WeChat's error codes."""

from __future__ import annotations

import pytest
from wechatpy.exceptions import WeChatClientException

from .conftest import PLAIN_APPID
from .samples import JPEG, PNG, article


@pytest.fixture
def thumb(client) -> str:
    return client.material.add("thumb", ("cover.jpg", JPEG))["media_id"]


def refused(client, *articles) -> int:
    with pytest.raises(WeChatClientException) as error:
        client.draft.add(list(articles))
    return error.value.errcode


def test_draft_with_two_articles_round_trips(client, thumb):
    media_id = client.draft.add([article(thumb), article(thumb, title="第二篇")])["media_id"]
    items = client.draft.get(media_id)["news_item"]
    assert [i["title"] for i in items] == ["春耕备耕工作部署会召开", "第二篇"]
    assert items[0]["thumb_media_id"] == thumb
    assert client.draft.count() == {"total_count": 1}
    listed = client.draft.batchget(no_content=1)
    assert listed["total_count"] == 1 and "content" not in listed["item"][0]["content"]["news_item"][0]


def test_draft_update_and_delete(client, thumb):
    media_id = client.draft.add([article(thumb)])["media_id"]
    client.draft.update(media_id, 0, article(thumb, title="更正后的标题"))
    assert client.draft.get(media_id)["news_item"][0]["title"] == "更正后的标题"
    client.draft.delete(media_id)
    assert client.draft.count() == {"total_count": 0}
    with pytest.raises(WeChatClientException) as error:
        client.draft.get(media_id)
    assert error.value.errcode == 40007


@pytest.mark.parametrize("fields, errcode", [
    ({"title": "题" * 33}, 45003),
    ({"author": "作" * 17}, 45110),
    ({"digest": "摘" * 129}, 45004),
    ({"content": "字" * 20_000}, 45002),
    ({"content": "<p>" + "a" * (1024 * 1024) + "</p>"}, 45002),
    ({"title": ""}, 44003),
    ({"content": ""}, 44003),
    ({"thumb_media_id": ""}, 40007),
    ({"thumb_media_id": "not-a-material"}, 40007),
])
def test_field_limits_are_refused_with_wechat_errcodes(client, thumb, fields, errcode):
    assert refused(client, {**article(thumb), **fields}) == errcode


def test_limits_themselves_are_accepted(client, thumb):
    # The stricter reading of "32/16/128 个字": a Chinese character counts as two (limits.py).
    assert client.draft.add([article(thumb, title="题" * 16, author="作" * 8, digest="摘" * 64,
                                     content="字" * 19_999)])["media_id"]
    assert client.draft.add([article(thumb, title="t" * 32, author="a" * 16, digest="d" * 128)])["media_id"]


@pytest.mark.parametrize(("field", "text", "errcode"), [
    ("title", "题" * 17, 45003), ("title", "题" * 15 + "ab" + "c", 45003),
    ("author", "作" * 9, 45110), ("digest", "摘" * 65, 45004),
])
def test_chinese_characters_count_as_two_against_the_limits(client, thumb, field, text, errcode):
    assert refused(client, article(thumb, **{field: text})) == errcode


def test_nine_articles_are_too_many(client, thumb):
    assert client.draft.add([article(thumb)] * 8)["media_id"]
    assert refused(client, *[article(thumb)] * 9) == 45008


def test_thumb_of_another_account_is_refused(sandbox, client):
    foreign = sandbox.client(PLAIN_APPID).material.add("thumb", ("c.jpg", JPEG))["media_id"]
    assert refused(client, article(foreign)) == 40007


def test_image_material_may_serve_as_cover_but_uploadimg_may_not(client):
    image = client.material.add("image", ("c.png", PNG))["media_id"]
    assert client.draft.add([article(image)])["media_id"]
    picture = client.media.upload_image(("p.png", PNG))
    assert refused(client, article(picture.rsplit("/", 1)[-1])) == 40007


def test_foreign_images_are_stripped_from_content_as_wechat_filters_them(sandbox, client, thumb):
    ours = client.media.upload_image(("p.png", PNG))
    content = f'<p>一</p><img src="{ours}"><p>二</p><img src="https://example.com/x.jpg"><IMG SRC="/x.png">'
    media_id = client.draft.add([article(thumb, content=content)])["media_id"]
    saved = client.draft.get(media_id)["news_item"][0]["content"]
    assert saved == f'<p>一</p><img src="{ours}"><p>二</p>'
    assert sandbox.snapshot()["drafts"][0]["stripped_images"] == 2


def test_empty_digest_of_a_single_article_is_taken_from_the_text(client, thumb):
    media_id = client.draft.add([article(thumb, digest="")])["media_id"]
    assert client.draft.get(media_id)["news_item"][0]["digest"] == "3月1日上午，我镇召开春耕备耕工作部署会。"


@pytest.mark.parametrize("url", ["http://example.gov.cn/" + "a" * 1024, "not a url", "javascript:alert(1)"])
def test_source_url_over_1kb_or_malformed_is_41039(client, thumb, url):
    assert refused(client, article(thumb, content_source_url=url)) == 41039


def test_scripts_are_stripped_from_content(client, thumb):
    media_id = client.draft.add([article(thumb, content="<p>正文</p><script>alert(1)</script><p>后文</p>")])["media_id"]
    assert client.draft.get(media_id)["news_item"][0]["content"] == "<p>正文</p><p>后文</p>"


def test_a_multi_article_drafts_digests_are_empty(client, thumb):
    media_id = client.draft.add([article(thumb, digest="第一篇摘要"), article(thumb, digest="第二篇摘要")])["media_id"]
    assert [i["digest"] for i in client.draft.get(media_id)["news_item"]] == ["", ""]
