"""Publishing: freepublish jobs (发布) and mass sends (群发), each finishing after a delay.

A submitted job stays "publishing" for `publish_delay` real seconds, then a timer
finishes it: it becomes a Publication with pages, and the job-finish event is pushed.
The articles are copied at submit time, as WeChat does, so later draft edits do not change
what goes out.

When a submitted draft leaves the draft box is not documented. WeChat says only that a
draft leaves once published ("上传到草稿箱中的素材被群发或发布后，该素材将从草稿箱中移除")
and that a failed job keeps a backup ("若在发表过程中出现系统失败，草稿箱中会保留这份草稿的
备份"). So by default the sandbox keeps the draft in the box until the job ends (it leaves
when the job goes out, and stays when it fails): that is the stricter reading for govpost,
whose reconcile must then not take "still in the box" to mean "never submitted" while a
job may be running, and it is the reading under which a repeated submit would publish
twice. `state.draft_leaves_at_submit` (create_blueprint's `draft_leaves_at_submit=True`)
gives the other reading: the draft leaves at submit and a failed job puts it back. govpost
is tested against both. A mass send's draft leaves only when the send succeeds.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime

from . import drafts, events
from .clock import beijing
from .errors import WeChatError
from .faults import FaultRule
from .state import MassSend, Publication, PublishJob, SandboxState

CLIENTMSGID_WINDOW = 24 * 3600
CLIENTMSGID_RETRY_SPACING = 60  # 45066: 相同 clientmsgid 重试速度过快，请间隔1分钟重试
CLIENTMSGID_MAX_BYTES = 64
MASS_QUOTA = {"subscription": ("day", 1), "service": ("month", 4)}
FOLLOWERS = 1000
TAG_MEMBERS = 100
PUBLISH_ID_BASE = 2_247_483_000
MSG_ID_BASE = 1_000_000_000


def _later(state: SandboxState, action, *args) -> None:
    timer = threading.Timer(state.publish_delay, action, args=(state, *args, state.generation))
    timer.daemon = True
    timer.start()


def resume_timers(state: SandboxState) -> None:
    """After a restart: the jobs and mass sends that were in progress finish, as WeChat's did."""
    with state.lock:
        jobs = [j.publish_id for j in state.jobs.values() if j.status == 1]
        sends = [m.msg_id for m in state.mass_sends.values() if m.msg_status == "SENDING"]
    for publish_id in jobs:
        _later(state, _finish_job, publish_id)
    for msg_id in sends:
        _later(state, _finish_mass, msg_id)


def _publication(state: SandboxState, appid: str, source: str, articles: list[dict], base_url: str,
                 msg_data_id: int) -> Publication:
    publication = Publication(article_id=secrets.token_urlsafe(32), appid=appid, source=source,
                              articles=[dict(a) for a in articles], base_url=base_url,
                              published_at=state.clock.now(), msg_data_id=msg_data_id)
    state.publications[publication.article_id] = publication
    return publication


def _find_publication(state: SandboxState, appid: str, article_id: str, source: str) -> Publication:
    publication = state.publications.get(article_id)
    if publication is None or publication.appid != appid or publication.source != source:
        # freepublish's errcode list: 53600 Article ID 无效 (not the media errcode 40007).
        raise WeChatError(53600)
    return publication


def _delete_items(publication: Publication, index) -> None:
    if not isinstance(index, int) or not 0 <= index <= len(publication.articles):
        raise WeChatError(40097)
    wanted = range(1, len(publication.articles) + 1) if index == 0 else [index]
    publication.deleted_idx.update(wanted)


# freepublish


