"""A refused request, logged as one line.

Django logs every PermissionDenied that reaches it on the django.request logger as a warning with
the exception attached, so each 403 printed a full traceback; a crawl of the portal's URL matrix gave
hundreds of them, burying the few lines worth reading. A refusal is the permission rules working,
not a fault: what an operator needs is who was refused what, and why. This filter, on the
django.request logger (settings' LOGGING), rewrites that record into one line and drops the
traceback; every other record passes as it came."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied


def _one_line(value: object) -> str:
    # The path and the reason can carry text from the request: escaped, as Django escapes the path,
    # so a newline in either cannot forge a second log line.
    return str(value).encode("unicode_escape").decode("ascii")


class RefusalsOnOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exception = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) != 403 or not isinstance(exception, PermissionDenied):
            return True
        request: Any = getattr(record, "request", None)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        record.msg = "Refused: user=%s path=%s view=%s reason=%s"
        record.args = (
            user.pk if user is not None and user.is_authenticated else "anonymous",
            _one_line(request.path) if request is not None else "-",
            match.view_name if match is not None else "-",
            _one_line(exception) or "-",
        )
        record.exc_info = None
        record.exc_text = None
        return True
