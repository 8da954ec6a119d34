from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "returnhome.sharing"
    label = "sharing"

    def ready(self) -> None:
        # The hooks the apps below offer, so that they never import this one.
        from returnhome.children.timeline import add_source
        from returnhome.interviews.notices import add_team_notice
        from returnhome.sharing.notices import overdue_notice
        from returnhome.sharing.timeline import sharing_entries

        add_source(sharing_entries)
        add_team_notice(overdue_notice)
