from django.contrib import admin
from django.http import HttpRequest

from insights.models import Insight


# Insight: read-only here. It is logged, edited and answered in the portal through insight_create,
# insight_update and insight_respond, which check who may, keep its search index and version and
# publish responses; editing here would skip all of that. A programme admin may still delete one
# (a duplicate, something logged by mistake): nothing depends on an insight's existence.
@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin[Insight]):
    list_display = ("title", "source", "heard_on", "ward", "status", "response_published")
    list_filter = ("status", "source", "response_published", "themes")
    search_fields = ("title", "summary")
    filter_horizontal = ("themes", "population_groups", "actions")
    readonly_fields = ("collected_by", "created_at", "updated_at", "version")
    exclude = ("search_vector",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Insight | None = None) -> bool:
        return False
