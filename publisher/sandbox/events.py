"""Job-finish events, built in WeChat's XML and pushed to the account's webhook.

The push is signed (and encrypted when the account has an EncodingAESKey, i.e. safe
mode) with the sandbox's own crypto. Like WeChat, a push that fails (no HTTP 200
within 5 seconds) is retried, three attempts in all, and then given up: the receiver
is expected to poll. Every delivery is recorded in the state.
"""

from __future__ import annotations

import logging
import time

import requests

from .accounts import SandboxAccount
from .crypto import wechat_post
from .state import SandboxState

logger = logging.getLogger(__name__)

PUSH_ATTEMPTS = 3
PUSH_TIMEOUT = 5.0
PUSH_PAUSE = 0.2


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _header(account: SandboxAccount, created: float, event: str) -> str:
    return (f"<ToUserName>{_cdata(account.original_id)}</ToUserName>"
            f"<FromUserName>{_cdata(account.event_sender)}</FromUserName>"
            f"<CreateTime>{int(created)}</CreateTime>"
            f"<MsgType>{_cdata('event')}</MsgType><Event>{_cdata(event)}</Event>")


def publish_job_finish(account: SandboxAccount, created: float, publish_id: str, status: int,
                       article_id: str | None, urls: list[str], fail_idx: list[int]) -> str:
    """PUBLISHJOBFINISH: article_id and article_detail on success, fail_idx on failure."""
    info = f"<publish_id>{publish_id}</publish_id><publish_status>{status}</publish_status>"
    if article_id:
        items = "".join(f"<item><idx>{i}</idx><article_url>{_cdata(u)}</article_url></item>"
                        for i, u in enumerate(urls, start=1))
        info += (f"<article_id>{_cdata(article_id)}</article_id>"
                 f"<article_detail><count>{len(urls)}</count>{items}</article_detail>")
    info += "".join(f"<fail_idx>{i}</fail_idx>" for i in fail_idx)
    return f"<xml>{_header(account, created, 'PUBLISHJOBFINISH')}<PublishEventInfo>{info}</PublishEventInfo></xml>"


def mass_send_job_finish(account: SandboxAccount, created: float, msg_id: int, status: str,
                         counts: dict[str, int], urls: list[str]) -> str:
    """MASSSENDJOBFINISH with the counts, an empty copyright check and the article URLs."""
    items = "".join(f"<item><ArticleIdx>{i}</ArticleIdx><ArticleUrl>{_cdata(u)}</ArticleUrl></item>"
                    for i, u in enumerate(urls, start=1))
    return (
        f"<xml>{_header(account, created, 'MASSSENDJOBFINISH')}"
        f"<MsgID>{msg_id}</MsgID><Status>{_cdata(status)}</Status>"
        f"<TotalCount>{counts['total']}</TotalCount><FilterCount>{counts['filter']}</FilterCount>"
        f"<SentCount>{counts['sent']}</SentCount><ErrorCount>{counts['error']}</ErrorCount>"
        "<CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>1</CheckState>"
        "</CopyrightCheckResult>"
        f"<ArticleUrlResult><Count>{len(urls)}</Count><ResultList>{items}</ResultList></ArticleUrlResult>"
        "</xml>"
    )


def push(state: SandboxState, account: SandboxAccount, event: str, xml: str, generation: int) -> None:
    """Deliver one event (call outside the state lock: it does network I/O)."""
    record = {"event": event, "appid": account.appid, "push_url": account.push_url, "xml": xml,
              "attempts": 0, "delivered": False, "status_code": None, "error": None}
    if account.push_url:
        mode = "safe" if account.aes_key else "plain"
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            record["attempts"] = attempt
            try:
                response = wechat_post(account.push_url, xml, account, mode=mode, timeout=PUSH_TIMEOUT)
                record["status_code"] = response.status_code
                if response.status_code == 200:
                    record["delivered"], record["error"] = True, None
                    break
                record["error"] = f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
            if attempt < PUSH_ATTEMPTS:
                time.sleep(PUSH_PAUSE)
        if not record["delivered"]:
            logger.warning("sandbox: %s push to %s failed after %d attempts: %s",
                           event, account.push_url, record["attempts"], record["error"])
    else:
        record["error"] = "account has no push_url"
    with state.lock:
        if state.generation == generation:
            state.events.append(record)
