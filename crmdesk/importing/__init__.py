"""Importing customers, contacts, deals, activities and users from CSV and XLSX files.

No Qt here: the CLI (``crmdesk import``) and the GUI wizard both call this API.

A wizard's steps:

1. :func:`preview` (header and first rows, the detected encoding, delimiter and
   sheets) and :func:`list_sheets`;
2. :func:`guess_mapping` from the headers (English or Chinese), adjusted by the user,
   saved with :func:`save_mapping` / :func:`dump_mapping`, read with
   :func:`load_mapping` / :func:`parse_mapping` / :func:`mapping_from_dict`;
3. :func:`dry_run`: what would be created, updated, left as is, and every problem
   (:class:`RowIssue`: line, column, reason);
4. :func:`run_import` with ``progress`` and ``cancel``; all or nothing, or the good
   rows with the bad ones in a rejects file (``skip_bad_rows``, ``rejects_path``).

The TOML mapping format is described in :mod:`crmdesk.importing.mapping`, the
reading rules (encodings, delimiters, workbooks, limits) in
:mod:`crmdesk.importing.reader`, dates and amounts in :mod:`crmdesk.importing.values`,
deals and their history in :mod:`crmdesk.importing.deals`. Messages and their codes
are in :mod:`crmdesk.importing.messages`.
"""

from __future__ import annotations

from crmdesk.importing.engine import ImportResult, dry_run, run_import
from crmdesk.importing.fields import ENTITIES, FIELDS, KEY_FIELDS, REQUIRED, FieldSpec
from crmdesk.importing.mapping import (
    ImportMapping,
    MappingGuess,
    dump_mapping,
    guess_mapping,
    load_mapping,
    mapping_from_dict,
    parse_mapping,
    save_mapping,
)
from crmdesk.importing.messages import ImportFileError, MappingError, RowIssue, describe
from crmdesk.importing.reader import FileInfo, SourceRow, Table, list_sheets, preview, read_table

__all__ = [
    "ENTITIES",
    "FIELDS",
    "KEY_FIELDS",
    "REQUIRED",
    "FieldSpec",
    "FileInfo",
    "ImportFileError",
    "ImportMapping",
    "ImportResult",
    "MappingError",
    "MappingGuess",
    "RowIssue",
    "SourceRow",
    "Table",
    "describe",
    "dry_run",
    "dump_mapping",
    "guess_mapping",
    "list_sheets",
    "load_mapping",
    "mapping_from_dict",
    "parse_mapping",
    "preview",
    "read_table",
    "run_import",
    "save_mapping",
]
