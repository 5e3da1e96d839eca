"""A post's author line (WeChat's `author` field) and its 三级审查 footer, decided in one place
for the checks, the chat's 查看, the console's page, the WeChat preview and the publish, so
that what anyone previews is what goes out.

- The author line is the post's own (`改作者`), else the account's `author` setting (by
  default its display name): a township publishes as 「优干宁镇人民政府」, not as the member
  who typed the article.
- The footer names the member who wrote it (撰稿), the approvers below the last level (审核)
  and the last level's approver (审签), unless the account turned it off (`review_footer`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.checks import AUTHOR_LIMIT, wechat_length
from publisher.core.clock import Clock
from publisher.core.content import ReviewFooter
from publisher.errors import Refusal
from publisher.lifecycle import EDITABLE, Status, status_name
from publisher.models import REVIEWER_ROLES, Account, Post, Staff
from publisher.models.chat import Approval
from publisher.services.audit import Actor, record
from publisher.settings import AccountSettings, Settings
from publisher.texts import article as texts
from publisher.texts import chat as chat_texts

# Past review: a role nobody took is left out of the footer rather than shown as pending.
_SETTLED = {Status.APPROVED.value, Status.PUBLISHING.value, Status.PUBLISHED.value, Status.FAILED.value,
            Status.DELETED.value}


class BylineRefused(Refusal):
    """The message says why, in Chinese; nothing was changed."""


def account_settings(session: Session, post: Post, settings: Settings) -> AccountSettings | None:
    """The configuration of the post's account (None for a row no longer configured)."""
    return settings.account(session.get(Account, post.account_id).name)


def accounts_settings(session: Session, posts: Iterable[Post],
                      settings: Settings) -> dict[int, AccountSettings | None]:
    """`account_settings` of each of the posts' accounts, by account id, in one query."""
    ids = {post.account_id for post in posts}
    names = session.execute(select(Account.id, Account.name).where(Account.id.in_(ids))) if ids else []
    return {account_id: settings.account(name) for account_id, name in names}


def article_author(post: Post, account: AccountSettings | None) -> str:
    if post.byline:
        return post.byline
    return account.author if account is not None else ""


def footer(session: Session, post: Post, settings: Settings, account: AccountSettings | None) -> ReviewFooter | None:
    """The footer the article ends with now, or None when the account does without."""
    return footers(session, [post], settings, {post.account_id: account})[post.id]


def footers(session: Session, posts: Iterable[Post], settings: Settings,
            accounts: Mapping[int, AccountSettings | None]) -> dict[int, ReviewFooter | None]:
    """`footer` of each post, by post id, with one query for all their approvals."""
    posts = list(posts)
    wanted = [post for post in posts
              if not (accounts[post.account_id] is not None and not accounts[post.account_id].review_footer)]
    approvers: dict[int, list[str]] = {post.id: [] for post in wanted}
    rounds = {post.id: post.submitted_at for post in wanted if post.submitted_at is not None}
    if rounds:
        for post_id, submitted_at, name in session.execute(
            select(Approval.post_id, Approval.submitted_at, Staff.name).join(Staff, Approval.reviewer_id == Staff.id)
            .where(Approval.post_id.in_(rounds)).order_by(Approval.post_id, Approval.level)
        ):
            if submitted_at == rounds[post_id]:
                approvers[post_id].append(name)
    built: dict[int, ReviewFooter | None] = {post.id: None for post in posts}
    for post in wanted:
        built[post.id] = ReviewFooter.of(post.author_name or "", approvers[post.id], settings.review_levels,
                                         settled=post.status in _SETTLED)
    return built


def set_byline(session: Session, *, staff: Staff, post: Post, byline: str, actor: Actor, clock: Clock,
               settings: Settings) -> str:
    """Change the post's author line (「默认」: back to the account's); the line now shown."""
    byline = " ".join(byline.split())
    if post.status not in {s.value for s in EDITABLE}:
        raise BylineRefused(texts.BYLINE_LOCKED.format(post_id=post.id, status=status_name(post.status)))
    if post.author_id != staff.id and staff.role not in REVIEWER_ROLES:
        raise BylineRefused(chat_texts.NOT_YOUR_POST.format(post_id=post.id, action=texts.BYLINE_ACTION))
    if not byline:
        raise BylineRefused(chat_texts.USAGE.format(usage=texts.BYLINE_USAGE))
    reset = byline == texts.BYLINE_DEFAULT_WORD
    if not reset and wechat_length(byline) > AUTHOR_LIMIT:
        raise BylineRefused(texts.BYLINE_TOO_LONG.format(byline=byline, length=wechat_length(byline),
                                                         limit=AUTHOR_LIMIT, chinese=AUTHOR_LIMIT // 2))
    old, now = post.byline, clock.now()
    post.byline = None if reset else byline
    post.updated_at = now
    record(session, account_id=post.account_id, actor=actor, action="post.byline", post_id=post.id, at=now,
           detail={"from": old, "to": post.byline})
    return article_author(post, account_settings(session, post, settings))