def submit(state: SandboxState, appid: str, media_id: str, base_url: str, fault: FaultRule | None) -> dict:
    draft = drafts.find(state, appid, media_id)
    with state.lock:
        number = state.next_number()
        job = PublishJob(publish_id=str(PUBLISH_ID_BASE + number), appid=appid, draft_media_id=media_id,
                         articles=[dict(a) for a in draft.articles], base_url=base_url,
                         msg_data_id=PUBLISH_ID_BASE + number, submitted_at=state.clock.now())
        if fault is not None and fault.publish_status is not None:
            job.final_status = fault.publish_status
            job.final_fail_idx = list(fault.fail_idx)
        state.jobs[job.publish_id] = job
        if state.draft_leaves_at_submit:
            state.drafts.pop(media_id, None)
            state.submitted_drafts[job.publish_id] = draft
    _later(state, _finish_job, job.publish_id)
    return {"errcode": 0, "errmsg": "ok", "publish_id": job.publish_id, "msg_data_id": job.msg_data_id}


def _finish_job(state: SandboxState, publish_id: str, generation: int) -> None:
    with state.lock:
        job = state.jobs.get(publish_id)
        if state.generation != generation or job is None or job.status != 1:
            return
        job.status, job.finished_at = job.final_status, state.clock.now()
        urls: list[str] = []
        if job.status in (0, 5, 6):
            publication = _publication(state, job.appid, "freepublish", job.articles, job.base_url,
                                       job.msg_data_id)
            job.article_id = publication.article_id
            urls = [publication.url(i) for i in range(1, len(job.articles) + 1)]
            state.submitted_drafts.pop(publish_id, None)
            state.drafts.pop(job.draft_media_id, None)  # published: it leaves the box (if still there)
            if job.status in (5, 6):
                # 已被删除 / 已被封禁: it went out, and is gone from the account by the time
                # the job is reported.
                publication.deleted_idx.update(range(1, len(job.articles) + 1))
        else:
            job.fail_idx = list(job.final_fail_idx)
            draft = state.submitted_drafts.pop(publish_id, None)
            if draft is not None:  # the failed job's draft is back in the draft box
                state.drafts.setdefault(draft.media_id, draft)
        account = state.accounts[job.appid]
        xml = events.publish_job_finish(account, job.finished_at, job.publish_id, job.status,
                                        job.article_id, urls, job.fail_idx)
    events.push(state, account, "PUBLISHJOBFINISH", xml, generation)


def _article_detail(publication: Publication) -> dict:
    items = [{"idx": i, "article_url": publication.url(i)} for i in range(1, len(publication.articles) + 1)]
    return {"count": len(items), "item": items}


def get_job(state: SandboxState, appid: str, publish_id) -> dict:
    with state.lock:
        job = state.jobs.get(str(publish_id))
        if job is None or job.appid != appid:
            raise WeChatError(40007)
        answer = {"publish_id": job.publish_id, "publish_status": job.status}
        if job.article_id:
            answer["article_id"] = job.article_id
            answer["article_detail"] = _article_detail(state.publications[job.article_id])
        answer["fail_idx"] = list(job.fail_idx)
        return answer


def _news_items(publication: Publication, no_content: bool) -> list[dict]:
    items = drafts.news_items(publication.articles, publication.base_url)
    for idx, item in enumerate(items, start=1):
        item["url"] = publication.url(idx)
        item["is_deleted"] = publication.is_deleted(idx)
        if no_content:
            item.pop("content")
    return items


def get_article(state: SandboxState, appid: str, article_id: str) -> dict:
    with state.lock:
        publication = _find_publication(state, appid, article_id, "freepublish")
        return {"news_item": _news_items(publication, no_content=False)}


def list_published(state: SandboxState, appid: str, offset, count, no_content) -> dict:
    with state.lock:
        published = sorted((p for p in state.publications.values()
                            if p.appid == appid and p.source == "freepublish"),
                           key=lambda p: p.published_at, reverse=True)
        chosen = published[drafts.page(offset, count, len(published))]
        items = [{"article_id": p.article_id, "content": {"news_item": _news_items(p, bool(no_content))},
                  "update_time": int(p.published_at)} for p in chosen]
    return {"total_count": len(published), "item_count": len(items), "item": items}


