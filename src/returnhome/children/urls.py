from django.urls import path

from returnhome.children import views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_child, name="edit"),
    path("<int:pk>/legal-status/", views.add_legal_status, name="add_legal_status"),
    path("<int:pk>/placement/", views.add_placement, name="add_placement"),
    path("<int:pk>/alias/", views.add_alias, name="add_alias"),
    path("<int:pk>/access/", views.access_history, name="access_history"),
]
