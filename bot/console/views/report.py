"""年度报告: the report previewed with its consistency findings and the county office's
warnings first, then the cover letter and the report, and the four files, built by
`stats.report` exactly as `govpost report` builds them (with the template's letter values)."""
from __future__ import annotations

import tempfile

from flask import Response, abort, g, render_template, request
from werkzeug.wsgi import wrap_file

from bot.console import blueprint
from bot.console.web import db, runtime
from stats.report.build import build_report
from stats.report.consistency import violations
from stats.report.cover_letter import LetterError
from stats.report.layout import (
    appeal_result_labels, appeal_values, application_column_labels, application_rows, article20_blocks,
)
from stats.report.outline import intro, other_text, overview_paragraphs, problems_paragraphs
from stats.report.render import FORMATS, write
from publisher.texts import report as report_texts

MEDIA_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
}
FIRST_YEAR, LAST_YEAR = 2008, 2100  # as `govpost report`


def _report(with_entries: bool = False):
    rt = runtime()
    today = rt.clock.now().astimezone(rt.settings.timezone).date()
    year = request.args.get("year", type=int) or today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    try:
        return build_report(db(), g.account, year, settings=rt.settings, with_entries=with_entries)
    except LetterError as exc:  # a stale [cover_letter] date in the template: say which, change nothing
        abort(Response(render_template("console/error.html", message=str(exc)), status=400))


@blueprint.get("/report")
def report():
    built = _report()
    return render_template(
        "console/report.html", report=built, found=violations(built.checks), intro=intro(built),
        overview=overview_paragraphs(built), blocks=article20_blocks(built.tables),
        application_columns=list(application_column_labels()), application_rows=application_rows(built.tables),
        appeal_results=appeal_result_labels(), appeal_values=appeal_values(built.tables),
        problems=problems_paragraphs(built), other=other_text(built), rt=report_texts,
        formats=list(MEDIA_TYPES))


@blueprint.get("/report/download/<fmt>")
def report_download(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    built = _report(with_entries=fmt == "xlsx")
    media_type, suffix = MEDIA_TYPES[fmt]
    filename = f"{built.account_name}-{built.year}-report.{suffix}"
    # Through a temporary file, not bytes: a million-row XLSX is 50 MB that would sit in the
    # worker's memory twice; the file is closed (and so deleted) when the response ends.
    file = tempfile.TemporaryFile()
    write(built, fmt, file)
    file.seek(0)
    return Response(wrap_file(request.environ, file), mimetype=media_type, direct_passthrough=True,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
