from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend

# Every email the portal sends is written by the portal, not a person (RFC 3834): mail servers and
# autoresponders then send no out-of-office replies to it and never loop with it.
AUTOMATED_HEADERS = {"Auto-Submitted": "auto-generated"}


class ConsoleAndFileEmailBackend(BaseEmailBackend):
    """Print each message and keep a copy under EMAIL_FILE_PATH, so a developer can read what was
    sent after the console has scrolled away."""

    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        super().__init__(fail_silently=fail_silently)
        self.console = ConsoleBackend(fail_silently=fail_silently)
        self.file = FileBackend(fail_silently=fail_silently)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.console.send_messages(email_messages)
        return self.file.send_messages(email_messages)
