from django.urls import path

from returnhome.interviews import interview_views, queue_views, review_views, views

app_name = "interviews"
urlpatterns = [
    path("rhis/mine/", queue_views.my_rhis, name="mine"),
    path("rhis/team/", queue_views.team_rhis, name="team"),
    path("rhis/<int:pk>/", views.rhi_detail, name="rhi"),
    path("rhis/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("rhis/<int:pk>/contact/", views.contact_attempt, name="contact"),
    path("rhis/<int:pk>/consent/", views.consent, name="consent"),
    path("rhis/<int:pk>/offer/", views.offer, name="offer"),
    path("rhis/<int:pk>/outcome/", views.outcome, name="outcome"),
    path(
        "rhis/<int:pk>/interview/",
        interview_views.record_interview,
        {"kind": "interview"},
        name="record_interview",
    ),
    path(
        "rhis/<int:pk>/carer-information/",
        interview_views.record_interview,
        {"kind": "carer_only"},
        name="record_carer_only",
    ),
    path(
        "rhis/<int:pk>/record/<str:kind>/check/",
        interview_views.interview_check,
        name="interview_check",
    ),
    path(
        "rhis/<int:pk>/record/<str:kind>/<slug:section>/",
        interview_views.interview_section,
        name="interview_section",
    ),
    path(
        "rhis/<int:pk>/record/<str:kind>/<slug:section>/autosave/",
        interview_views.autosave,
        name="interview_autosave",
    ),
    path("interviews/<int:pk>/", review_views.interview_detail, name="interview"),
    path("interviews/<int:pk>/review/", review_views.review, name="review"),
]
