from django.urls import path

from healthyplaces.accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/role-changes/", views.role_change_list_view, name="role_changes"),
]
