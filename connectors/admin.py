"""The admin site is where programme admins record the activities groups run at places (what the
Open Referral UK API publishes) and correct anything else; the portal's own pages do the rest."""

from dataclasses import fields as dataclass_fields
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from connectors.forms import NO_PERSONAL_DATA
from connectors.models import Activity, CheckIn, Connector, ForumMember, MentoringPair, Place
from connectors.services import (
    ConnectorFields,
    PlaceFields,
    connector_create,
    connector_update,
    place_create,
    place_update,
)
from healthyplaces.accounts.models import User
from healthyplaces.core.admin_guards import GuardedDeleteAdmin


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's object the row a service saved, so the admin's inlines and log use it."""
    obj.__dict__.update(saved.__dict__)


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


# Place: added and changed here through place_create and place_update (their permission checks,
# validation, postcode tidying and version), as the portal's place pages do. Activities have no
# service: edited here directly.
@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    list_display = ("name", "kind", "ward", "ownership")
    list_filter = ("kind", "ownership", "ward")
    search_fields = ("name", "postcode")
    readonly_fields = ("created_at",)
    inlines = (ActivityInline,)

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        actor = cast(User, request.user)
        values = PlaceFields(**{f.name: getattr(obj, f.name) for f in dataclass_fields(PlaceFields)})
        if change:
            place_update(actor=actor, place=obj, expected_version=obj.version, fields=values)
        else:
            _adopt(obj, place_create(actor=actor, fields=values))


# Activity: no service writes activities; edited here (the Open Referral UK export reads them).
@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    form = ActivityAdminForm
    list_display = ("name", "organisation", "place", "status")
    list_filter = ("status",)
    search_fields = ("name", "organisation__name", "place__name")


# Connector: added and changed through connector_create and connector_update, wards and places
# included, as the portal's connector pages do.
@admin.register(Connector)
class ConnectorAdmin(admin.ModelAdmin[Connector]):
    list_display = ("name", "active", "trained_on", "dbs_checked_on")
    list_filter = ("active",)
    filter_horizontal = ("wards", "places")
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Connector, form: Any, change: bool) -> None:
        actor = cast(User, request.user)
        many = {name: form.cleaned_data.get(name, []) for name in ("wards", "places")}
        simple = {f.name: getattr(obj, f.name) for f in dataclass_fields(ConnectorFields) if f.name not in many}
        values = ConnectorFields(**simple, wards=list(many["wards"]), places=list(many["places"]))
        if change:
            connector_update(actor=actor, connector=obj, expected_version=obj.version, fields=values)
        else:
            _adopt(obj, connector_create(actor=actor, fields=values))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service has set the wards and places already.
        for name in ("wards", "places"):
            form.cleaned_data.pop(name, None)
        super().save_related(request, form, formsets, change)


# ForumMember: added in the portal (forum_member_add, which checks who may); corrected here.
@admin.register(ForumMember)
class ForumMemberAdmin(admin.ModelAdmin[ForumMember]):
    list_display = ("name", "joined_on", "active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CheckInInline(admin.TabularInline[CheckIn, MentoringPair]):
    """The pair's timeline: added by check_in_add in the portal, never edited."""

    model = CheckIn
    extra = 0
    can_delete = False
    readonly_fields = ("held_on", "note", "recorded_by")

    def has_add_permission(self, request: HttpRequest, obj: MentoringPair | None = None) -> bool:
        return False


# MentoringPair: started in the portal (mentoring_pair_create) and its status moved there
# (mentoring_pair_set_status), so here it is read-only but for its start date; check-ins are its
# timeline, so a pair that has any is never deleted.
@admin.register(MentoringPair)
class MentoringPairAdmin(GuardedDeleteAdmin[MentoringPair]):
    list_display = ("statutory_leader", "vcse_leader", "started_on", "status")
    list_filter = ("status",)
    readonly_fields = ("statutory_leader", "vcse_leader", "status", "created_at")
    inlines = (CheckInInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def deletion_refused(self, obj: MentoringPair) -> str | None:
        return "it has check-ins on its timeline" if obj.check_ins.exists() else None
