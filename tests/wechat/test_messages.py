"""The webhook side: signatures, AES, parsing (incl. PUBLISHJOBFINISH), safe replies."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
import wechatpy
import xmltodict
from hypothesis import given
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from publisher.wechat.errors import InvalidMessage
from publisher.wechat.messages import (
    PublishJobFinishEvent,
    decrypt_message,
    encrypt_reply,
    parse_message,
    text_reply,
    timestamp_is_fresh,
    verify_signature,
)
from tests.support import STAFF_TEXT_XML as TEXT
from tests.support import WECHAT_ACCOUNT as ACCOUNT

PUBLISHED = """<xml><ToUserName><![CDATA[gh_township]]></ToUserName>
<FromUserName><![CDATA[oSystem00000000000000000000]]></FromUserName>
<CreateTime>1740800100</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[PUBLISHJOBFINISH]]></Event>
<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status>
<article_id><![CDATA[b5O2OUs25HBxRceL7hfReg]]></article_id>
<article_detail><count>2</count>
<item><idx>1</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/one]]></article_url></item>
<item><idx>2</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/two]]></article_url></item>
</article_detail></PublishEventInfo></xml>"""

PUBLISH_FAILED = """<xml><ToUserName><![CDATA[gh_township]]></ToUserName>
<FromUserName><![CDATA[oSystem00000000000000000000]]></FromUserName>
<CreateTime>1740800200</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[PUBLISHJOBFINISH]]></Event>
<PublishEventInfo><publish_id>2247503052</publish_id><publish_status>{status}</publish_status>
{fail_idx}</PublishEventInfo></xml>"""

MASS_SENT = """<xml><ToUserName><![CDATA[gh_township]]></ToUserName>
<FromUserName><![CDATA[oSystem00000000000000000000]]></FromUserName>
<CreateTime>1740800300</CreateTime><MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>1000001625</MsgID>
<Status><![CDATA[send success]]></Status><TotalCount>120</TotalCount><FilterCount>118</FilterCount>
<SentCount>117</SentCount><ErrorCount>1</ErrorCount>
<ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx>
<ArticleUrl><![CDATA[https://mp.weixin.qq.com/s/mass]]></ArticleUrl></item></ResultList></ArticleUrlResult></xml>"""


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


# signatures


def test_signature_of_token_timestamp_nonce_is_accepted():
    assert verify_signature("govposttoken", sign("govposttoken", "1740800000", "42"), "1740800000", "42")


@pytest.mark.parametrize(
    "signature, timestamp, nonce",
    [
        (sign("other", "1740800000", "42"), "1740800000", "42"),
        (sign("govposttoken", "1740800000", "42"), "1740800001", "42"),
        ("", "1740800000", "42"),
        (None, "1740800000", "42"),
        (sign("govposttoken", "1740800000", "42"), None, "42"),
        ("签名", "1740800000", "42"),
    ],
)
def test_wrong_or_missing_signature_is_refused(signature, timestamp, nonce):
    assert not verify_signature("govposttoken", signature, timestamp, nonce)


@pytest.mark.parametrize(
    "timestamp, fresh",
    [("1740800000", True), ("1740800300", True), ("1740799700", True), ("1740799699", False), ("1740800301", False),
     ("", False), (None, False), ("soon", False)],
)
def test_push_older_or_newer_than_the_window_is_not_fresh(timestamp, fresh):
    now = datetime.fromtimestamp(1740800000, tz=timezone.utc)
    assert timestamp_is_fresh(timestamp, now, 300) is fresh


# safe mode


def encrypted_envelope(xml: str, appid: str = ACCOUNT.appid, aes_key: str = ACCOUNT.aes_key) -> tuple[str, bytes]:
    crypto = WeChatCrypto(ACCOUNT.token, aes_key, appid)
    envelope = crypto.encrypt_message(xml, "nonce42", "1740800000")
    parsed = xmltodict.parse(envelope)["xml"]
    # WeChat posts <ToUserName> and <Encrypt>; the signature comes in the query string.
    body = f"<xml><ToUserName><![CDATA[gh_township]]></ToUserName><Encrypt><![CDATA[{parsed['Encrypt']}]]></Encrypt></xml>"
    return parsed["MsgSignature"], body.encode()


def test_encrypted_message_is_decrypted():
    signature, body = encrypted_envelope(TEXT)
    assert decrypt_message(ACCOUNT, signature, "1740800000", "nonce42", body) == TEXT


def test_encrypted_reply_decrypts_back_to_the_reply():
    reply = text_reply("oStaff0000000000000000000001", "gh_township", "收到", create_time=1740800000)
    encrypted = encrypt_reply(ACCOUNT, reply, "nonce7", 1740800001)
    envelope = xmltodict.parse(encrypted)["xml"]
    assert envelope["TimeStamp"] == "1740800001" and envelope["Nonce"] == "nonce7"
    assert decrypt_message(ACCOUNT, envelope["MsgSignature"], "1740800001", "nonce7", encrypted.encode()) == reply


def _other_key_envelope():
    return encrypted_envelope(TEXT, aes_key="B" * 43)


def _body_with(encrypt: str) -> tuple[str, bytes]:
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
    return sign(ACCOUNT.token, "1740800000", "nonce42", encrypt), body


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ("0" * 40, encrypted_envelope(TEXT)[1]), id="bad-signature"),
        pytest.param(lambda: encrypted_envelope(TEXT, appid="wx99999999999999ff"), id="other-appid"),
        pytest.param(_other_key_envelope, id="other-aes-key"),
        pytest.param(lambda: _body_with("not base64 at all!"), id="not-base64"),
        pytest.param(lambda: _body_with("QUJD"), id="short-ciphertext"),
        pytest.param(lambda: _body_with(""), id="empty-encrypt"),
        pytest.param(lambda: (sign(ACCOUNT.token, "1740800000", "nonce42", ""), b"<xml></xml>"), id="no-encrypt"),
        pytest.param(lambda: ("x", b"<xml><Encrypt>"), id="malformed-xml"),
        pytest.param(lambda: ("x", b'<!DOCTYPE xml [<!ENTITY e "x">]><xml><Encrypt>&e;</Encrypt></xml>'), id="dtd"),
        pytest.param(lambda: ("x", b"\xff\xfe garbage"), id="garbage"),
    ],
)
def test_every_bad_encrypted_message_raises_invalid_message(make):
    signature, body = make()
    with pytest.raises(InvalidMessage):
        decrypt_message(ACCOUNT, signature, "1740800000", "nonce42", body)


