"""Changing one field of a post by chat (改标题, 改摘要): a table of the fields, each with
WeChat's limit checked by the same rule the pre-submit checks use, so a value accepted here
is never refused at submit for its length.

Who may: the author (or an admin) while the post is editable; a reviewer also while it waits
for review, since fixing a title is part of reviewing it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from publisher.core.checks import Draft, WordLists, run_checks
from publisher.core.clock import Clock
from publisher.lifecycle import EDITABLE, Status, status_name
from publisher.models import REVIEWER_ROLES, Post, Staff
from publisher.services.audit import Actor, record
from publisher.services.drafting import ChatError
from publisher.texts import chat as texts


@dataclass(frozen=True)
class PostField:
    post_attribute: str  # the column of Post
    draft_attribute: str  # the same value in publisher.core.checks.Draft
    name: str  # what staff call it
    limit_codes: frozenset[str]  # the findings of run_checks that refuse a value


FIELDS: dict[str, PostField] = {
    "title": PostField("title", "title", texts.FIELD_TITLE, frozenset({"title_empty", "title_too_long"})),
    "digest": PostField("digest", "digest", texts.FIELD_DIGEST, frozenset({"digest_too_long"})),
}


def change_field(session: Session, *, staff: Staff, post: Post, field: str, value: str, actor: Actor,
                 clock: Clock) -> str:
    """Set `field` of `post` to `value` (stripped); returns the old value. Refuses, changing
    nothing, when the member may not or the value is past WeChat's limit."""
    spec = FIELDS[field]
    _require_may_change(staff, post, spec)
    value = value.strip()
    current = Draft(post_id=post.id, title=post.title, author=post.author_name or "", digest=post.digest or "")
    refusals = [f for f in run_checks(replace(current, **{spec.draft_attribute: value}), WordLists())
                if f.code in spec.limit_codes]
    if refusals:
        raise ChatError(refusals[0].message)
    old = getattr(post, spec.post_attribute) or ""
    now = clock.now()
    setattr(post, spec.post_attribute, value)
    post.updated_at = now
    record(session, account_id=post.account_id, actor=actor, action=f"post.{field}", post_id=post.id, at=now,
           detail={"from": old, "to": value})
    return old


def _require_may_change(staff: Staff, post: Post, spec: PostField) -> None:
    is_author = post.author_id == staff.id or staff.role == "admin"
    is_reviewer = staff.role in REVIEWER_ROLES
    if post.status in {s.value for s in EDITABLE}:
        if not (is_author or is_reviewer):
            raise ChatError(texts.NOT_YOUR_POST.format(post_id=post.id, action=texts.CHANGE_ACTION.format(field=spec.name)))
        return
    if post.status == Status.SUBMITTED.value and is_reviewer:
        return
    raise ChatError(texts.FIELD_LOCKED.format(post_id=post.id, field=spec.name, status=status_name(post.status)))
