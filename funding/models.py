import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from funding.files import attachment_path, private_storage
from funding.workflow import AWARDED, State
from healthyplaces.accounts.models import Organisation
from healthyplaces.core.formats import money
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
        return f"{self.partner}: {money(self.amount)}"


class Priority(models.Model):
    """A key issue the community identified and agreed, with the insights that showed it."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    insights = models.ManyToManyField(Insight, related_name="priorities", blank=True)
    # The plan's actions this priority serves: closes the loop from insight to action to grant.
    actions = models.ManyToManyField("actions.Action", related_name="priorities", blank=True)

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
    # Eligibility: question id (as text) -> the group's yes (true) or no (false).
    eligibility_answers = models.JSONField(default=dict, blank=True)
    # Decision
    amount_awarded = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decision_conditions = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    report_due_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        # The applications list shows the most recently changed first: without this, every one of
        # 5,000 applications was joined and sorted to show 25.
        indexes = (models.Index(fields=("-updated_at", "-id"), name="funding_application_recent"),)
        permissions = (
            ("manage_applications", "Can check eligibility, assign assessors and record decisions"),
            ("assess_application", "Can score the applications assigned to them"),
        )

    def __str__(self) -> str:
        return self.reference or f"Draft application {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application", kwargs={"pk": self.pk})

    @property
    def is_awarded(self) -> bool:
        return self.state in AWARDED


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.item}: {money(self.amount)}"


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


# Every criterion is scored out of this; weights say how much each criterion counts.
MAX_SCORE = 5


class AssessmentCriterion(models.Model):
    """What assessors score a round's applications on, and how much it counts."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What a high score looks like, for assessors.")
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")
        verbose_name_plural = "assessment criteria"
        constraints = (
            models.UniqueConstraint(fields=("round", "name"), name="funding_criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="funding_criterion_weight_positive"),
        )

    def __str__(self) -> str:
        return f"{self.name} (weight {self.weight})"


class EligibilityQuestion(models.Model):
    """A yes/no question every applicant to the round answers; officers see which answers do not
    meet the round's rules when they check eligibility."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligibility_questions")
    text = models.CharField(max_length=300)
    eligible_answer = models.BooleanField(default=True, help_text="The answer an eligible group gives.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text


class Assignment(models.Model):
    """An assessor asked to assess one application. They declare whether they have a conflict of
    interest before they may see it; a conflicted assessor never scores it nor sees others' scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    # None until declared.
    has_conflict = models.BooleanField(null=True)
    conflict_details = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ("assigned_at", "pk")
        constraints = (
            models.UniqueConstraint(fields=("application", "assessor"), name="funding_assignment_once"),
            models.CheckConstraint(
                condition=Q(has_conflict__isnull=True, declared_at__isnull=True)
                | Q(has_conflict__isnull=False, declared_at__isnull=False),
                name="funding_assignment_declared_with_date",
            ),
            # Only an assessor who declared no conflict can submit scores.
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(has_conflict=False),
                name="funding_assignment_submitted_without_conflict",
            ),
        )

    def __str__(self) -> str:
        return f"{self.assessor} on {self.application}"

    def get_absolute_url(self) -> str:
        return reverse("funding:assessment", kwargs={"pk": self.pk})

    @property
    def may_assess(self) -> bool:
        return self.has_conflict is False


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="scores")
    # None while the assessor has written a comment but not yet chosen a score.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ("criterion__position", "criterion__pk")
        constraints = (
            models.UniqueConstraint(fields=("assignment", "criterion"), name="funding_score_once_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=MAX_SCORE), name="funding_score_at_most_max"),
        )

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.score}/{MAX_SCORE}"


class Payment(models.Model):
    """Money paid to a grantee; a grant may be paid in instalments, never beyond its award."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[POSITIVE])
    paid_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The finance system's reference.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("paid_on", "pk")
        constraints = (models.CheckConstraint(condition=Q(amount__gt=0), name="funding_payment_positive"),)

    def __str__(self) -> str:
        return f"{money(self.amount)} on {self.paid_on}"


class GrantReport(models.Model):
    """The group's end-of-grant report: saved as a draft until they send it."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="report")
    what_happened = models.TextField(blank=True)
    people_reached = models.PositiveIntegerField(null=True, blank=True)
    spend_notes = models.TextField(blank=True, help_text="Anything to explain about spending against the budget.")
    story = models.TextField(blank=True, help_text="One person's story, told with their permission.")
    insights = models.ManyToManyField(Insight, related_name="grant_reports", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Report on {self.application}"


class ReportSpend(models.Model):
    """What was actually spent on one line of the approved budget."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="spend")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    amount_spent = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        ordering = ("budget_line__pk",)
        constraints = (models.UniqueConstraint(fields=("report", "budget_line"), name="funding_spend_once_per_line"),)

    def __str__(self) -> str:
        return f"{money(self.amount_spent)} spent"
