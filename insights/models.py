from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward


class Source(models.TextChoices):
    CONVERSATION = "conversation", "Conversation"
    SURVEY = "survey", "Survey"
    EVENT = "event", "Event"
    FOCUS_GROUP = "focus_group", "Focus group"
    COMPLAINT = "complaint", "Complaint or feedback"
    SOCIAL_MEDIA = "social_media", "Social media"
    GRANT_REPORT = "grant_report", "End-of-grant report"
    OTHER = "other", "Other"


class ConsentBasis(models.TextChoices):
    RECORDED_CONSENT = "recorded_consent", "Recorded consent"
    ANONYMOUS = "anonymous", "Anonymous"
    PUBLIC_SOURCE = "public_source", "Public source"


class InsightStatus(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    INFORMING = "informing", "Informing an action"
    RESPONDED = "responded", "Responded"


class Insight(models.Model):
    """What a community told us. Holds no personal data: the text is a summary or an unattributed
    quote, and consent_basis records why it may be kept."""

    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What people said, in a sentence or a short paragraph.")
    quote = models.TextField(blank=True, help_text="Someone's own words, without their name.")
    source = models.CharField(max_length=20, choices=Source.choices)
    heard_on = models.DateField("date heard")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="insights")
    place = models.ForeignKey(
        "connectors.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insights",
        help_text="Where it was heard, for example a venue.",
    )
    # Set when a connector raised this insight from a conversation, so each links to the other.
    conversation = models.ForeignKey(
        "connectors.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="insights"
    )
    themes = models.ManyToManyField(Theme, related_name="insights", blank=True)
    population_groups = models.ManyToManyField(PopulationGroup, related_name="insights", blank=True)
    people_count = models.PositiveIntegerField(
        "number of people", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="insights_collected"
    )
    consent_basis = models.CharField(max_length=20, choices=ConsentBasis.choices)
    status = models.CharField(max_length=20, choices=InsightStatus.choices, default=InsightStatus.NEW)
    actions = models.ManyToManyField(Action, related_name="insights", blank=True)
    response = models.TextField("what we did", blank=True)
    response_on = models.DateField("date of response", null=True, blank=True)
    response_published = models.BooleanField(default=False)
    # Set for imported rows: the same row uploaded again is recognised and skipped.
    import_fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # Kept up to date by insights.services on PostgreSQL; unused (and empty) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-heard_on", "-pk")
        permissions = (("publish_response", "Can publish a response to the public"),)
        constraints = (
            models.CheckConstraint(
                condition=~models.Q(response_published=True) | ~models.Q(response=""),
                name="insights_published_response_has_text",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insights:detail", kwargs={"pk": self.pk})

    @property
    def funded_applications(self) -> list[Any]:
        """Grants awarded under the community priorities this insight shaped, each once. Reads the
        relations as prefetched (priorities__applications), so a list of insights costs no more
        queries per row; funding sits above this app, hence the relation names, not its models."""
        grants = {
            application.pk: application
            for priority in self.priorities.all()
            for application in priority.applications.all()
            if application.is_awarded
        }
        return [grants[pk] for pk in sorted(grants)]


class ImportBatch(models.Model):
    """An uploaded CSV on its way in: kept between the upload, the column mapping and the preview,
    so nothing is written to the bank until the officer confirms the whole file."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    content = models.TextField()
    mapping = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="insight_imports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    imported_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.filename


class SearchWord(models.Model):
    """A word the bank's titles and summaries use: the vocabulary "did you mean" suggests from
    (insights.search.did_you_mean). Kept by the service that indexes insights. Quotes and places
    are left out: they are cleared when their retention period ends, and their words (names,
    addresses) should not outlive them here."""

    word = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.word
