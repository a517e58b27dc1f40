"""Moving data in and out of a crmdesk database: exports, JSON dumps, copies and backups.

* :mod:`~crmdesk.portability.export`: deals, customers, contacts and activities as
  CSV or XLSX for a spreadsheet (formula-looking text neutralised).
* :mod:`~crmdesk.portability.dump`: the whole database as one versioned JSON
  document, and loading one into an empty database.
* :mod:`~crmdesk.portability.copy`: a whole database from one URL to another (an
  SQLite file to the team's PostgreSQL), checked by row counts and metric totals.
* :mod:`~crmdesk.portability.backup`: consistent backups while the app runs,
  validated restores, and the daily automatic backup.

What a copy moves and how values look in JSON is in :mod:`~crmdesk.portability.tables`;
the figures that prove a copy whole are in :mod:`~crmdesk.portability.checks`. No module
here imports Qt.
"""

from __future__ import annotations

from crmdesk.domain.errors import CrmError


class PortabilityError(CrmError):
    """An export, dump, copy, backup or restore was refused or failed its checks; the
    message says why in one sentence. Nothing was written (or, for a failed check after
    a copy, the message says what was)."""

    code = "portability"


__all__ = ["PortabilityError"]
