from django.urls import path

from returnhome.imports.front_door import views

app_name = "imports"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/<slug:action>/", views.resolve_item, name="resolve"),
    path("waiting/<int:pk>/", views.pending_detail, name="pending"),
    path("waiting/<int:pk>/<slug:action>/", views.resolve_pending, name="resolve_pending"),
    path("merge/<int:keep_pk>/", views.merge_choose, name="merge_choose"),
    path("merge/<int:keep_pk>/<int:duplicate_pk>/", views.merge_confirm, name="merge_confirm"),
    path("merges/<int:pk>/undo/", views.undo_merge, name="undo_merge"),
]
