from django.urls import path, re_path

from funding import export_views, views

app_name = "funding"

urlpatterns = [
    path("funding/", views.rounds_view, name="rounds"),
    path("funding/start/", views.start_view, name="start"),
    path("funding/applications/", views.applications_view, name="applications"),
    path("funding/applications/<int:pk>/", views.application_view, name="application"),
    path("funding/applications/<int:pk>/check/", views.check_view, name="check"),
    path("funding/applications/<int:pk>/transition/", views.transition_view, name="transition"),
    path("funding/applications/<int:pk>/submitted/", views.submitted_view, name="submitted"),
    path("funding/applications/<int:pk>/<slug:section>/", views.section_view, name="section"),
    path(
        "funding/applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_view,
        name="attachment",
    ),
    path(
        "funding/applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove_view,
        name="attachment_remove",
    ),
    path("funding/360giving/", export_views.export_view, name="export"),
    re_path(
        r"^funding/360giving/grants\.(?P<file_format>json|csv)$", export_views.export_file_view, name="export_file"
    ),
]
