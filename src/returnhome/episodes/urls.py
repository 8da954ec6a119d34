from django.urls import path

from returnhome.episodes import list_views, views

app_name = "episodes"
urlpatterns = [
    path("", list_views.episode_list, name="list"),
    path("open/", views.open_episodes, name="open"),
    path("missing/", views.record_missing, name="record_missing"),
    path("missing/new-child/", views.record_missing_for, name="record_missing_new_child"),
    path("missing/child/<int:child_pk>/", views.record_missing_for, name="record_missing_for"),
    path("<int:pk>/", views.episode_detail, name="detail"),
    path("<int:pk>/found/", views.record_found, name="record_found"),
]