# parsing


def test_text_message_is_parsed_with_its_msgid_as_dedup_key():
    message = parse_message(TEXT)
    assert message.msg_type == "text" and message.event is None
    assert message.from_openid == "oStaff0000000000000000000001"
    assert message.to_user == "gh_township"
    assert message.content == "新建 乡村振兴"
    assert message.msg_id == "24000000000000001"
    assert message.dedup_key == "msg:24000000000000001"
    assert message.create_time == datetime.fromtimestamp(1740800000, tz=timezone.utc)


def test_image_message_carries_media_id_and_pic_url():
    message = parse_message(
        "<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>image</MsgType><PicUrl>http://img/1.jpg</PicUrl><MediaId>MEDIA1</MediaId><MsgId>7</MsgId></xml>"
    )
    assert (message.msg_type, message.media_id, message.pic_url, message.dedup_key) == (
        "image",
        "MEDIA1",
        "http://img/1.jpg",
        "msg:7",
    )


def test_event_dedup_key_is_sender_create_time_and_event():
    message = parse_message(
        "<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1740800000</CreateTime>"
        "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>HELP</EventKey></xml>"
    )
    assert message.event == "click" and message.event_key == "HELP"
    assert message.dedup_key == "event:oA:1740800000:click"


def test_publishjobfinish_is_a_registered_wechatpy_event():
    assert isinstance(wechatpy.parse_message(PUBLISHED), PublishJobFinishEvent)


def test_publishjobfinish_carries_publish_id_status_article_id_and_urls():
    message = parse_message(PUBLISHED)
    assert message.event == "publishjobfinish"
    assert message.dedup_key == "event:publishjobfinish:2247503051:0"
    job = message.publish_job
    assert job.publish_id == "2247503051" and job.status == 0
    assert job.article_id == "b5O2OUs25HBxRceL7hfReg"
    assert job.articles == [(1, "https://mp.weixin.qq.com/s/one"), (2, "https://mp.weixin.qq.com/s/two")]
    assert job.fail_idx == []


