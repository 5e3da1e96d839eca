"""/healthz for load balancers and people; /metrics for Prometheus on the same machine.

/metrics answers only a client on loopback that no proxy forwarded: the console's rule is that
no page but the login and /healthz is open without a session, and a scraper belongs beside
the server (behind nginx every outside request arrives with X-Forwarded-For or X-Real-IP)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from publisher.migrate import is_current
from publisher.models import InboundMessage, LedgerEntry, Post

blueprint = Blueprint("health", __name__)


def _runtime():
    return current_app.extensions["govpost"]


@blueprint.get("/healthz")
def healthz():
    runtime = _runtime()
    checks = {}
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        checks["schema"] = "ok" if is_current(runtime.engine) else "outdated: run `govpost db upgrade`"
    except Exception as exc:  # the probe must answer, whatever is wrong
        checks["database"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "unhealthy", "sandbox": runtime.settings.sandbox_mode, **checks}
    body["scheduler"] = _scheduler_state(runtime)
    return jsonify(body), 200 if healthy else 503


def _scheduler_state(runtime) -> dict:
    """Reported, not judged: `govpost web` runs without a scheduler in this process."""
    from publisher.background.scheduler import heartbeat_is_fresh, latest_heartbeat

    try:
        with runtime.session_factory() as session:
            last = latest_heartbeat(session)
    except Exception as exc:  # the probe must answer, whatever is wrong
        return {"status": f"error: {type(exc).__name__}"}
    if last is None:
        return {"status": "never ran", "last_beat": None}
    fresh = heartbeat_is_fresh(runtime.settings, last, runtime.clock.now())
    return {"status": "ok" if fresh else "stale", "last_beat": last.isoformat()}


class _DatabaseCollector:
    """Metrics read from the database at scrape time, so every web process reports the same."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def collect(self):
        with self.session_factory() as session:
            posts = GaugeMetricFamily("govpost_posts", "Posts by status", labels=["status"])
            for status, count in session.execute(select(Post.status, func.count()).group_by(Post.status)):
                posts.add_metric([status], count)
            yield posts
            ledger = GaugeMetricFamily("govpost_ledger_entries", "Ledger rows by channel", labels=["channel"])
            for channel, count in session.execute(
                select(LedgerEntry.channel, func.count()).group_by(LedgerEntry.channel)
            ):
                ledger.add_metric([channel], count)
            yield ledger
            inbound = GaugeMetricFamily("govpost_inbound_messages", "Messages received by the webhook")
            inbound.add_metric([], session.scalar(select(func.count()).select_from(InboundMessage)) or 0)
            yield inbound


LOOPBACK = ("127.0.0.1", "::1")
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


@blueprint.get("/metrics")
def metrics():
    if request.remote_addr not in LOOPBACK or any(h in request.headers for h in PROXY_HEADERS):
        abort(404)
    registry = CollectorRegistry()
    registry.register(_DatabaseCollector(_runtime().session_factory))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
