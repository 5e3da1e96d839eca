"""Logging for every govpost process."""
import logging
import os


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("GOVPOST_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # urllib3 logs full request URLs at DEBUG, and WeChat puts the access token in the query.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    # The executor logs every run of the 15-second tick at INFO, burying what the tick itself
    # reports; its warnings (missed runs) and errors still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    # Every command checks the schema first, and Alembic announces its context at INFO each
    # time; `govpost db upgrade` says itself what it did.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
