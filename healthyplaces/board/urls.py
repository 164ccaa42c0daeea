from django.urls import path

from healthyplaces.board import views

app_name = "board"

urlpatterns = [
    path("board/", views.dashboard_view, name="dashboard"),
    path("board/charts/<slug:key>.csv", views.chart_csv_view, name="chart_csv"),
    path("board/deprivation/", views.deprivation_upload_view, name="deprivation"),
    path("board/snapshots/", views.snapshot_list_view, name="snapshots"),
    path("board/snapshots/freeze/", views.snapshot_freeze_view, name="freeze"),
    path("board/snapshots/<int:pk>/", views.snapshot_detail_view, name="snapshot"),
    path("board/snapshots/<int:pk>/changes/", views.snapshot_changes_view, name="changes"),
    path("board/snapshots/<int:pk>/charts/<slug:key>.csv", views.chart_csv_view, name="snapshot_chart_csv"),
    path("board/snapshots/<int:pk>/pack.<slug:file_format>", views.snapshot_pack_view, name="pack"),
]
