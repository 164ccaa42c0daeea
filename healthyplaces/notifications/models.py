from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """One email to one person, kept as sent. `key` is unique, so the same reminder for the same
    cycle can be queued any number of times and exists once; `status` moves pending → sending →
    sent (or failed), and only the worker that moves a row to sending may send it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, db_index=True)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="notifications"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = (
            models.Index(
                fields=("status", "created_at"),
                name="notification_unsent_idx",
                condition=Q(status__in=("pending", "sending")),
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.status})"


class DigestFrequency(models.TextChoices):
    NONE = "none", "No digest"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


def default_digest_frequency(*, is_board_member: bool) -> str:
    """What someone who has not chosen gets: the board hears weekly, everyone else opts in."""
    return DigestFrequency.WEEKLY if is_board_member else DigestFrequency.NONE


class DigestSubscription(models.Model):
    """Someone's choice of progress digest. Board members without a row get the weekly digest;
    everyone else opts in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription")
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY)
    covered_until = models.DateTimeField(
        null=True, blank=True, help_text="The end of the period the last digest covered."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_frequency_display()}"
