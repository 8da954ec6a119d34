from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "returnhome.episodes"
    label = "episodes"
