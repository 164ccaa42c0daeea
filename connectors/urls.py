from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    # The Open Referral UK 3.0 API. Its paths have no trailing slash, as the profile's OpenAPI
    # file writes them (a client joins them to the root without one).
    path("open-referral/", views.open_referral_view, name="open_referral"),
    path(
        "open-referral/services",
        views.open_referral_page_view,
        {"collection": "services"},
        name="open_referral_services",
    ),
    path(
        "open-referral/services/<str:record_id>",
        views.open_referral_record_view,
        {"collection": "services"},
        name="open_referral_service",
    ),
    path(
        "open-referral/service_at_locations",
        views.open_referral_page_view,
        {"collection": "service_at_locations"},
        name="open_referral_service_at_locations",
    ),
    path(
        "open-referral/service_at_locations/<str:record_id>",
        views.open_referral_record_view,
        {"collection": "service_at_locations"},
        name="open_referral_service_at_location",
    ),
    path(
        "open-referral/organizations",
        views.open_referral_page_view,
        {"collection": "organizations"},
        name="open_referral_organizations",
    ),
    path(
        "open-referral/organizations/<str:record_id>",
        views.open_referral_record_view,
        {"collection": "organizations"},
        name="open_referral_organization",
    ),
    path("connectors/open-referral.json", views.open_referral_moved_view, name="open_referral_json"),
    path("connectors/", views.coverage_view, name="coverage"),
    path("connectors/places/", views.place_list_view, name="places"),
    path("connectors/places/add/", views.place_add_view, name="place_add"),
    path("connectors/places/<int:pk>/", views.place_detail_view, name="place"),
    path("connectors/places/<int:pk>/change/", views.place_edit_view, name="place_edit"),
    path("connectors/people/", views.connector_list_view, name="connectors"),
    path("connectors/people/add/", views.connector_add_view, name="connector_add"),
    path("connectors/people/<int:pk>/", views.connector_detail_view, name="connector"),
    path("connectors/people/<int:pk>/change/", views.connector_edit_view, name="connector_edit"),
    path("connectors/conversations/", views.conversation_list_view, name="conversations"),
    path("connectors/conversations/add/", views.conversation_add_view, name="conversation_add"),
    path("connectors/conversations/<int:pk>/", views.conversation_detail_view, name="conversation"),
    path("connectors/conversations/<int:pk>/insights/", views.conversation_raise_view, name="raise_insights"),
    path("connectors/forum/", views.forum_view, name="forum"),
    path("connectors/forum/meetings/add/", views.forum_meeting_add_view, name="meeting_add"),
    path("connectors/forum/meetings/<int:pk>/", views.forum_meeting_detail_view, name="meeting"),
    path("connectors/forum/members/add/", views.forum_member_add_view, name="member_add"),
    path("connectors/mentoring/", views.mentoring_view, name="mentoring"),
    path("connectors/mentoring/add/", views.mentoring_pair_add_view, name="pair_add"),
    path("connectors/mentoring/<int:pk>/", views.mentoring_pair_view, name="pair"),
]
