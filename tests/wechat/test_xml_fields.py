"""The webhook reads a message's fields with ElementTree (built in C) where it used xmltodict:
the fields must come out exactly as xmltodict, which wechatpy reads them with, gives them, for
every shape, right or wrong, so that `_check_shape` refuses what it refused before."""
import pytest
import xmltodict

from publisher.wechat.errors import InvalidMessage
from publisher.wechat.messages import _parse_xml
from tests.wechat.wrong_shapes import WRONG_SHAPES, message

SHAPES = [
    pytest.param(message(), id="text"),
    pytest.param(message(fields="<Content><![CDATA[  查看 1 \n]]></Content>"), id="text-with-spaces"),
    pytest.param(message(fields="<Content></Content>"), id="empty-content"),
    pytest.param(message(fields="<Content/>"), id="self-closed-content"),
    pytest.param(message(fields="<Content>a &amp; b &lt;c&gt;</Content>"), id="escaped-content"),
    pytest.param(message(fields="<Content>前<![CDATA[中]]>后</Content>"), id="mixed-cdata"),
    pytest.param(message(msg_type="image", fields="<PicUrl>http://x/y.jpg</PicUrl><MediaId>m1</MediaId>"), id="image"),
    pytest.param(message(msg_type="event", fields="<Event>PUBLISHJOBFINISH</Event><PublishEventInfo>"
                         "<publish_id>1</publish_id><publish_status>0</publish_status><article_detail>"
                         "<count>2</count><item><idx>1</idx><article_url>u1</article_url></item>"
                         "<item><idx>2</idx><article_url>u2</article_url></item></article_detail>"
                         "</PublishEventInfo>"), id="nested-event-with-a-list"),
    pytest.param(message(fields='<Content lang="zh">帮<b>助</b>了</Content>'), id="attribute-nested-and-tail"),
    pytest.param('<xml a="1"><ToUserName>t</ToUserName></xml>', id="root-with-attribute"),
    *WRONG_SHAPES,
]


@pytest.mark.parametrize("xml", SHAPES)
def test_the_fields_are_those_xmltodict_gives(xml):
    assert _parse_xml(xml.encode("utf-8")) == xmltodict.parse(xml)["xml"]


@pytest.mark.parametrize("xml", [
    pytest.param("<xml></xml>", id="empty-root"),
    pytest.param("<xml>text only</xml>", id="text-root"),
    pytest.param("<message><ToUserName>t</ToUserName></message>", id="other-root"),
    pytest.param("<xml><ToUserName>t</ToUserName>", id="unclosed"),
    pytest.param("<xml><A>&undefined;</A></xml>", id="undefined-entity"),
    pytest.param('<!DOCTYPE x [<!ENTITY e "boom">]><xml><A>&e;</A></xml>', id="entity-declaration"),
])
def test_what_is_not_a_message_is_refused(xml):
    with pytest.raises(InvalidMessage):
        _parse_xml(xml.encode("utf-8"))
