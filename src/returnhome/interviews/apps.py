from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "returnhome.interviews"
    label = "interviews"
