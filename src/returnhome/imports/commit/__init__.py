"""Committing a plan: what the importers and the HTTP API call.

`one_by_one.commit_rows` writes through the product's services, one notification at a time;
`bulk.commit_batch` writes the same records in bulk; `history.commit_history` carries out a
history plan; `records.start_run` / `finish_run` record the import run around them.
"""

from returnhome.imports.commit.bulk import commit_batch
from returnhome.imports.commit.history import commit_history
from returnhome.imports.commit.one_by_one import commit_rows
from returnhome.imports.commit.records import finish_run, start_run

__all__ = ["commit_batch", "commit_history", "commit_rows", "finish_run", "start_run"]
