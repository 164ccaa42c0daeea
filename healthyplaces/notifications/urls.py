from django.urls import path

from healthyplaces.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list_view, name="list"),
    path("account/email-preferences/", views.preferences_view, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
