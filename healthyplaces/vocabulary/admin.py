"""The shared vocabulary: no service writes it (it is loaded by load_vocabulary and corrected here).
Records that use a ward, theme or population group protect it from deletion where they must."""

from django.contrib import admin

from healthyplaces.vocabulary.models import PopulationGroup, Theme, Ward


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin[Ward]):
    list_display = ("name", "ons_code")
    search_fields = ("name", "ons_code")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(PopulationGroup)
class PopulationGroupAdmin(admin.ModelAdmin[PopulationGroup]):
    list_display = ("name", "seldom_heard")
    list_filter = ("seldom_heard",)
    search_fields = ("name",)
