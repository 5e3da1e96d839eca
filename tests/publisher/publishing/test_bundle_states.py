from datetime import datetime, timezone
from itertools import product

import pytest

from publisher.models import PublishBundle
from publisher.publishing.states import (
    ACTIVE,
    FINAL,
    TRANSITIONS,
    BundleEvent,
    BundleStatus,
    IllegalBundleMove,
    move,
    next_status,
)

LEGAL = sorted(TRANSITIONS.items(), key=lambda item: (item[0][0].value, item[0][1].value))
ILLEGAL = [(s, e) for s, e in product(BundleStatus, BundleEvent) if (s, e) not in TRANSITIONS]
NOW = datetime(2024, 3, 1, 4, 0, tzinfo=timezone.utc)


def _bundle(status: str) -> PublishBundle:
    return PublishBundle(id=3, account_id=1, mode="freepublish", slot_at=NOW, status=status,
                         created_at=NOW, updated_at=NOW)


@pytest.mark.parametrize(("start_event", "end"), LEGAL, ids=lambda v: getattr(v, "value", str(v)))
def test_every_legal_bundle_move_reaches_its_status(start_event, end):
    start, event = start_event
    bundle = _bundle(start.value)
    assert move(bundle, event, NOW) is end
    assert bundle.status == end.value


@pytest.mark.parametrize(("start", "event"), ILLEGAL, ids=lambda v: v.value)
def test_every_illegal_bundle_move_is_refused_and_changes_nothing(start, event):
    bundle = _bundle(start.value)
    with pytest.raises(IllegalBundleMove):
        move(bundle, event, NOW)
    assert bundle.status == start.value and bundle.finished_at is None


def test_no_event_leaves_an_end_state():
    assert not [key for key in TRANSITIONS if key[0] in FINAL]


def test_every_state_is_active_or_final_and_every_end_state_is_reachable():
    assert ACTIVE | FINAL == set(BundleStatus) and not ACTIVE & FINAL
    assert FINAL <= set(TRANSITIONS.values())


def test_an_unanswered_submit_is_never_turned_back_into_nothing_sent_except_by_a_refusal():
    """From submitting, the only way back to pending is WeChat's definite refusal."""
    back = [event for (start, event), end in TRANSITIONS.items()
            if start is BundleStatus.SUBMITTING and end is BundleStatus.PENDING]
    assert back == [BundleEvent.REFUSED]


def test_reaching_an_end_state_records_when_and_stops_the_retries():
    bundle = _bundle("submitted")
    bundle.next_attempt_at = NOW
    move(bundle, BundleEvent.PUBLISHED, NOW)
    assert bundle.finished_at == NOW and bundle.next_attempt_at is None


def test_an_unknown_stored_status_is_refused_not_guessed():
    with pytest.raises(IllegalBundleMove):
        next_status("archived", BundleEvent.SUBMITTED)
