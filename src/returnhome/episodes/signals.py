"""What happens to an episode that the apps above it act on, in the same transaction.

`episode_returned` is sent by `services.record_return` once the episode is closed and the found
notification kept; `interviews` (above this app) refers the RHI on it — see `interviews/apps.py`.
A receiver that raises rolls the return back.
"""

from django.dispatch import Signal

# Sent with episode (closed), acting_user (User | None), received_at (when the found notification
# arrived: the 72-hour clock may start then).
episode_returned = Signal()
