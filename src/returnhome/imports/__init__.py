"""How notifications come in: police files and the police API, the history import, direct reports,
and the front door's review queue. Above every domain app (it records through their services);
independent of `reports`. Its models (ImportRun, ReviewItem, PendingNotification) are in
`models.py`.

Sub-packages, each importing only those listed after it:
- `management` — the import-notifications and import-history commands (`file_command`: their base)
- `api` — the HTTP API for police systems (`views`, `urls`; `intake`: a request's import)
- `front_door` — the review queue, its decisions (`review`), merge and undo (`views`)
- `importer` (module) — a file import end to end, police or history, with its summary
- `direct_reports` — a home, carer, school or worker reports a child missing or back
- `commit` — carrying out a plan: `one_by_one` (through the services), `bulk`, `history`
- `history` — the history file: `rows` (its format and checks), `plan` (against the database)
- `police` — the police notification file: `rows`, `matching`, `pipeline` (read, match, plan)
- `validation` (module) — what both file formats share: RowError, the header check, the
  row validator base
"""
