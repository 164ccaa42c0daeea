"""Frozen board snapshots and the ward deprivation figures the council loads.

A snapshot is the record of what the board was shown: once written, neither it nor its action
rows change (save() refuses an existing row and delete() refuses outright), so "what changed
since the last board" always compares against what the board actually saw."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status
from healthyplaces.vocabulary.models import Ward


class FrozenError(ValueError):
    pass


class Frozen(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise FrozenError(f"{type(self).__name__} rows are frozen: they are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FrozenError(f"{type(self).__name__} rows are frozen: they are never deleted")


class BoardSnapshot(Frozen):
    meeting_date = models.DateField(unique=True, help_text="The board meeting these figures were frozen for.")
    frozen_at = models.DateTimeField(default=timezone.now)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The dashboard's figures as they stood (healthyplaces.board.figures.Figures.to_json).
    figures = models.JSONField()

    class Meta:
        ordering = ("-meeting_date",)
        get_latest_by = "meeting_date"
        permissions = (
            ("view_dashboard", "Can view the board dashboard"),
            ("freeze_snapshot", "Can freeze a board snapshot"),
        )

    def __str__(self) -> str:
        return f"Board meeting on {self.meeting_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("board:snapshot", kwargs={"pk": self.pk})


class SnapshotAction(Frozen):
    """One action as it stood when the snapshot was frozen."""

    snapshot = models.ForeignKey(BoardSnapshot, on_delete=models.CASCADE, related_name="actions")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField()
    next_review_date = models.DateField(null=True, blank=True)
    narrative = models.TextField(blank=True, help_text="The latest narrative on the action's timeline.")
    # What communities said and what happened (healthyplaces.board.figures.loop_to_json).
    closed_loop = models.JSONField(default=dict)

    class Meta:
        ordering = ("snapshot", "number")
        constraints = (models.UniqueConstraint(fields=("snapshot", "action"), name="board_snapshot_action_once"),)

    def __str__(self) -> str:
        return f"{self.number}. {self.title} ({self.snapshot})"


class WardDeprivation(models.Model):
    """A ward's deprivation decile as the council derived it (1 = most deprived tenth). The
    portal ships none: an admin loads them, and a new file replaces every value."""

    ward = models.OneToOneField(Ward, on_delete=models.CASCADE, related_name="deprivation")
    decile = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ("decile", "ward__name")
        verbose_name_plural = "ward deprivation"
        permissions = (("load_deprivation", "Can load ward deprivation deciles"),)
        constraints = (
            models.CheckConstraint(condition=Q(decile__gte=1, decile__lte=10), name="board_deprivation_decile_1_10"),
        )

    def __str__(self) -> str:
        return f"{self.ward}: decile {self.decile}"
