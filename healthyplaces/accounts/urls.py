from django.urls import path

from healthyplaces.accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/role-changes/", views.role_change_list_view, name="role_changes"),
    path("people/<int:pk>/data.json", views.person_data_view, name="person_data"),
    path("people/<int:pk>/erase/", views.person_erase_view, name="person_erase"),
    path("account/your-data/", views.your_data_view, name="your_data"),
    path("account/your-data/download.json", views.your_data_download_view, name="your_data_download"),
    path("account/your-data/erase/", views.erasure_request_view, name="erasure_request"),
]
