"""The pipeline's reconcile and defer decisions, against an in-memory WeChat (no HTTP): what
it does after a submit or a mass send that got no answer, and when the quota runs out."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from publisher.services.accounts import sync_accounts
from publisher.db import transaction
from publisher.models import PublishBundle, Task
from publisher.publishing.pipeline import MASS_REPEAT_SPACING, RECONCILE_GIVE_UP, RECONCILE_JOB_END, RECONCILE_WAIT
from publisher.publishing.runner import run_publishing_pass
from publisher.runtime import Runtime
from publisher.texts import publishing as texts
from publisher.core.timeparse import format_beijing
from publisher.wechat import OutcomeUnknown, QuotaExceeded
from tests.conftest import BEIJING, make_settings
from tests.fakes import FakeWeChat, factory_of
from tests.publishing_support import add_staff, post_row, queue_post

NOON = datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING)
NEXT_MORNING_SLOT = datetime(2024, 3, 2, 12, 0, tzinfo=BEIJING)  # slots 12:00 and 18:00
LOST = OutcomeUnknown(None, "read timed out")


@pytest.fixture
def wechat(database_url, db_engine, session_factory, clock):
    """Builds a runtime whose WeChat is a FakeWeChat, with the account configured as asked."""

    def build(**account) -> tuple[Runtime, FakeWeChat]:
        fake = FakeWeChat(clock)
        settings = make_settings(database_url, accounts=[
            {"name": "default", "display_name": "优干宁镇人民政府", "slots": ["12:00", "18:00"], **account}])
        runtime = Runtime(settings, db_engine, session_factory, clock, gateway_factory=factory_of(fake))
        with transaction(session_factory) as session:
            sync_accounts(session, settings, clock)
        return runtime, fake

    return build


def _pass_at(runtime: Runtime, at: datetime) -> None:
    runtime.clock.set(at)
    run_publishing_pass(runtime, "w")


def _bundle(runtime: Runtime) -> PublishBundle:
    with runtime.session_factory() as session:
        return session.scalars(select(PublishBundle).order_by(PublishBundle.id)).one()


def _notices(runtime: Runtime) -> list[str]:
    with runtime.session_factory() as session:
        return [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]


# freepublish: a submit that got no answer


def test_unanswered_submit_found_among_the_published_completes_the_bundle_without_a_second_submit(wechat):
    runtime, fake = wechat()
    post = queue_post(runtime, "春耕备耕")
    fake.fail_next("submit_publish", LOST, applied=True)

    _pass_at(runtime, NOON)

    listed = fake.published[0]
    assert len(fake.times("submit_publish")) == 1
    bundle = _bundle(runtime)
    assert bundle.status == "published" and bundle.article_id == listed.article_id
    assert post_row(runtime, post).status == "published"
    assert post_row(runtime, post).article_url == listed.articles[0].url


def test_unanswered_submit_not_listed_is_not_repeated_within_the_reconcile_wait(wechat):
    runtime, fake = wechat()
    queue_post(runtime, "防汛演练")
    fake.fail_next("submit_publish", LOST)

    _pass_at(runtime, NOON)
    for minute in range(1, int(RECONCILE_WAIT / timedelta(minutes=1))):
        _pass_at(runtime, NOON + timedelta(minutes=minute))

    assert len(fake.times("submit_publish")) == 1
    assert _bundle(runtime).status == "submitting"
    assert fake.times("draft_exists") == []  # within the wait the draft box is not even asked


def test_unanswered_submit_whose_draft_is_still_in_the_box_after_any_job_would_have_ended_is_submitted_again(
        wechat):
    runtime, fake = wechat()
    post = queue_post(runtime, "秸秆禁烧")
    fake.fail_next("submit_publish", LOST)  # never applied: the draft stays in the box

    _pass_at(runtime, NOON)
    # A draft still in the box may belong to a job still publishing (WeChat keeps it there
    # until the job ends): not yet.
    _pass_at(runtime, NOON + RECONCILE_WAIT)
    assert fake.times("submit_publish") == [NOON]
    _pass_at(runtime, NOON + RECONCILE_JOB_END)

    assert fake.times("submit_publish") == [NOON, NOON + RECONCILE_JOB_END]
    assert _bundle(runtime).status == "published"
    assert post_row(runtime, post).status == "published"
    assert len(fake.published) == 1


def test_unanswered_submit_whose_draft_left_the_box_is_never_submitted_again(wechat):
    runtime, fake = wechat()
    post = queue_post(runtime, "垃圾分类")
    fake.lists_published = False  # applied, but freepublish/batchget does not list it (yet)
    fake.fail_next("submit_publish", LOST, applied=True)

    _pass_at(runtime, NOON)
    _pass_at(runtime, NOON + RECONCILE_WAIT)

    assert len(fake.times("submit_publish")) == 1
    assert fake.times("draft_exists") == [NOON + RECONCILE_WAIT]
    assert _bundle(runtime).status == "submitting"

    _pass_at(runtime, NOON + RECONCILE_GIVE_UP)

    assert len(fake.times("submit_publish")) == 1
    bundle = _bundle(runtime)
    assert bundle.status == "failed" and bundle.last_error == texts.SUBMIT_UNCONFIRMED_REASON
    assert post_row(runtime, post).failure_reason == texts.SUBMIT_UNCONFIRMED_REASON


# mass send: a send that got no answer


def test_unanswered_mass_send_is_repeated_only_after_mass_repeat_spacing_and_goes_out_once(wechat):
    runtime, fake = wechat(mode="mass")
    post = queue_post(runtime, "征兵公告")
    fake.fail_next("send_mass", LOST, applied=True)

    _pass_at(runtime, NOON)
    _pass_at(runtime, NOON + MASS_REPEAT_SPACING / 2)
    assert fake.times("send_mass") == [NOON]
    _pass_at(runtime, NOON + MASS_REPEAT_SPACING)

    # WeChat answered the repeat 45065 with the first send's msg_id: nothing went out twice.
    assert fake.times("send_mass") == [NOON, NOON + MASS_REPEAT_SPACING]
    (first_msg_id, _), = fake.mass.values()
    bundle = _bundle(runtime)
    assert bundle.status == "published" and bundle.msg_id == first_msg_id
    assert post_row(runtime, post).status == "published"


# the quota


@pytest.mark.parametrize(("mode", "operation", "errcode", "why"), [
    ("freepublish", "submit_publish", 45009, texts.DEFER_WHY_API_QUOTA),
    ("mass", "send_mass", 45028, texts.DEFER_WHY_MASS_QUOTA),
])
def test_a_used_up_quota_defers_the_bundle_to_the_next_days_first_slot(wechat, mode, operation, errcode, why):
    runtime, fake = wechat(mode=mode, account_type="subscription")
    author = add_staff(runtime)
    post = queue_post(runtime, "生态环保检查", author_id=author)
    fake.fail_next(operation, QuotaExceeded(errcode, "quota limit"))

    _pass_at(runtime, NOON)

    assert _bundle(runtime).status == "deferred"
    assert post_row(runtime, post).status == "approved"
    when = format_beijing(NEXT_MORNING_SLOT, runtime.settings.timezone)
    assert texts.DEFERRED_NOTICE.format(title="生态环保检查", post_id=post, why=why, when=when) in _notices(runtime)

    _pass_at(runtime, datetime(2024, 3, 1, 18, 0, tzinfo=BEIJING))  # the rest of the day is closed
    assert len(fake.times(operation)) == 1

    _pass_at(runtime, NEXT_MORNING_SLOT)
    assert fake.times(operation)[1:] == [NEXT_MORNING_SLOT]
    assert post_row(runtime, post).status == "published"
