"""公开台账: list and filter, add an offline item, correct, flag as deleted, import a
spreadsheet (all rows or none, each bad row named), confirm guessed topics. Every write goes
through `publisher.services.ledger` / `publisher.services.ledger_import`, as `govpost ledger` does."""
from __future__ import annotations

import tempfile
from datetime import date, datetime, time
from pathlib import Path

from flask import flash, g, redirect, render_template, request, url_for

from bot.console import blueprint
from bot.console.web import act, back_to, db, owned, runtime
from publisher.services import browse, drafting
from publisher.services.console_users import actor_of
from publisher.errors import Refusal
from publisher.services.ledger import (LedgerError, add_entry, correct_entry, flag_deleted, require_disclosure_year,
                                      resolve_channel, resolve_topic)
from publisher.services.ledger_import import import_file
from publisher.models import LedgerEntry
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts

IMPORT_SUFFIXES = (".csv", ".xlsx")


def _choices():
    rt = runtime()
    return ([c.name for c in rt.settings.channels],
            [t.name for t in drafting.topics(db(), g.account.id)])


@blueprint.get("/ledger")
def ledger(problems: list[str] | None = None):
    rt = runtime()
    year = request.args.get("year", type=int)
    wanted = browse.LedgerFilter(year=year, channel=request.args.get("channel") or None,
                                 topic=request.args.get("topic") or None, guessed=bool(request.args.get("guessed")))
    found = browse.list_ledger(db(), g.account.id, wanted, page=request.args.get("page", 1, type=int))
    channels, topics = _choices()
    today = rt.clock.now().astimezone(rt.settings.timezone).date()
    return render_template("console/ledger.html", found=found, wanted=wanted, channels=channels, topics=topics,
                           today=today, problems=problems)


@blueprint.post("/ledger/add")
def ledger_add():
    rt = runtime()
    tz = rt.settings.timezone

    def add() -> str:
        session = db()
        try:
            day = date.fromisoformat(request.form.get("day", "").strip())
            at = time.fromisoformat(request.form.get("time", "").strip() or "00:00")
        except ValueError:
            raise LedgerError(texts.LEDGER_DAY_INVALID) from None
        require_disclosure_year(day, clock=rt.clock, timezone=tz)
        channels = rt.settings.channels
        entry = add_entry(
            session, account_id=g.account.id, channel=resolve_channel(request.form.get("channel", ""), channels),
            topic=resolve_topic(session, g.account.id, request.form.get("topic", "")),
            title=request.form.get("title", ""), published_at=datetime.combine(day, at, tzinfo=tz),
            url=_url(request.form.get("url")), source="manual", actor=actor_of(g.user), clock=rt.clock, timezone=tz)
        return ledger_texts.ADDED.format(day=entry.disclosed_on, channel=entry.channel, topic=entry.topic,
                                         title=entry.title, id=entry.id)

    return act(add, url_for("console.ledger"))


@blueprint.post("/ledger/<int:entry_id>/correct")
def ledger_correct(entry_id: int):
    entry = owned(LedgerEntry, entry_id)
    rt = runtime()

    def correct() -> str:
        session = db()
        form = request.form
        topic = form.get("topic") or None
        channel = form.get("channel") or None
        changes = correct_entry(
            session, entry, actor=actor_of(g.user), clock=rt.clock, timezone=rt.settings.timezone,
            topic=resolve_topic(session, entry.account_id, topic) if topic else None,
            title=form.get("title") or None,
            channel=resolve_channel(channel, rt.settings.channels) if channel else None,
            url=_url(form.get("url")) if form.get("url") else None)
        described = "；".join(ledger_texts.CHANGE.format(field=ledger_texts.FIELD_NAMES[f], old=old, new=new)
                             for f, (old, new) in changes.items())
        return ledger_texts.CORRECTED.format(id=entry.id, changes=described or ledger_texts.FIELD_NAMES["topic"])

    return act(correct, back_to(url_for("console.ledger")))


@blueprint.post("/ledger/<int:entry_id>/delete")
def ledger_delete(entry_id: int):
    entry = owned(LedgerEntry, entry_id)
    rt = runtime()

    def flag() -> str:
        flag_deleted(db(), entry, actor=actor_of(g.user), clock=rt.clock)
        return ledger_texts.FLAGGED.format(id=entry.id)

    return act(flag, back_to(url_for("console.ledger")))


@blueprint.post("/ledger/import")
def ledger_import():
    rt, session = runtime(), db()
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in IMPORT_SUFFIXES:
        flash(texts.IMPORT_FILE_NEEDED, "error")
        return redirect(url_for("console.ledger"))
    with tempfile.TemporaryDirectory() as folder:
        # import_file reads by path and tells CSV from XLSX by the suffix; the name is ours.
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        try:
            result = import_file(session, path, account_id=g.account.id,
                                 channels=rt.settings.channels, actor=actor_of(g.user),
                                 clock=rt.clock, timezone=rt.settings.timezone)
        except Refusal as refusal:
            session.rollback()
            return ledger(problems=refusal.problems), 400
    session.commit()
    flash(ledger_texts.IMPORTED.format(added=result.added, skipped=result.skipped), "ok")
    return redirect(url_for("console.ledger"))


def _url(value: str | None) -> str | None:
    """Only web links go into the ledger: a `javascript:` link would run when clicked."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise LedgerError(texts.LEDGER_URL_INVALID)
    return value
