from django.urls import path

from connectors import views

app_name = "connectors"

urlpatterns = [
    path("connectors/open-referral.json", views.open_referral_view, name="open_referral"),
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
