from django.urls import path

from funding import views

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
]
