"""The admin site is where programme admins record the activities groups run at places (what the
Open Referral UK API publishes) and correct anything else; the portal's own pages do the rest."""

from django import forms
from django.contrib import admin

from connectors.forms import NO_PERSONAL_DATA
from connectors.models import Activity, CheckIn, Connector, ForumMember, MentoringPair, Place

PUBLISHED = "Published as open data (Open Referral UK). " + NO_PERSONAL_DATA


class ActivityAdminForm(forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = ("organisation", "place", "name", "description", "status")
        help_texts = {"name": PUBLISHED, "description": PUBLISHED}


class ActivityInline(admin.TabularInline[Activity, Place]):
    model = Activity
    form = ActivityAdminForm
    extra = 1


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    list_display = ("name", "kind", "ward", "ownership")
    list_filter = ("kind", "ownership", "ward")
    search_fields = ("name", "postcode")
    readonly_fields = ("created_at",)
    inlines = (ActivityInline,)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    form = ActivityAdminForm
    list_display = ("name", "organisation", "place", "status")
    list_filter = ("status",)
    search_fields = ("name", "organisation__name", "place__name")


@admin.register(Connector)
class ConnectorAdmin(admin.ModelAdmin[Connector]):
    list_display = ("name", "active", "trained_on", "dbs_checked_on")
    list_filter = ("active",)
    filter_horizontal = ("wards", "places")
    readonly_fields = ("created_at",)


@admin.register(ForumMember)
class ForumMemberAdmin(admin.ModelAdmin[ForumMember]):
    list_display = ("name", "joined_on", "active")


class CheckInInline(admin.TabularInline[CheckIn, MentoringPair]):
    model = CheckIn
    extra = 0


@admin.register(MentoringPair)
class MentoringPairAdmin(admin.ModelAdmin[MentoringPair]):
    list_display = ("statutory_leader", "vcse_leader", "started_on", "status")
    list_filter = ("status",)
    inlines = (CheckInInline,)
