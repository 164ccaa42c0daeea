from django.urls import path, re_path

from funding import assessment_views, export_views, report_views, views

app_name = "funding"

urlpatterns = [
    path("funding/", views.rounds_view, name="rounds"),
    path("funding/start/", views.start_view, name="start"),
    path("funding/applications/", views.applications_view, name="applications"),
    path("funding/applications/<int:pk>/", views.application_view, name="application"),
    path("funding/applications/<int:pk>/check/", views.check_view, name="check"),
    path("funding/applications/<int:pk>/transition/", views.transition_view, name="transition"),
    path("funding/applications/<int:pk>/submitted/", views.submitted_view, name="submitted"),
    path("funding/applications/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("funding/applications/<int:pk>/report/", report_views.report_view, name="report"),
    path("funding/applications/<int:pk>/report/insight/", report_views.report_insight_view, name="report_insight"),
    path("funding/applications/<int:pk>/assessors/", assessment_views.assign_view, name="assign"),
    path(
        "funding/applications/<int:pk>/assessors/<int:assignment_pk>/remove/",
        assessment_views.unassign_view,
        name="unassign",
    ),
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
    path("funding/assessments/", assessment_views.assessments_view, name="assessments"),
    path("funding/assessments/<int:pk>/", assessment_views.assessment_view, name="assessment"),
    path("funding/assessments/<int:pk>/declare/", assessment_views.declare_view, name="assessment_declare"),
    path("funding/panels/", assessment_views.panels_view, name="panels"),
    path("funding/panels/<int:pk>/", assessment_views.panel_view, name="panel"),
    path("funding/360giving/", export_views.export_view, name="export"),
    re_path(
        r"^funding/360giving/grants\.(?P<file_format>json|csv)$", export_views.export_file_view, name="export_file"
    ),
]
