"""Logging for every govpost process."""
import logging
import os
import re
import time

# Query values that must never reach a log: the webhook's (a signature with its timestamp and
# nonce is all a replay needs; the openid names a person) and, in sandbox mode, the API's
# access_token and secret. werkzeug and gunicorn both log the whole request line.
REDACTED_PARAMETERS = ("signature", "msg_signature", "timestamp", "nonce", "openid", "echostr",
                       "access_token", "secret")
_SECRET_VALUE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(REDACTED_PARAMETERS) + r")=[^&\s\"']*")
# The loggers that print request lines: the dev server's, gunicorn's access and error logs.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class RedactQuerySecrets(logging.Filter):
    """Replaces the values of `REDACTED_PARAMETERS` in a record's message by `***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_VALUE.sub(r"\1=***", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_request_logs() -> None:
    """Install the filter on every logger that prints request lines (once per process)."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQuerySecrets) for f in logger.filters):
            logger.addFilter(RedactQuerySecrets())


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# With the zone's offset, so that a line is never mistaken for UTC (or UTC for 北京时间).
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S%z"


def log_in_timezone(timezone_name: str) -> None:
    """Every log line of this process (ours, werkzeug's, gunicorn's) in the configured zone.

    They all format times with `time.localtime`, which follows TZ; govpost's own times are
    timezone-aware and do not depend on it."""
    os.environ["TZ"] = timezone_name
    if hasattr(time, "tzset"):  # not on Windows
        time.tzset()


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("GOVPOST_LOG_LEVEL", "INFO").upper(),
        format=LOG_FORMAT,
        datefmt=LOG_DATE_FORMAT,
    )
    redact_request_logs()
    # urllib3 logs full request URLs at DEBUG, and WeChat puts the access token in the query.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    # The executor logs every run of the 15-second tick at INFO, burying what the tick itself
    # reports; its warnings (missed runs) and errors still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    # Every command checks the schema first, and Alembic announces its context at INFO each
    # time; `govpost db upgrade` says itself what it did.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    # Newer Alembic lists every plugin it sets up, at INFO, on each of those checks.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # APScheduler says "Adding job tentatively" for each job before it starts: noise at start-up.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)
