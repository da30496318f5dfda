"""No secret link in a log line. The paths behind links in emails carry the bearer secret itself
(/l/<token>, /inloggen/<token>, /nieuwsbrief/redactie/<token>, the unsubscribe key, ...): whoever reads the
access log, or a log shipped elsewhere, could act as the addressee. TokenMaskFilter, on every handler of the
logging configuration that every process uses (logging_config: the CLI, `raadsbode web` and its uvicorn
workers, the dev stack; install_token_masking for an app started by plain uvicorn), rewrites each such
segment to its first TOKEN_PREFIX characters and an ellipsis: enough to match a line to a link, not to use it.
"""
from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping

TOKEN_PREFIX = 6
MASK = "…"
# Every route whose path segment after these prefixes is a secret; a new token route adds its prefix here.
TOKEN_ROUTES = ("l", "aanmelden", "motie", "inloggen", "netwerk/afmelden",
                "nieuwsbrief/bevestigen", "nieuwsbrief/afmelden", "nieuwsbrief/redactie")
_SEP = r"(?:/|%2f)"  # a path quoted into a query string (?next=%2Fl%2F...) is masked too
_TOKEN = re.compile(
    "(?P<head>" + _SEP + "(?:" + "|".join(route.replace("/", _SEP) for route in TOKEN_ROUTES) + ")" + _SEP + ")"
    + r"(?P<keep>[^/?#&\s\"'<>%]{" + str(TOKEN_PREFIX) + r"})(?P<rest>[^/?#&\s\"'<>]+)",
    re.IGNORECASE)
APP_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_TRACEBACKS = logging.Formatter()
_PLAIN = (int, float, bool, type(None))


def mask_tokens(text: str) -> str:
    """`text` with the secret part of every token path cut to its first TOKEN_PREFIX characters."""
    return _TOKEN.sub(lambda m: m["head"] + m["keep"] + MASK, text)


def _masked(value: object) -> object:
    if isinstance(value, str):
        return mask_tokens(value)
    if isinstance(value, _PLAIN):
        return value  # keeps %d and the access formatter's status code working
    text = str(value)  # URL objects, exceptions, bytes: masked as they would be printed
    masked = mask_tokens(text)
    return value if masked == text else masked


class TokenMaskFilter(logging.Filter):
    """Masks message, arguments (uvicorn's access log passes the path as one), traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_masked(value) for value in record.args)
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set, so the traceback is printed from the masked text.
            record.exc_text = mask_tokens(_TRACEBACKS.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True


_FILTER = TokenMaskFilter()
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def logging_config(level: int | str = logging.INFO) -> dict:
    """The one dictConfig of every process: uvicorn's own (its access format, its loggers) plus a root handler
    for the app's loggers, each handler with the token filter. A dict, so uvicorn applies it again in each
    worker process it spawns."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask_tokens": {"()": "raadsbode.log_masking.TokenMaskFilter"}}
    config["formatters"]["app"] = {"format": APP_FORMAT}
    config["handlers"]["app"] = {"class": "logging.StreamHandler", "formatter": "app", "stream": "ext://sys.stderr"}
    for handler in config["handlers"].values():
        handler["filters"] = ["mask_tokens"]
    config["root"] = {"handlers": ["app"], "level": logging.getLevelName(level) if isinstance(level, int) else level}
    return config


def install_token_masking() -> None:
    """Puts the filter on the handlers already there (root, uvicorn's): an app started by plain
    `uvicorn web.app:create_app --factory` gets logging from uvicorn's config, not from logging_config."""
    for name in (None, *_UVICORN_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(_FILTER)
