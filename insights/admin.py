from django.contrib import admin

from insights.models import Insight


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin[Insight]):
    list_display = ("title", "source", "heard_on", "ward", "status", "response_published")
    list_filter = ("status", "source", "response_published", "themes")
    search_fields = ("title", "summary")
    filter_horizontal = ("themes", "population_groups", "actions")
    readonly_fields = ("collected_by", "created_at", "updated_at", "version")
    exclude = ("search_vector",)
