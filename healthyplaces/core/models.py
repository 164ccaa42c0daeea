from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """One row per posted form that creates something, keyed by the token the form carried
    (healthyplaces.core.submissions). The same form posted again (a double click, a resend after a
    slow answer) finds the row and goes where the first post went, so it creates nothing twice."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    redirect_to = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (models.Index(fields=("user", "created_at"), name="core_submission_user_recent"),)

    def __str__(self) -> str:
        return f"{self.token} by {self.user_id}"


class DurableGeneration(models.Model):
    """A generation that must outlive the cache (healthyplaces/core/generations.py): moved in the same
    transaction as any write to the tables it guards, and carried in the keys of the values made from
    them, so that a value restored from an old snapshot of the cache is never found."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