@pytest.mark.parametrize(
    "fail_idx_xml, expected",
    [
        ("<fail_idx>1</fail_idx><fail_idx>3</fail_idx>", [1, 3]),
        ("<fail_idx>2</fail_idx>", [2]),
        ("", []),
    ],
)
def test_failed_publishjobfinish_lists_failing_articles(fail_idx_xml, expected):
    job = parse_message(PUBLISH_FAILED.format(status=4, fail_idx=fail_idx_xml)).publish_job
    assert (job.status, job.article_id, job.articles, job.fail_idx) == (4, None, [], expected)


def test_two_jobs_finishing_in_the_same_second_are_two_messages():
    # WeChat sends every job result from the same sender: sender and time cannot tell them apart.
    first = parse_message(PUBLISHED)
    second = parse_message(PUBLISHED.replace("2247503051", "2247503052"))
    assert (first.from_openid, first.create_time) == (second.from_openid, second.create_time)
    assert first.dedup_key != second.dedup_key
    assert parse_message(MASS_SENT).dedup_key == "event:masssendjobfinish:1000001625"


def test_masssendjobfinish_carries_counts_and_article_urls():
    message = parse_message(MASS_SENT)
    mass = message.mass_send
    assert message.event == "masssendjobfinish" and message.publish_job is None
    assert (mass.msg_id, mass.status) == ("1000001625", "send success")
    assert (mass.total_count, mass.filter_count, mass.sent_count, mass.error_count) == (120, 118, 117, 1)
    assert mass.article_urls == [(1, "https://mp.weixin.qq.com/s/mass")]


def test_unmodelled_event_is_still_parsed():
    message = parse_message(
        "<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>5</CreateTime>"
        "<MsgType>event</MsgType><Event>SOME_NEW_EVENT</Event></xml>"
    )
    assert (message.msg_type, message.event, message.dedup_key) == ("event", "some_new_event", "event:oA:5:some_new_event")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&c;</Content><MsgId>1</MsgId></xml>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&secret;</Content><MsgId>1</MsgId></xml>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE xml SYSTEM "http://attacker.invalid/x.dtd">
<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>"""


def test_wechatpy_parser_itself_refuses_entity_declarations():
    # The fact the platform notes rely on; our own check comes first anyway.
    with pytest.raises(ValueError):
        wechatpy.parse_message(BILLION_LAUGHS)
    with pytest.raises(ValueError):
        wechatpy.parse_message(XXE)


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(BILLION_LAUGHS, id="entity-expansion"),
        pytest.param(XXE, id="xxe"),
        pytest.param(EXTERNAL_DTD, id="external-dtd"),
        pytest.param("<xml><MsgType>text</MsgType>", id="malformed"),
        pytest.param("<xml><ToUserName>gh</ToUserName></xml>", id="no-msgtype"),
        pytest.param("<other><MsgType>text</MsgType></other>", id="wrong-root"),
        pytest.param("<xml/>", id="empty-root"),
        pytest.param("", id="empty"),
        pytest.param(
            "<xml><FromUserName>oA</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>",
            id="bad-create-time",
        ),
        pytest.param(PUBLISH_FAILED.format(status="x", fail_idx=""), id="bad-publish-status"),
    ],
)
def test_hostile_or_broken_xml_raises_invalid_message(xml):
    with pytest.raises(InvalidMessage):
        parse_message(xml)


# replies


def reply_content(xml: str) -> str:
    return xmltodict.parse(xml, strip_whitespace=False)["xml"]["Content"]


def test_text_reply_cannot_be_broken_out_of_by_user_input():
    hostile = "好]]><MsgType><![CDATA[news]]></MsgType><x>"
    xml = text_reply("oA", "gh", hostile, create_time=1)
    parsed = xmltodict.parse(xml)["xml"]
    assert parsed["Content"] == hostile
    assert parsed["MsgType"] == "text"
    assert (parsed["ToUserName"], parsed["FromUserName"], parsed["CreateTime"]) == ("oA", "gh", "1")


@given(st.text())
def test_text_reply_round_trips_any_text(text):
    expected = "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff" and not 0xD800 <= ord(c) <= 0xDFFF))
    # XML parsers normalise CR and CRLF to LF.
    expected = expected.replace("\r\n", "\n").replace("\r", "\n")
    assert (reply_content(text_reply("oA", "gh", text, create_time=1)) or "") == expected
