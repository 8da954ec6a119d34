from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "returnhome.episodes"
    label = "episodes"

    def ready(self) -> None:
        from returnhome.children.timeline import add_source
        from returnhome.episodes.timeline import episode_entries

        add_source(episode_entries)
