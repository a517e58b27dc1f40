"""Every message of the importer, in one place, keyed by a stable code.

The importer never builds an English sentence elsewhere: an error carries its ``code``
and ``params``, and :func:`describe` turns them into text. A user interface translates
by code (``crmdesk.ui`` keeps the translations), the CLI prints :func:`describe`.

Three kinds of problem:

* :class:`ImportFileError`: the file cannot be read as a table (empty, binary, an
  unknown encoding, an XLSX with several sheets or merged cells, a cell too large,
  a column the mapping needs is missing, ...). Nothing is imported.
* :class:`MappingError`: the mapping (TOML) is not valid. Nothing is imported.
* :class:`RowIssue`: one problem in one row (a bad date, a negative amount, an
  unknown owner, ...), with the line, the column and the reason. A dry run lists them
  all; a real import writes nothing while there is one, unless told to skip bad rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmdesk.domain.errors import CrmError

#: File-level problems (ImportFileError codes).
FILE_MESSAGES: dict[str, str] = {
    "file_missing": "The file {path} does not exist.",
    "file_unreadable": "The file {path} cannot be read ({reason}).",
    "file_too_large": (
        "The file is {size_mb} MB; at most {max_mb} MB can be imported at once. "
        "Split it into smaller files."
    ),
    "file_empty": "The file is empty: there is nothing to import.",
    "file_no_rows": "The file has a header row but no data rows: there is nothing to import.",
    "file_binary": (
        "The file is not a text (CSV) file: it holds binary data (byte {byte} at offset "
        "{offset}). Save it from your spreadsheet as CSV or as an Excel workbook (.xlsx)."
    ),
    "file_old_excel": (
        "The file is an old Excel workbook (.xls), which cannot be read. Open it in Excel "
        'and save it as "Excel Workbook (.xlsx)" or "CSV UTF-8".'
    ),
    "file_other_format": (
        "The file is a {kind} file, not a CSV file or an Excel workbook (.xlsx)."
    ),
    "file_encoding": (
        "Cannot tell the encoding of the file: it is neither UTF-8, UTF-16 nor GB18030/GBK "
        "(the first undecodable byte is {byte} on line {line}). Save it from your "
        'spreadsheet as "CSV UTF-8", or name the encoding in the mapping ([file] encoding).'
    ),
    "file_bad_encoding": (
        "The file cannot be read as {encoding} (the mapping's [file] encoding): byte {byte} "
        "on line {line} is not valid in that encoding."
    ),
    "file_bad_csv": "Line {line} cannot be read as CSV: {reason}.",
    "file_cell_too_large": (
        'Line {line}, column "{column}": the cell holds {length:,} characters; a cell may '
        "hold at most {max:,}. The file is probably not the export you meant to import."
    ),
    "file_too_many_columns": (
        "Line {line} has {count:,} columns; at most {max:,} can be imported."
    ),
    "file_no_header": (
        "Line {line} should hold the column names (the header row), but it is empty; if "
        "the names are on another line, give it as header_row in the mapping's [file] table."
    ),
    "file_duplicate_column": (
        'The column "{column}" appears twice in the header (columns {first} and {second}); '
        "rename one of them."
    ),
    "file_missing_columns": (
        "The file lacks these columns that the mapping reads: {columns}. Its columns are: {found}."
    ),
    "xlsx_unreadable": "The file cannot be read as an Excel workbook (.xlsx): {reason}.",
    "xlsx_several_sheets": (
        "The workbook has {count} sheets ({sheets}); name the one to import with "
        'sheet = "..." in the [file] table of the mapping.'
    ),
    "xlsx_unknown_sheet": 'The workbook has no sheet named "{sheet}"; its sheets are {sheets}.',
    "xlsx_no_sheet": "The workbook has no sheet to import.",
    "xlsx_merged_cells": (
        'The sheet "{sheet}" has merged cells ({ranges}): only the first cell of a merged '
        "range holds its value, so rows would lose data. Unmerge the cells in Excel and "
        "save the file again."
    ),
    "rejects_unwritable": (
        "The rejects file {path} cannot be written ({reason}); nothing was imported."
    ),
    "import_refused": (
        "The database refused the import ({reason}); nothing was written. Someone may have "
        "changed the same records at the same time: try again."
    ),
}

#: Mapping problems (MappingError codes). ``where`` names the TOML key (and its line).
MAPPING_MESSAGES: dict[str, str] = {
    "mapping_missing": "The mapping file {path} does not exist.",
    "mapping_unreadable": "The mapping file {path} cannot be read ({reason}).",
    "mapping_syntax": "The mapping is not valid TOML: {reason}.",
    "mapping_unknown_key": "{where}: unknown setting; the settings are {allowed}.",
    "mapping_type": "{where}: expected {expected}, found {found}.",
    "mapping_unknown_entity": "{where}: unknown kind of record {value!r}; choose {allowed}.",
    "mapping_no_entity": (
        'The mapping does not say what it imports: add entity = "deals" (or customers, '
        "contacts, activities, users) at its top."
    ),
    "mapping_entity_mismatch": (
        "The mapping is for {mapping_entity}, but you are importing {entity}."
    ),
    "mapping_unknown_field": (
        "{where}: {value!r} is not a field of {entity}; the fields are {allowed}."
    ),
    "mapping_field_twice": (
        "{where}: the field {field!r} is already read from the column {other!r}; a field "
        "comes from one column."
    ),
    "mapping_bad_choice": "{where}: {value!r} is not allowed; choose {allowed}.",
    "mapping_bad_date_format": "{where}: {value!r} is not a date format ({reason}).",
    "mapping_bad_template": "{where}: the template {value!r} is not valid ({reason}).",
    "mapping_bad_time_zone": "{where}: unknown time zone {value!r}.",
    "mapping_bad_encoding": "{where}: unknown encoding {value!r}.",
    "mapping_bad_delimiter": "{where}: the delimiter must be one character, not {value!r}.",
    "mapping_key_not_mapped": (
        "{where}: the key column {value!r} must be mapped to the field {field!r} in [columns]."
    ),
    "mapping_no_key_field": "{where}: {entity} cannot be updated by a key column.",
    "mapping_required": (
        "The field {field!r} of {entity} is required: map a column to it in [columns], "
        "give a [templates] entry or a [defaults] value."
    ),
    "mapping_bad_default": "{where}: {reason}.",
}

#: Row problems (RowIssue codes), shown after 'line N, column "C": '.
ROW_MESSAGES: dict[str, str] = {
    "required": "{field} is required but the cell is empty",
    "too_long": "{field} is {length:,} characters long; at most {max:,} are allowed",
    "bad_date": "{value!r} is not a date in one of the forms {formats}",
    "date_out_of_range": "{value!r} is not between the years {first} and {last}",
    "bad_number": "{value!r} is not a number",
    "negative": "{value!r} is negative; an amount must be 0 or more",
    "too_large": "{value!r} is too large (at most {max})",
    "too_precise": "{value!r} has more than 2 decimal places",
    "bad_bool": "{value!r} is neither yes nor no",
    "bad_currency": "{value!r} is not a 3-letter currency code such as USD or CNY",
    "bad_email": "{value!r} is not an e-mail address",
    "bad_login": "{value!r} is not a valid login (letters, digits and . _ @ - only)",
    "bad_choice": "{value!r} is not one of {allowed}",
    "in_future": "{value} is in the future",
    "closed_before_created": ("the close date {closed} is before the first contact {created}"),
    "close_date_required": "a {outcome} deal needs its close date ({field})",
    "created_required": (
        "a {outcome} deal needs its first-contact date ({field}) so that its sales cycle is right"
    ),
    "close_date_open": (
        "the deal is open ({stage}), so it has no close date; leave {field} empty or give "
        "a won or lost stage"
    ),
    "unknown_stage": "{value!r} is not a stage of the pipeline {pipeline} (its stages: {allowed})",
    "not_open_stage": "{value!r} is not an open stage of the pipeline {pipeline}",
    "inactive_pipeline": "the deal's pipeline is no longer in use, so its stage cannot change",
    "unknown_pipeline": "{value!r} is not a pipeline (the pipelines: {allowed})",
    "unknown_owner": "nobody is called {value!r} (no user has that login or name)",
    "owner_needs_admin": (
        "nobody is called {value!r}, and only an admin can add users; ask an admin to "
        "import this file or to add the user first"
    ),
    "ambiguous_owner": "{count} users are called {value!r}; give the login instead",
    "inactive_owner": "{value!r} is a disabled user",
    "unknown_customer": "there is no customer {value!r}",
    "ambiguous_customer": (
        "{count} customers are called {value!r}; map a column to customer_ref (the "
        "customer's external id) to tell them apart"
    ),
    "unknown_source": "there is no lead source {value!r}",
    "unknown_lost_reason": "there is no lost reason {value!r}",
    "unknown_deal": "there is no deal with the external id {value!r}",
    "deal_of_other_customer": "the deal {deal!r} belongs to another customer",
    "needs_deal_or_customer": "an activity needs a deal or a customer",
    "duplicate_key": "{value!r} already appears on line {first_line}",
    "duplicate_row": "the same {what} {value!r} already appears on line {first_line}",
    "duplicate_key_conflict": (
        "{value!r} already appears on line {first_line}, with other values in {columns}; "
        "keep one of the two rows"
    ),
    "duplicate_row_conflict": (
        "the same {what} {value!r} already appears on line {first_line}, with other values "
        "in {columns}; keep one of the two rows"
    ),
    "ref_taken": (
        "a record with the external id {value!r} already exists; to update it, name this "
        "column as the mapping's key"
    ),
    "key_exists": '{value!r} already exists and the mapping says existing = "error"',
    "other_pipeline": (
        "the deal is in the pipeline {current}; an import cannot move it to {value}"
    ),
    "move_before_entered": (
        "the new stage's date {at} is before the deal entered its current stage "
        "({entered}); history cannot run backwards"
    ),
    "closed_date_fixed": (
        "the deal is already {outcome} on {current}; an import does not change the close "
        "date of a closed deal (move it in crmdesk instead)"
    ),
    "last_admin": "this would leave the database without an active admin",
    "extra_cells": (
        "the row has {count} cells but the header only {header}; a value with a comma "
        "may need quotes"
    ),
}

#: Who may import (PermissionDenied messages).
PERMISSION_MESSAGES: dict[str, str] = {
    "import_needs_manager": "Only a manager or an admin can import data.",
    "import_needs_admin": "Only an admin can import users.",
}

#: What an import did, one sentence each (ImportResult.summary).
SUMMARY_MESSAGES: dict[str, str] = {
    "summary_dry_run": (
        "Dry run of {file}: {created:,} to create, {updated:,} to update, {skipped:,} to "
        "leave as they are, {rejected:,} with errors. Nothing was written."
    ),
    "summary_done": (
        "Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} left as "
        "they were ({seconds:.1f} s)."
    ),
    "summary_partial": (
        "Imported {file}: {created:,} created, {updated:,} updated, {skipped:,} left as "
        "they were; left out because of errors: {rejected:,}{rejects} ({seconds:.1f} s)."
    ),
    "summary_refused": (
        "Nothing was imported: {rejected:,} of the {rows:,} rows of {file} have errors. "
        "Correct them, or import the other rows and set the bad ones aside in a rejects file."
    ),
    "summary_cancelled": "The import of {file} was cancelled; nothing was written.",
    "summary_rejects_file": ", written to {path}",
    "summary_would_add": "Would add {count:,} new {what}: {names}.",
    "summary_added": "Added {count:,} new {what}: {names}.",
    "what_user": "owners (users without a password)",
    "what_customer": "customers",
    "what_source": "lead sources",
    "what_lost_reason": "lost reasons",
}

ALL_MESSAGES: dict[str, str] = {
    **FILE_MESSAGES,
    **MAPPING_MESSAGES,
    **ROW_MESSAGES,
    **PERMISSION_MESSAGES,
    **SUMMARY_MESSAGES,
}


def describe(code: str, params: dict[str, Any]) -> str:
    """The English text of a message; the code itself when it is unknown."""
    template = ALL_MESSAGES.get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class ImportFileError(CrmError):
    """The file cannot be imported at all; nothing was written. ``code`` is a key of
    :data:`FILE_MESSAGES`."""

    code = "import_file"

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(describe(code, params), code=code, **params)


class MappingError(CrmError):
    """The mapping is not valid; nothing was written. ``code`` is a key of
    :data:`MAPPING_MESSAGES`; ``params["where"]`` names the TOML key and its line."""

    code = "import_mapping"

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(describe(code, params), code=code, **params)


@dataclass(frozen=True)
class RowIssue:
    """One problem in one row: the file's line (the sheet's row number for XLSX), the
    column's header (None when the value came from a default or a template), the
    crmdesk field, and the coded reason."""

    line: int
    column: str | None
    field: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def reason(self) -> str:
        return describe(self.code, {"field": self.field, **self.params})

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f', column "{self.column}"'
        elif self.field is not None:
            where += f" ({self.field})"
        return f"{where}: {self.reason}"


def human_list(items: list[str] | tuple[str, ...], *, limit: int = 12) -> str:
    """``"a", "b", "c"`` (quoted), cut after ``limit`` items with the number left out as
    ``… (+n)``: no English words, since the app shows it inside translated sentences."""
    shown = [f'"{x}"' for x in items[:limit]]
    if len(items) > limit:
        shown.append(f"… (+{len(items) - limit})")
    return ", ".join(shown) if shown else "–"
