"""Changes to a council's service configuration that the apps above this one act on.

`clock_rule_changed` is sent by `services.configure_service`, in its transaction, when the council's
72-hour rule changed; `interviews` (above this app) recomputes the deadlines of the RHIs still
waiting — see `interviews/apps.py`. A receiver that raises rolls the change back.
"""

from django.dispatch import Signal

# Sent with council (its new configuration saved) and acting_user (User | None).
clock_rule_changed = Signal()
