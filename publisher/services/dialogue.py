"""The open-draft dialogue as a table of states (python-telegram-bot's
`ConversationHandler(states=...)`): what a member's message that is not a command does,
depending on whether a draft is open.

    state     text            image            any other message
    WRITING   add a paragraph add a picture    say what a draft accepts
    IDLE      name the draft  name the draft   nothing to do
              it belongs to   it belongs to

The dialogue enters WRITING with the commands 投稿 and 修改 and leaves it with 完成 and
取消 (commands win over the dialogue: a paragraph that starts with 完成 closes the draft),
or with TIMEOUT: `close_if_idle`, checked before every message of the member and by the
`close_idle_draft` task. The state itself is the `DraftSession` row (publisher/services/drafting.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Callable, Mapping

from sqlalchemy.orm import Session

from publisher.core.clock import Clock
from publisher.models import Staff
from publisher.models.chat import DraftSession
from publisher.services import drafting
from publisher.services.audit import Actor
from publisher.settings import Settings
from publisher.texts import chat as texts


class State(Enum):
    IDLE = "idle"
    WRITING = "writing"


@dataclass(frozen=True)
class Turn:
    """One message of a member, with what answering it needs."""
    session: Session
    staff: Staff
    actor: Actor
    clock: Clock
    msg_type: str
    text: str = ""
    media_id: str = ""
    word: str = ""  # the first word of a text, as the dispatcher split it


Step = Callable[[Turn], str]


def _add_paragraph(turn: Turn) -> str:
    post, number = drafting.add_paragraph(turn.session, staff=turn.staff, text=turn.text, actor=turn.actor,
                                          clock=turn.clock)
    return texts.PARAGRAPH_ADDED.format(number=number, post_id=post.id)


def _add_picture(turn: Turn) -> str:
    post, number, cover = drafting.add_image(turn.session, staff=turn.staff, media_id=turn.media_id, actor=turn.actor,
                                             clock=turn.clock)
    return texts.IMAGE_ADDED.format(number=number, post_id=post.id, cover=texts.IMAGE_IS_COVER if cover else "")


def _unsupported_in_draft(turn: Turn) -> str:
    post = drafting.require_open(turn.session, turn.staff)[1]
    return texts.UNSUPPORTED_IN_DRAFT.format(post_id=post.id)


# Words or a picture with no draft open are not kept in any post; say so, and name the draft
# they most likely belong to (one closed for idleness a moment ago, say).

def _text_outside_draft(turn: Turn) -> str:
    if not turn.word:
        return texts.NOTHING_TO_DO
    latest = drafting.latest_editable(turn.session, turn.staff)
    if latest is None:
        return texts.UNKNOWN_COMMAND.format(word=turn.word[:20])
    return texts.TEXT_NOT_IN_DRAFT.format(word=turn.word[:20], post_id=latest.id, title=latest.title)


def _picture_outside_draft(turn: Turn) -> str:
    latest = drafting.latest_editable(turn.session, turn.staff)
    if latest is None:
        return texts.IMAGE_WITHOUT_DRAFT
    return texts.IMAGE_NOT_IN_DRAFT.format(post_id=latest.id, title=latest.title)


def _nothing_to_do(turn: Turn) -> str:
    return texts.NOTHING_TO_DO


ANY = "*"  # every message type a state does not name
STATES: Mapping[State, Mapping[str, Step]] = {
    State.WRITING: {"text": _add_paragraph, "image": _add_picture, ANY: _unsupported_in_draft},
    State.IDLE: {"text": _text_outside_draft, "image": _picture_outside_draft, ANY: _nothing_to_do},
}


def state_of(session: Session, staff: Staff) -> State:
    return State.WRITING if drafting.open_draft_of(session, staff.id) is not None else State.IDLE


def answer(turn: Turn) -> str:
    """The reply to a member's message that is not a command, by the table above."""
    steps = STATES[state_of(turn.session, turn.staff)]
    return steps.get(turn.msg_type, steps[ANY])(turn)


def close_if_idle(session: Session, *, current: DraftSession | None, idle_minutes: int, actor: Actor,
                  clock: Clock, settings: Settings) -> str | None:
    """TIMEOUT: save and close the member's open draft (`current`; None: none is open) if
    nothing came for `idle_minutes`, and return the notice that tells the member so; None if
    there is nothing to close."""
    closed = drafting.close_if_idle(session, current=current, idle=timedelta(minutes=idle_minutes), actor=actor,
                                    clock=clock, settings=settings)
    if closed is None:
        return None
    return texts.DRAFT_IDLE_CLOSED.format(post_id=closed.post.id, title=closed.post.title, minutes=idle_minutes)
