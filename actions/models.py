import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from healthyplaces.accounts.models import Organisation
from healthyplaces.vocabulary.models import Theme

PLAN_ACTION_COUNT = 18


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class ReviewFrequency(models.IntegerChoices):
    """Days between reviews."""

    FORTNIGHTLY = 14, "Every 2 weeks"
    MONTHLY = 30, "Monthly"
    QUARTERLY = 91, "Quarterly"
    SIX_MONTHLY = 182, "Every 6 months"


class Action(models.Model):
    """One of the plan's numbered actions. `version` increments on every update so that two
    officers editing at once cannot overwrite each other (optimistic locking)."""

    number = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(PLAN_ACTION_COUNT)]
    )
    title = models.CharField(max_length=120)
    text = models.TextField(help_text="The action as the plan words it.")
    lead_officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="led_actions", blank=True)
    partners = models.ManyToManyField(Organisation, related_name="partner_actions", blank=True)
    themes = models.ManyToManyField(Theme, related_name="actions", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)], help_text="Per cent"
    )
    target_date = models.DateField(null=True, blank=True)
    review_frequency = models.PositiveSmallIntegerField(
        choices=ReviewFrequency.choices, default=ReviewFrequency.MONTHLY
    )
    next_review_date = models.DateField(null=True, blank=True)
    public_summary = models.TextField(
        blank=True, help_text="Shown to the public on the progress page; plain English, no names."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("number",)
        permissions = (("update_any_action", "Can update any action, not only the ones they lead"),)
        constraints = (
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=PLAN_ACTION_COUNT), name="actions_action_number_in_plan"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="actions_action_progress_0_100"
            ),
        )

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", kwargs={"number": self.number})

    def is_overdue_for_review(self, today: datetime.date | None = None) -> bool:
        if self.next_review_date is None or self.status == Status.COMPLETE:
            return False
        return self.next_review_date < (today or timezone.localdate())


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("due_date", "pk")

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """An entry on an action's timeline. Append-only: entries are never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="action_updates"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    version = models.PositiveIntegerField(help_text="The action's version this update produced.")
    old_status = models.CharField(max_length=20, choices=Status.choices)
    new_status = models.CharField(max_length=20, choices=Status.choices)
    old_progress = models.PositiveSmallIntegerField()
    new_progress = models.PositiveSmallIntegerField()
    old_next_review_date = models.DateField(null=True, blank=True)
    new_next_review_date = models.DateField(null=True, blank=True)
    milestone_changes = models.JSONField(default=list, blank=True)
    narrative = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        get_latest_by = "created_at"
        constraints = (
            models.UniqueConstraint(fields=("action", "version"), name="actions_update_one_per_version"),
            models.CheckConstraint(
                condition=Q(old_status=models.F("new_status")) | ~Q(narrative=""),
                name="actions_update_narrative_when_status_changes",
            ),
        )

    def __str__(self) -> str:
        return f"Update to action {self.action_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Action updates are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Action updates are append-only")

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def progress_changed(self) -> bool:
        return self.old_progress != self.new_progress

    @property
    def next_review_changed(self) -> bool:
        return self.old_next_review_date != self.new_next_review_date
