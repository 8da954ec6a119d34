"""The access policy: who may see and do what, in one place.

- `roles`: the role vocabulary (`Role`), the role sets, and which users hold a job (as filters).
- `policy`: the named predicates (`can_see_child_records`, `can_read_interviews`,
  `can_record_notification`, …), the `visible_to` filters every queryset uses, and
  `get_visible_or_404`.
- `navigation`: the service navigation and each role's home page.
- `context_processors`: the navigation and the predicates (`{% if can.read_interviews %}`) for
  templates.

It sits low in the layers: it imports only `returnhome.core`, `returnhome.lib`, Django and
`rules`. It names the models it filters by field paths, never by importing them.
"""
