from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "returnhome.interviews"
    label = "interviews"

    def ready(self) -> None:
        # The apps below tell this one what happened; it never asks them to call up.
        from returnhome.children.timeline import add_source
        from returnhome.episodes.signals import episode_returned
        from returnhome.interviews import services
        from returnhome.interviews.timeline import interview_entries, rhi_entries
        from returnhome.organisations.signals import clock_rule_changed

        add_source(rhi_entries)
        add_source(interview_entries)

        episode_returned.connect(services.refer_returned, dispatch_uid="interviews.refer_returned")
        clock_rule_changed.connect(
            services.recompute_deadlines, dispatch_uid="interviews.recompute_deadlines"
        )
