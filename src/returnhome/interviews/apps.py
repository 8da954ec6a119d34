from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "returnhome.interviews"
    label = "interviews"

    def ready(self) -> None:
        # The apps below tell this one what happened; it never asks them to call up.
        from returnhome.episodes.signals import episode_returned
        from returnhome.interviews import services
        from returnhome.organisations.signals import clock_rule_changed

        episode_returned.connect(services.refer_returned, dispatch_uid="interviews.refer_returned")
        clock_rule_changed.connect(
            services.recompute_deadlines, dispatch_uid="interviews.recompute_deadlines"
        )
