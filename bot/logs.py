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
