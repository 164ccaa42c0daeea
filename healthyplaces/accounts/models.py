from collections.abc import Collection
from functools import cached_property
from typing import Any, ClassVar
from uuid import uuid4

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from healthyplaces.accounts.org_ids import (
    CHARITY_EXAMPLES,
    normalise_number,
    validate_charity_number,
    validate_company_number,
)
from healthyplaces.accounts.roles import EVERYDAY_ROLES, Role
from healthyplaces.vocabulary.models import Ward


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login; roles are Groups (see roles.Role)."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin site (programme admins).")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("full_name", "email")
        constraints = (models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),)

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.role_names

    @property
    def must_use_mfa(self) -> bool:
        # accounts.backends reads this with the signed-in user; other User objects ask the database.
        needs = getattr(self, "needs_second_factor", None)
        if needs is None:
            needs = User.objects.filter(pk=self.pk).filter(second_factor_required()).exists()
        return self.is_superuser or bool(needs)


def second_factor_required() -> Q:
    """Who must sign in with a second factor, as a condition on users: superusers and anyone holding a
    permission (through a role or given to them directly) beyond the everyday roles' own. Decided by
    permissions, not role names, so a permission added to a role, or to a person, brings the second
    factor with it."""
    # Read through the two link tables alone (no join to the permissions themselves): this is asked
    # with the signed-in user on every request.
    role_permission = Group.permissions.through
    everyday = role_permission.objects.filter(group__name__in=[role.value for role in EVERYDAY_ROLES])
    everyday_ids = everyday.values("permission_id")
    return (
        Q(is_superuser=True)
        | Q(Exists(role_permission.objects.filter(group__user=OuterRef("pk")).exclude(permission_id__in=everyday_ids)))
        | Q(
            Exists(
                User.user_permissions.through.objects.filter(user_id=OuterRef("pk")).exclude(
                    permission_id__in=everyday_ids
                )
            )
        )
    )


def needs_second_factor() -> Case:
    """second_factor_required() as a value to annotate users with (User.must_use_mfa reads it)."""
    return Case(When(second_factor_required(), then=Value(True)), default=Value(False), output_field=BooleanField())


class Organisation(models.Model):
    class Type(models.TextChoices):
        VCSE = "vcse", "Voluntary, community or social enterprise (VCSE)"
        GRASSROOTS = "grassroots", "Grassroots community group"
        STATUTORY = "statutory", "Statutory body"
        OTHER = "other", "Other"

    # A public identifier for open data (an Open Referral UK organization id): stored, so it never
    # changes when a setting or the name does.
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    # Checked against the registers' forms (accounts.org_ids) and stored normalised: 360Giving
    # publishes an identifier made from each (GB-CHC-, GB-SC-, GB-NIC-, GB-COH-).
    charity_number = models.CharField(
        max_length=12,
        blank=True,
        validators=[validate_charity_number],
        help_text=f"Only for a registered charity: its number, {CHARITY_EXAMPLES}.",
    )
    company_number = models.CharField(
        max_length=8,
        blank=True,
        validators=[validate_company_number],
        help_text="Only if the group is a registered company: 8 characters, like 01234567 or SC123456.",
    )
    # Where the group is based, published as the grant recipient's location (360Giving asks for one;
    # a ward rather than a postcode, which for a small group is often a volunteer's home).
    ward = models.ForeignKey(
        Ward,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The ward the group is based in.",
    )
    members = models.ManyToManyField(User, related_name="organisations", blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Stored as the registers write them, so "sc 012345" is checked (and kept) as SC012345.
        self.charity_number = normalise_number(self.charity_number)
        self.company_number = normalise_number(self.company_number)
        super().clean_fields(exclude=exclude)


class RoleChange(models.Model):
    """The audit log of role changes: who changed whose roles, from what to what, and when. Written by
    accounts.services in the same transaction as the change."""

    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # None: the operator at the command line, or the person signing themselves up.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept when the account is deleted, so the log still shows that a change happened.
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="role_changes")
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)

    class Meta:
        ordering = ("-changed_at", "-pk")

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.before) or 'no role'} to {', '.join(self.after) or 'no role'}"

    @property
    def added(self) -> list[str]:
        return [role for role in self.after if role not in self.before]

    @property
    def removed(self) -> list[str]:
        return [role for role in self.before if role not in self.after]


class PersonalDataExport(models.Model):
    """The log of downloads of personal data: who downloaded whose data, what, and when."""

    exported_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="personal_data_exports")
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ("-exported_at", "-pk")

    def __str__(self) -> str:
        return f"{self.actor} downloaded {self.what} of {self.subject}"


class SignInFailures(models.Model):
    """Wrong passwords (and authenticator codes) for one email address, wherever they were typed.

    Kept in the database, not the cache: a cache outage or restart must neither forget a lockout nor
    let failures go uncounted, and the key is the address alone (allauth's cache key also carries the
    request's Host header, so another host name or port started a fresh count)."""

    email = models.CharField(max_length=254, unique=True, help_text="Normalised: trimmed and lower case.")
    failures = models.PositiveIntegerField(default=0)
    counting_since = models.DateTimeField(help_text="The first failure of the current window.")
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "sign-in failures"

    def __str__(self) -> str:
        return f"{self.email}: {self.failures} failure(s)"

    @staticmethod
    def address(email: str) -> str:
        """The one key for an address however it was typed (allauth matches addresses case-insensitively)."""
        return email.strip().lower()