def delete_published(state: SandboxState, appid: str, article_id: str, index) -> dict:
    """Delete one article (index ≥ 1) or all (0); a fully deleted job reports status 5."""
    with state.lock:
        publication = _find_publication(state, appid, article_id, "freepublish")
        _delete_items(publication, index)
        if publication.fully_deleted:
            for job in state.jobs.values():
                if job.article_id == article_id:
                    job.status = 5
    return {"errcode": 0, "errmsg": "ok"}


# mass send


def _quota_period(account_type: str, ts: float) -> tuple[str, int]:
    unit, allowed = MASS_QUOTA[account_type]
    moment: datetime = beijing(ts)
    key = moment.date().isoformat() if unit == "day" else moment.strftime("%Y-%m")
    return key, allowed


def send_all(state: SandboxState, appid: str, payload: dict, base_url: str, fault: FaultRule | None) -> dict:
    if payload.get("msgtype") != "mpnews":
        raise WeChatError(40008)
    media_id = (payload.get("mpnews") or {}).get("media_id") or ""
    target = payload.get("filter") or {}
    is_to_all = bool(target.get("is_to_all"))
    clientmsgid = payload.get("clientmsgid")
    if clientmsgid and len(str(clientmsgid).encode("utf-8")) > CLIENTMSGID_MAX_BYTES:
        raise WeChatError(45067)
    with state.lock:
        now = state.clock.now()
        if clientmsgid:
            # A repeat too soon after the last try is refused before anything else, and does
            # not count as a try: the caller must wait a minute from the one that did.
            tried = state.clientmsgid_tried.get((appid, str(clientmsgid)))
            if tried is not None and now - tried < CLIENTMSGID_RETRY_SPACING:
                raise WeChatError(45066)
            state.clientmsgid_tried[(appid, str(clientmsgid))] = now
            # Checked before the draft: a successful send takes its draft out of the draft
            # box, and the repeat clientmsgid exists for must still name the first send.
            for earlier in state.mass_sends.values():
                if (earlier.appid == appid and earlier.clientmsgid == clientmsgid
                        and now - earlier.sent_at < CLIENTMSGID_WINDOW):
                    raise WeChatError(45065, msg_id=earlier.msg_id)
        account = state.accounts[appid]
        if not account.verified:
            raise WeChatError(48001)  # 群发 is for verified (认证) accounts only: api unauthorized
        draft = drafts.find(state, appid, media_id)
        if account.account_type == "subscription":
            # A subscription account's one send a day is refused at the API. A service
            # account's four a month are counted per follower instead (see _audience).
            period, allowed = _quota_period(account.account_type, now)
            used = sum(1 for m in state.mass_sends.values()
                       if m.appid == appid and _quota_period(account.account_type, m.sent_at)[0] == period)
            if used >= allowed:
                raise WeChatError(45028)
        number = state.next_number()
        send = MassSend(msg_id=MSG_ID_BASE + number, msg_data_id=PUBLISH_ID_BASE + number, appid=appid,
                        media_id=media_id, articles=[dict(a) for a in draft.articles], base_url=base_url,
                        clientmsgid=clientmsgid, sent_at=now, is_to_all=is_to_all,
                        tag_id=None if is_to_all else target.get("tag_id"))
        if fault is not None and fault.mass_status:
            send.final_status = fault.mass_status
        if account.mass_protection and is_to_all and fault is not None and fault.protection == "refuse":
            # Refused by the administrator, or not confirmed within 30 minutes: it stays
            # SENDING until then (the delay below) and fails; WeChat gives no errcode.
            send.final_status = "send fail"
        state.mass_sends[send.msg_id] = send
    _later(state, _finish_mass, send.msg_id)
    return {"errcode": 0, "errmsg": "send job submission success", "msg_id": send.msg_id,
            "msg_data_id": send.msg_data_id}


