"""WeChat's error codes as the sandbox answers them (errmsg texts are WeChat's own)."""

from __future__ import annotations

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40005: "invalid file type",
    40007: "invalid media_id",
    40008: "invalid message type",
    40009: "invalid image size",
    40013: "invalid appid",
    40014: "invalid access_token",
    40097: "invalid args",
    40114: "invalid index value",
    40125: "invalid appsecret",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41005: "media data missing",
    41039: "invalid url",
    42001: "access_token expired",
    44002: "empty post data",
    44003: "empty news data",
    45001: "media size out of limit",
    45002: "content size out of limit",
    45003: "title size out of limit",
    45004: "description size out of limit",
    45008: "article size out of limit",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45028: "has no masssend quota",
    45047: "out of response count limit",
    45065: "clientmsgid exist",
    45066: "same clientmsgid retry too fast",
    45067: "clientmsgid size out of limit",
    45110: "author size out of limit",
    47001: "data format error",
    53503: "该草稿未通过发布检查",
    53504: "需前往公众平台官网使用该草稿",
    53505: "请手动保存成功后再发表",
    53600: "Article ID 无效",
    61500: "date format error",
    61501: "date range error",
}


def errmsg(errcode: int) -> str:
    return ERRMSG.get(errcode, "sandbox injected error")


class WeChatError(Exception):
    """An error answer: HTTP 200 with {errcode, errmsg} plus any extra fields."""

    def __init__(self, errcode: int, errmsg_text: str | None = None, **extra) -> None:
        super().__init__(errcode)
        self.errcode = errcode
        self.errmsg = errmsg_text or errmsg(errcode)
        self.extra = extra

    def body(self) -> dict:
        return {"errcode": self.errcode, "errmsg": self.errmsg, **self.extra}
