"""The community connector network (plan actions 11, 12, 13, 15 and 17): connectors, the places
where people meet, the conversations held there, the community forum and mentoring pairs."""

from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from healthyplaces.accounts.models import Organisation
from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward

POSTCODE = RegexValidator(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$", "Enter a real postcode, like TS18 1LD")


class PlaceKind(models.TextChoices):
    COMMUNITY_CENTRE = "community_centre", "Community centre"
    LIBRARY = "library", "Library"
    CAFE = "cafe", "Cafe"
    PARK = "park", "Park or green space"
    FAITH_VENUE = "faith_venue", "Faith venue"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class Ownership(models.TextChoices):
    COUNCIL = "council", "Council"
    COMMUNITY_OWNED = "community_owned", "Community-owned"
    OWNERSHIP_TRIAL = "ownership_trial", "Community-ownership trial"
    OTHER = "other", "Other"


class Place(models.Model):
    """A venue or community asset where people meet. The ward is optional only because places
    carried over from the insights bank's free text may not have one; the forms require it."""

    # Its Open Referral UK location id: stored, so it never changes when a setting does.
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField("type of place", max_length=20, choices=PlaceKind.choices, default=PlaceKind.OTHER)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="places")
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[POSTCODE])
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    accessibility = models.TextField("accessibility notes", blank=True)
    opening_times = models.TextField(blank=True)
    ownership = models.CharField(max_length=20, choices=Ownership.choices, default=Ownership.OTHER)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="connectors_place_both_coordinates_or_neither",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("connectors:place", kwargs={"pk": self.pk})


class Connector(models.Model):
    """A community connector. Some never sign in; an officer records for them, so the user is
    optional and the name is kept here. Training and DBS checks are dates only, never documents."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="connector"
    )
    name = models.CharField(max_length=200)
    wards = models.ManyToManyField(Ward, related_name="connectors", blank=True)
    places = models.ManyToManyField(Place, related_name="connectors", blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="For example, English, Urdu, Polish")
    interests = models.TextField(blank=True)
    trained_on = models.DateField("date trained", null=True, blank=True)
    dbs_checked_on = models.DateField("date of DBS check", null=True, blank=True)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("connectors:connector", kwargs={"pk": self.pk})


class Conversation(models.Model):
    """A conversation a connector held at a place. It holds counts and themes, never who was there."""

    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="conversations")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="conversations")
    held_on = models.DateField("date")
    people_count = models.PositiveIntegerField("number of people", validators=[MinValueValidator(1)])
    population_groups = models.ManyToManyField(PopulationGroup, related_name="conversations", blank=True)
    themes = models.ManyToManyField(Theme, related_name="conversations", blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="conversations_recorded"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-held_on", "-pk")
        # The list's order, and coverage's last 90 days (2% of ten years of conversations).
        indexes = (models.Index(fields=("-held_on", "-id"), name="connectors_conversation_recent"),)

    def __str__(self) -> str:
        return f"{self.place} on {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("connectors:conversation", kwargs={"pk": self.pk})


class Activity(models.Model):
    """Something a group runs at a place, as directories list it (an Open Referral UK service)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    # Its Open Referral UK ids, as a service and as that service's link to its place (a
    # service_at_location): stored, so they never change when a setting does.
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    service_at_location_uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="activities")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ("name", "pk")
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class ForumMember(models.Model):
    """A member of the community forum. Community-led: many members never sign in."""

    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="forum_memberships"
    )
    joined_on = models.DateField(default=timezone.localdate)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Members are listed on the forum's page.
        return reverse("connectors:forum")


class ForumMeeting(models.Model):
    held_on = models.DateField("date")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True, related_name="forum_meetings")
    agenda = models.TextField(blank=True)
    attendance = models.PositiveIntegerField("number attending", validators=[MinValueValidator(1)])
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="forum_meetings_recorded"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-held_on", "-pk")

    def __str__(self) -> str:
        return f"Forum meeting, {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("connectors:meeting", kwargs={"pk": self.pk})


class ForumAction(models.Model):
    """An action the forum agreed, and who owns it (a name, as owners may not sign in)."""

    meeting = models.ForeignKey(ForumMeeting, on_delete=models.CASCADE, related_name="agreed_actions")
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.description


class MentoringPair(models.Model):
    """A statutory leader and a VCSE leader mentoring each other. Only the two of them and
    programme admins see the pair."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    statutory_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentoring_as_statutory"
    )
    vcse_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentoring_as_vcse"
    )
    started_on = models.DateField("start date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-started_on", "-pk")
        permissions = (("manage_mentoring", "Can see and set up every mentoring pair"),)
        constraints = (
            models.CheckConstraint(
                condition=~Q(statutory_leader=models.F("vcse_leader")), name="connectors_pair_two_people"
            ),
        )

    def __str__(self) -> str:
        return f"{self.statutory_leader} and {self.vcse_leader}"

    def get_absolute_url(self) -> str:
        return reverse("connectors:pair", kwargs={"pk": self.pk})


class CheckIn(models.Model):
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField("date")
    note = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="mentoring_check_ins"
    )

    class Meta:
        ordering = ("-held_on", "-pk")

    def __str__(self) -> str:
        return f"Check-in on {self.held_on:%-d %B %Y}"