def _finish_mass(state: SandboxState, msg_id: int, generation: int) -> None:
    with state.lock:
        send = state.mass_sends.get(msg_id)
        if state.generation != generation or send is None or send.msg_status != "SENDING":
            return
        send.finished_at = state.clock.now()
        succeeded = send.final_status == "send success"
        audience = FOLLOWERS if send.is_to_all else TAG_MEMBERS
        reachable = _audience(state, send) if succeeded else audience
        counts = {"total": audience, "filter": reachable, "sent": reachable if succeeded else 0, "error": 0}
        send.sent_count = counts["sent"]
        urls: list[str] = []
        if succeeded:
            publication = _publication(state, send.appid, "mass", send.articles, send.base_url, send.msg_data_id)
            send.article_id = publication.article_id
            urls = [publication.url(i) for i in range(1, len(send.articles) + 1)]
            state.drafts.pop(send.media_id, None)
        send.msg_status = "SEND_SUCCESS" if succeeded else "SEND_FAIL"
        account = state.accounts[send.appid]
        xml = events.mass_send_job_finish(account, send.finished_at, send.msg_id, send.final_status, counts, urls)
    events.push(state, account, "MASSSENDJOBFINISH", xml, generation)


def _audience(state: SandboxState, send: MassSend) -> int:
    """How many followers this successful send reaches, counting it against each one.

    A service account (服务号) may reach each follower four times a month; a send beyond
    that still succeeds at the API and silently skips the followers who have had their
    four ("每个用户每月只能接收4条群发消息，多于4条的群发将对该用户发送失败"). Tag sends
    reach the first TAG_MEMBERS followers. A subscription account's limit is the API's
    (45028 at send time), so it reaches everyone.
    """
    audience = FOLLOWERS if send.is_to_all else TAG_MEMBERS
    account = state.accounts[send.appid]
    if account.account_type != "service":
        return audience
    month = _quota_period("service", send.sent_at)[0]
    received = state.follower_receipts.setdefault((send.appid, month), [0] * FOLLOWERS)
    allowed = MASS_QUOTA["service"][1]
    reached = 0
    for follower in range(audience):
        if received[follower] < allowed:
            received[follower] += 1
            reached += 1
    return reached


def _find_mass(state: SandboxState, appid: str, msg_id) -> MassSend:
    try:
        send = state.mass_sends.get(int(msg_id))
    except (TypeError, ValueError):
        send = None
    if send is None or send.appid != appid:
        raise WeChatError(40007)
    return send


def get_mass(state: SandboxState, appid: str, msg_id) -> dict:
    with state.lock:
        send = _find_mass(state, appid, msg_id)
        return {"msg_id": send.msg_id, "msg_status": send.msg_status}


def delete_mass(state: SandboxState, appid: str, msg_id, article_idx) -> dict:
    """Delete one article (article_idx ≥ 1) or the whole send (0 or absent)."""
    with state.lock:
        send = _find_mass(state, appid, msg_id)
        if send.article_id:
            publication = state.publications[send.article_id]
            _delete_items(publication, article_idx or 0)
            if publication.fully_deleted:
                send.msg_status = "DELETE"
        elif send.msg_status == "SENDING":
            raise WeChatError(40097)
    return {"errcode": 0, "errmsg": "ok"}


def preview(state: SandboxState, appid: str, payload: dict) -> dict:
    touser = payload.get("touser") or payload.get("towxname")
    if not touser:
        raise WeChatError(40003)
    if payload.get("msgtype") != "mpnews":
        raise WeChatError(40008)
    media_id = (payload.get("mpnews") or {}).get("media_id") or ""
    draft = drafts.find(state, appid, media_id)
    with state.lock:
        msg_id = MSG_ID_BASE + state.next_number()
        state.previews[touser].append({"appid": appid, "msg_id": msg_id, "media_id": media_id,
                                       "titles": [a["title"] for a in draft.articles],
                                       "at": state.clock.now()})
    return {"errcode": 0, "errmsg": "preview success", "msg_id": msg_id}
