from django.db import models


class DurableGeneration(models.Model):
    """A generation that must outlive the cache (healthyplaces/core/generations.py): moved in the same
    transaction as any write to the tables it guards, and carried in the keys of the values made from
    them, so that a value restored from an old snapshot of the cache is never found."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
