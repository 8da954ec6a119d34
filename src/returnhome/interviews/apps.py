from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "returnhome.interviews"
    label = "interviews"

    def ready(self) -> None:
        # The hooks the apps below offer, so that they never import this one.
        from returnhome.children.services import add_undo_step
        from returnhome.children.timeline import add_source
        from returnhome.episodes.signals import episode_returned
        from returnhome.interviews import services
        from returnhome.interviews.timeline import interview_entries, rhi_entries
        from returnhome.organisations.signals import clock_rule_changed

        add_source(rhi_entries)
        add_source(interview_entries)
        add_undo_step(services.rhis_going_back)

        episode_returned.connect(services.refer_returned, dispatch_uid="interviews.refer_returned")
        clock_rule_changed.connect(
            services.recompute_deadlines, dispatch_uid="interviews.recompute_deadlines"
        )
