"""Messages WeChat never sends, one per way of being wrong: shared by the parser's tests and
the webhook's (which posts each, in plain and in safe mode)."""
import pytest

BASE = ("<xml><ToUserName><![CDATA[gh_township]]></ToUserName>{from_}<CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}<MsgId>{msg_id}</MsgId></xml>")
FROM = "<FromUserName><![CDATA[oStaff0000000000000000000001]]></FromUserName>"


def message(*, from_=FROM, created="1740800000", msg_type="text", fields="<Content>帮助</Content>",
            msg_id="24000000000000001") -> str:
    return BASE.format(from_=from_, created=created, msg_type=msg_type, fields=fields, msg_id=msg_id)


WRONG_SHAPES = [
    pytest.param(message(fields="<Content>通过 1</Content><Content>通过 2</Content>"), id="content-twice"),
    pytest.param(message(fields="<Content><b>通过</b></Content>"), id="content-nested"),
    pytest.param(message(fields='<Content lang="zh">帮助</Content>'), id="content-with-attribute"),
    pytest.param(message(from_=FROM + FROM), id="sender-twice"),
    pytest.param(message(from_=""), id="no-sender"),
    pytest.param(message(from_="<FromUserName></FromUserName>"), id="empty-sender"),
    pytest.param(message(from_=f"<FromUserName>{'o' * 80}</FromUserName>"), id="sender-80-characters"),
    pytest.param(message(msg_type=""), id="empty-msg-type"),
    pytest.param(message(msg_type="t" * 40), id="msg-type-40-characters"),
    pytest.param(message(created="yesterday"), id="create-time-not-a-number"),
    pytest.param(message(created="1" * 30), id="create-time-30-digits"),
    pytest.param(message(created="-5"), id="create-time-negative"),
    pytest.param(message(msg_id="9" * 200), id="msgid-200-digits"),
    pytest.param(message(msg_id="12ab"), id="msgid-not-a-number"),
    pytest.param(message(msg_id="１２３"), id="msgid-full-width-digits"),
    pytest.param(message(msg_type="image", fields=f"<PicUrl>x</PicUrl><MediaId>{'m' * 200}</MediaId>"),
                 id="media-id-200-characters"),
    pytest.param(message(msg_type="event", fields=f"<Event>{'E' * 40}</Event>"), id="event-name-40-characters"),
    pytest.param(message(msg_type="event", fields="<Event>PUBLISHJOBFINISH</Event><PublishEventInfo>"
                         f"<publish_id>{'1' * 100}</publish_id><publish_status>0</publish_status></PublishEventInfo>"),
                 id="publish-id-100-digits"),
    pytest.param(message(msg_type="event", fields="<Event>PUBLISHJOBFINISH</Event><PublishEventInfo>"
                         "<publish_id>1</publish_id><publish_status>zero</publish_status></PublishEventInfo>"),
                 id="publish-status-not-a-number"),
    pytest.param(message(msg_type="event", fields="<Event>PUBLISHJOBFINISH</Event><PublishEventInfo>"
                         "<publish_id>1</publish_id><publish_status>0</publish_status><article_detail><item><idx>1</idx>"
                         f"<article_url>https://mp.weixin.qq.com/s/{'u' * 600}</article_url></item></article_detail>"
                         "</PublishEventInfo>"), id="article-url-600-characters"),
    pytest.param(message(msg_type="event", fields="<Event>PUBLISHJOBFINISH</Event><PublishEventInfo>text</PublishEventInfo>"),
                 id="publish-info-not-nested"),
]


