from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q


class Ward(models.Model):
    """An electoral ward. Boundaries change (2023, 2027), so wards are data an admin loads."""

    name = models.CharField(max_length=120, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^E05\d{6}$", "Enter an ONS ward code like E05001234")],
    )

    class Meta:
        ordering = ("name",)
        constraints = (
            models.UniqueConstraint(
                fields=("ons_code",), condition=~Q(ons_code=""), name="vocabulary_ward_ons_code_unique"
            ),
        )

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class PopulationGroup(models.Model):
    name = models.CharField(max_length=120, unique=True)
    seldom_heard = models.BooleanField(
        default=False, help_text="Seldom heard by services, so insight work seeks them out."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
