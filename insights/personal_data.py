from django.db.models import Q

from healthyplaces.core.personal_data import PersonalData, Retention, register
from insights.models import ImportBatch, Insight

register(
    PersonalData(Insight, about="collected_by", fields=("title", "heard_on", "place__name", "created_at")),
    PersonalData(ImportBatch, about="uploaded_by", fields=("filename", "created_at", "imported_count")),
    # What was said stays for the figures (themes, wards, counts); a quote in someone's own words,
    # where it was heard and who logged it go once the retention period has passed.
    Retention(
        Insight,
        expired=lambda cutoff: Q(created_at__lt=cutoff) & ~Q(quote="", place=None, collected_by=None),
        clear={"quote": "", "place": None, "collected_by": None},
        description="quotes, places and who logged insights",
    ),
)
