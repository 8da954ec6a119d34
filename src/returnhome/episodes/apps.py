from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "returnhome.episodes"
    label = "episodes"

    def ready(self) -> None:
        from returnhome.children.services import add_undo_step
        from returnhome.children.timeline import add_source
        from returnhome.episodes.services import episodes_going_back
        from returnhome.episodes.timeline import episode_entries

        add_source(episode_entries)
        add_undo_step(episodes_going_back)
