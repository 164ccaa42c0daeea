"""Email backends the delivery tests put in front of a real worker."""

import os
import smtplib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FlakyBackend(BaseEmailBackend):
    """Fails the next `transient_failures` sends with a dropped connection, or every send with a
    refused recipient when `refuse` is set; otherwise delivers to mail.outbox like locmem."""

    transient_failures: ClassVar[int] = 0
    refuse: ClassVar[bool] = False
    calls: ClassVar[int] = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.refuse:
            raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such mailbox")})
        if FlakyBackend.transient_failures > 0:
            FlakyBackend.transient_failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if not hasattr(mail, "outbox"):
            mail.outbox = []
        mail.outbox.extend(email_messages)
        return len(email_messages)


class StallingFileBackend(FileBackend):
    """Writes each message to EMAIL_FILE_PATH, but first waits while the file named by
    STALL_EMAIL_WHILE exists: a worker can be killed in the middle of sending."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        marker = Path(os.environ["STALL_EMAIL_WHILE"])
        while marker.exists():
            time.sleep(0.05)
        return super().send_messages(email_messages)
