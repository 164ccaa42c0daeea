from django.urls import path, re_path

from insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.insight_list_view, name="list"),
    path("insights/add/", views.insight_add_view, name="add"),
    path("insights/counts/", views.insight_counts_view, name="counts"),
    path("insights/import/", views.import_upload_view, name="import"),
    path("insights/import/<int:pk>/columns/", views.import_map_view, name="import_map"),
    path("insights/import/<int:pk>/check/", views.import_preview_view, name="import_preview"),
    re_path(r"^insights/export\.(?P<file_format>csv|xlsx)$", views.insight_export_view, name="export"),
    path("insights/<int:pk>/", views.insight_detail_view, name="detail"),
    path("insights/<int:pk>/edit/", views.insight_edit_view, name="edit"),
    path("insights/<int:pk>/review/", views.insight_review_view, name="review"),
    path("insights/<int:pk>/response/", views.insight_respond_view, name="respond"),
    path("you-said-we-did/", views.you_said_we_did_view, name="public"),
]
