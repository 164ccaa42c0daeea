import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from funding.files import attachment_path, private_storage
from funding.workflow import State
from healthyplaces.accounts.models import Organisation
from healthyplaces.vocabulary.models import Ward
from insights.models import Insight

# Money is pounds and pence; nothing is given or paid in nothing.
POSITIVE = MinValueValidator(Decimal("0.01"))


class Fund(models.Model):
    """A shared pot that partners across the health and wellbeing system pay into."""

    name = models.CharField(max_length=200, unique=True)
    purpose = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="contributions")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="fund_contributions")
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])

    def __str__(self) -> str:
        return f"{self.partner}: £{self.amount}"


class Priority(models.Model):
    """A key issue the community identified and agreed, with the insights that showed it."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    insights = models.ManyToManyField(Insight, related_name="priorities", blank=True)

    class Meta:
        ordering = ("title",)
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="Applications may be submitted until the end of this day.")
    budget = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])
    minimum_award = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])
    maximum_award = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])
    quick_response = models.BooleanField(
        default=False, help_text="A short form and a fast decision, for groups that need to act quickly."
    )
    decision_target_days = models.PositiveSmallIntegerField("decision target (working days)", null=True, blank=True)
    priorities = models.ManyToManyField(Priority, related_name="rounds", blank=True)

    class Meta:
        ordering = ("-opens_on", "name")
        constraints = (
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="funding_round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(maximum_award__gte=models.F("minimum_award")), name="funding_round_award_limits_in_order"
            ),
        )

    def __str__(self) -> str:
        return f"{self.fund}: {self.name}"

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on


class Application(models.Model):
    """A community group's application to a round. `state` moves only through funding.workflow;
    `sections_done` lists the task-list sections the group has marked complete."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="applications_started"
    )
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    state = models.CharField(max_length=30, choices=State.choices, default=State.DRAFT, db_index=True)
    sections_done = models.JSONField(default=list, blank=True)
    # About your group
    group_description = models.TextField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    # Your project
    project_title = models.CharField(max_length=200, blank=True)
    project_summary = models.TextField(blank=True)
    project_outcomes = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # Priority and wards
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="applications")
    wards = models.ManyToManyField(Ward, related_name="applications", blank=True)
    # Budget
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # Declarations
    declares_accurate = models.BooleanField(default=False)
    declares_safeguarding = models.BooleanField(default=False)
    declares_data_protection = models.BooleanField(default=False)
    # Decision
    amount_awarded = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decision_conditions = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        permissions = (("manage_applications", "Can check eligibility, assign assessors and record decisions"),)

    def __str__(self) -> str:
        return self.reference or f"Draft application {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application", kwargs={"pk": self.pk})


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.item}: £{self.amount}"


class ApplicationEvent(models.Model):
    """The application's timeline: every move between states, by whom and when. Append-only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.application}: {self.from_state} to {self.to_state}"


class Attachment(models.Model):
    """A document the group sends with its application: kept privately (funding.files), named at
    random, and described by what its content showed it to be."""

    class Kind(models.TextChoices):
        CONSTITUTION = "constitution", "Constitution"
        SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
        OTHER = "other", "Other document"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("funding:attachment", kwargs={"pk": self.application_id, "attachment_pk": self.pk})
