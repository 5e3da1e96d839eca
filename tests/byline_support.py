"""A post written by 张三 and approved by 李四 then 王书记 (two review levels), through the
drafting and review services, for the author-line and footer tests."""
from __future__ import annotations

from publisher.db import transaction
from publisher.models import Post, Staff
from publisher.services import drafting, review
from publisher.services.accounts import account_by_name
from publisher.services.audit import Actor

FOOTER = "撰稿：张三\u3000审核：李四\u3000审签：王书记"


def team(runtime, account_name: str = "default") -> dict[str, int]:
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        account = account_by_name(session, account_name)
        members = {name: Staff(account_id=account.id, name=name, role=role, openid=f"o-{account_name}-{name}",
                               active=True, created_at=now, bound_at=now)
                   for name, role in (("张三", "editor"), ("李四", "reviewer"), ("王书记", "admin"))}
        session.add_all(members.values())
        session.flush()
        return {name: member.id for name, member in members.items()}


def write(runtime, author_id: int, title: str = "春耕备耕", text: str = "各村要加强巡查。") -> int:
    with transaction(runtime.session_factory) as session:
        author = session.get(Staff, author_id)
        actor = Actor.staff(author.id)
        post = drafting.open_draft(session, staff=author, title=title, topic_name=None, actor=actor,
                                   clock=runtime.clock)
        drafting.add_paragraph(session, staff=author, text=text, actor=actor, clock=runtime.clock)
        drafting.finish(session, staff=author, actor=actor, clock=runtime.clock, settings=runtime.settings)
        return post.id


def submit(runtime, post_id: int) -> None:
    with transaction(runtime.session_factory) as session:
        post = session.get(Post, post_id)
        author = session.get(Staff, post.author_id)
        review.submit(session, post=post, staff=author, when=None, settings=runtime.settings,
                      actor=Actor.staff(author.id), clock=runtime.clock)


def approve(runtime, post_id: int, reviewer_id: int) -> None:
    with transaction(runtime.session_factory) as session:
        review.approve(session, post=session.get(Post, post_id), reviewer=session.get(Staff, reviewer_id),
                       settings=runtime.settings, actor=Actor.staff(reviewer_id), clock=runtime.clock,
                       planner=lambda post: None)


def reviewed_post(runtime, members: dict[str, int], **written) -> int:
    """Written, submitted and approved at both levels: approved, waiting for its slot."""
    post_id = write(runtime, members["张三"], **written)
    submit(runtime, post_id)
    approve(runtime, post_id, members["李四"])
    approve(runtime, post_id, members["王书记"])
    return post_id
