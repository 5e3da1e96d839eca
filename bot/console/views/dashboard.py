"""概览: this year's counts, days since the last article, review, the next slots, 留言."""
from __future__ import annotations

from flask import g, render_template
from sqlalchemy import select

from bot.console import blueprint, charts
from bot.console.web import db, runtime
from publisher.services import citizen_messages
from publisher.lifecycle import Status
from publisher.models import Post, PublishBundle
from publisher.publishing.outcome import bundle_posts
from publisher.publishing.states import ACTIVE_VALUES
from publisher.publishing.queue import current_plan
from publisher.background.scheduler import last_wechat_article_at, staleness
from publisher.texts import report as report_texts
from stats.queries import year_counts
from stats import reach

NEXT_SLOTS = 5


@blueprint.get("/")
def dashboard():
    rt, session, account = runtime(), db(), g.account
    settings, now = rt.settings, rt.clock.now()
    year = now.astimezone(settings.timezone).year
    counts = year_counts(session, account.id, year, [c.name for c in settings.channels])
    last = last_wechat_article_at(session, account.id)
    plan, queued = current_plan(session, account, settings, now)
    in_progress = session.scalars(select(PublishBundle).where(
        PublishBundle.account_id == account.id, PublishBundle.status.in_(ACTIVE_VALUES))
        .order_by(PublishBundle.slot_at)).all()
    awaiting = session.scalars(select(Post).where(Post.account_id == account.id,
                                                  Post.status == Status.SUBMITTED.value)
                               .order_by(Post.submitted_at)).all()
    return render_template(
        "console/dashboard.html",
        year=year, counts=counts,
        topic_chart=charts.rows(counts.by_topic), month_chart=charts.columns(
            {report_texts.MONTH_LABEL.format(month=int(key[5:])): n for key, n in counts.by_month.items()}),
        channel_chart=charts.rows(counts.by_channel),
        last=last, days=(now - last).days if last else None,
        stale=staleness(last, now, settings.stale_days_warn, settings.stale_days_urgent),
        awaiting=awaiting,
        in_progress=[(b, bundle_posts(session, b)) for b in in_progress],
        plan=[(p, [queued[i] for i in p.post_ids]) for p in plan[:NEXT_SLOTS]],
        unanswered=citizen_messages.unanswered_count(session, account.id),
        # Only months WeChat gave figures for: a month with none gets no column, not a 0.
        reads_chart=charts.columns(reads) if (reads := {
            report_texts.MONTH_LABEL.format(month=int(key[5:])): n
            for key, n in reach.monthly_reads(session, account.id, year).items() if n is not None}) else None,
    )
