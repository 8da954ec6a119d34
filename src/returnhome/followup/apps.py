from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "returnhome.followup"
    label = "followup"
