"""全县汇总, for a county login only: the roll-up of `govpost report YEAR --county` (stats.county),
every account's counts by channel and topic, the days since its last article against the
14-day rule, its report's consistency findings, and the county totals; its downloads are the
CLI's files."""
from __future__ import annotations

from flask import Response, abort, g, render_template, request

from bot.console import blueprint
from bot.console.web import db, runtime
from publisher.background.scheduler import staleness
from publisher.services.accounts import account_contexts
from publisher.texts import console as texts
from publisher.texts import county as county_texts
from stats.county.build import build_county_rollup
from stats.county.render import FORMATS, channel_grid, render, topic_grid

MEDIA_TYPES = {"json": "application/json",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def is_county_login(user) -> bool:
    return user is not None and user.account_id is None


def _county_login_only() -> None:
    if not is_county_login(g.user):
        # A township's login sees its own account only, and so not the other townships' figures.
        abort(403)


def _rollup():
    _county_login_only()
    rt = runtime()
    settings, now = rt.settings, rt.clock.now()
    year = request.args.get("year", type=int) or now.astimezone(settings.timezone).year
    session = db()
    return build_county_rollup(session, account_contexts(session, settings), year, settings=settings, now=now,
                               stale_after_days=settings.stale_days_urgent), now


@blueprint.get("/county")
def county():
    rollup, now = _rollup()
    settings = runtime().settings
    freshness = {row.account_name: staleness(row.last_wechat_article_at, now, settings.stale_days_warn,
                                             settings.stale_days_urgent) for row in rollup.rows}
    return render_template("console/county.html", rollup=rollup, freshness=freshness, ct=county_texts,
                           formats=FORMATS, warn_days=settings.stale_days_warn, urgent_days=settings.stale_days_urgent,
                           grids=[(county_texts.SECTION_CHANNELS, channel_grid(rollup)),
                                  (county_texts.SECTION_TOPICS, topic_grid(rollup))])


@blueprint.get("/county/download/<fmt>")
def county_download(fmt: str):
    _county_login_only()
    if fmt not in FORMATS:
        abort(404)
    rollup, _ = _rollup()
    filename = f"county-{rollup.year}.{fmt}"
    return Response(render(rollup, fmt), mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.errorhandler(403)
def _county_only(_error):
    return render_template("console/error.html", message=texts.COUNTY_ONLY), 403
