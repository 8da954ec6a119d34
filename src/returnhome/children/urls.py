from django.urls import path

from returnhome.children import package_views, views

app_name = "children"
urlpatterns = [
    path("", views.child_list, name="list"),
    path("<int:pk>/", views.child_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_child, name="edit"),
    path("<int:pk>/legal-status/", views.add_legal_status, name="add_legal_status"),
    path("<int:pk>/placement/", views.add_placement, name="add_placement"),
    path("<int:pk>/alias/", views.add_alias, name="add_alias"),
    path("<int:pk>/access/", views.access_history, name="access_history"),
    path("<int:pk>/package/", package_views.package, name="package"),
    path("<int:pk>/package/edit/", package_views.edit_package, name="edit_package"),
    path("<int:pk>/share-interviews/", package_views.share_interviews, name="share_interviews"),
    path("packages/", package_views.packages_received, name="packages_received"),
    path("packages/<int:pk>/received/", package_views.receive_package, name="receive_package"),
]
