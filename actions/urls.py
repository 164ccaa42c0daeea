from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("actions/", views.action_list_view, name="list"),
    path("actions/mine/", views.my_actions_view, name="mine"),
    path("actions/<int:number>/", views.action_detail_view, name="detail"),
    path("actions/<int:number>/update/", views.action_update_view, name="update"),
    path("progress/", views.progress_view, name="progress"),
]
