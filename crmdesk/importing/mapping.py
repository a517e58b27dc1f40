"""The import mapping: how a file's columns become crmdesk fields, kept as a TOML file.

Standard library only (``tomllib``). :func:`load_mapping` / :func:`parse_mapping` read
and check a mapping into an :class:`ImportMapping`; every problem is a
:class:`MappingError` naming the TOML key and its line. :func:`dump_mapping` writes one
back (a wizard saves what the user chose); :func:`guess_mapping` proposes one from a
file's headers, in English or Chinese.

The format (every table is optional except ``[columns]``)::

    entity = "deals"            # deals, customers, contacts, activities or users
    key = "opportunity_id"      # optional: the key column; a row whose key exists
                                #   updates that record (deals, customers: external_ref;
                                #   users: login)
    existing = "update"         # what a row matching an existing record does:
                                #   "update" (default), "skip" or "error"

    [file]                      # all detected when left out
    sheet = "Pipeline"          # XLSX: the sheet (required when there are several)
    encoding = "gb18030"        # CSV: a Python codec name
    delimiter = ";"             # CSV: one character
    header_row = 1              # the line (sheet row) of the column names

    [columns]                   # column header = field, or a list of fields
    opportunity_id = "external_ref"
    sales_agent = "owner"
    "客户名称" = "customer"
    account = ["customer", "notes"]

    [templates]                 # field = text with {column} placeholders ({{ }} for braces)
    title = "{product} – {account}"

    [defaults]                  # field = value, used when the cell is empty or unmapped
    currency = "USD"
    open_stage = "qualification"
    created_at = 2017-01-01     # a TOML date, or text in one of the date formats

    [values.stage]              # field's values in the file = crmdesk value
    Engaging = "qualification"
    Won = "won"
    Lost = "lost"

    [dates]
    formats = ["%m/%d/%Y", "%m/%d/%Y %H:%M"]   # strptime formats, tried in order;
                                # ISO 8601 (2017-03-01, 2017-03-01T10:00+08:00) always works
    time_zone = "Asia/Shanghai" # the zone of times without an offset (default: the
                                #   database's team time zone, the time_zone setting)

    [numbers]
    decimal = "."               # "." (1,234.50) or "," (1.234,50)

    [create]                    # unknown names: "create" them, or an "error" (default)
    owners = "create"           # new users: reps without a password (needs an admin)
    customers = "create"
    sources = "create"
    lost_reasons = "error"

Values are matched without case and surrounding spaces: value maps, owners (login or
name), customers (company), sources, lost reasons, pipelines and stages (key or name
in any language). A stage value that is not mapped is looked up as it is; ``won`` and
``lost`` (and 赢单, 输单) name the pipeline's won and lost stages.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crmdesk.importing.fields import (
    ENTITIES,
    FIELDS,
    KEY_FIELDS,
    REQUIRED,
    normalise_header,
)
from crmdesk.importing.messages import MappingError

POLICIES = ("create", "error")
CREATABLE = ("owners", "customers", "sources", "lost_reasons")
EXISTING = ("update", "skip", "error")
_TOP_KEYS = (
    "entity",
    "key",
    "existing",
    "file",
    "columns",
    "templates",
    "defaults",
    "values",
    "dates",
    "numbers",
    "create",
)
_FILE_KEYS = ("sheet", "encoding", "delimiter", "header_row")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_TABLE_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY_RE = re.compile(
    r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_KEY_PART = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+)""")


def _key_parts(text: str) -> list[str]:
    """The parts of a TOML (dotted) key: ``values."stage"`` → ``["values", "stage"]``."""
    parts = []
    for m in _KEY_PART.finditer(text):
        if m.group(1) is not None:
            raw = m.group(1)
            try:
                parts.append(json.loads(f'"{raw}"') if "\\" in raw else raw)
            except ValueError:
                parts.append(raw)
        else:
            parts.append(m.group(2) if m.group(2) is not None else m.group(3))
    return parts


#: A default value: text, or a TOML date / date-time.
DefaultValue = str | date | datetime


@dataclass(frozen=True)
class Template:
    """A field built from several columns: literal text and column names, in order."""

    text: str
    parts: tuple[tuple[str, bool], ...]  # (text, is_column)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(t for t, is_col in self.parts if is_col)


@dataclass(frozen=True)
class ImportMapping:
    """A checked mapping. ``columns`` maps a column header to the fields it feeds;
    ``values`` maps a field to ``{file value (case-folded): crmdesk value}``."""

    entity: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    defaults: dict[str, DefaultValue] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    key: str | None = None
    existing: str = "update"
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    date_formats: tuple[str, ...] = ()
    time_zone: str | None = None
    decimal: str = "."
    create: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CREATABLE, "error"))

    def field_columns(self) -> dict[str, str]:
        """Each mapped field and the column it is read from."""
        return {f: col for col, fields in self.columns.items() for f in fields}

    def provides(self, name: str) -> bool:
        """Whether the field gets a value from a column, a template or a default."""
        return name in self.field_columns() or name in self.templates or name in self.defaults

    def needed_columns(self) -> list[str]:
        """Every column the mapping reads, in mapping order, without repeats."""
        seen: dict[str, None] = {}
        for col in self.columns:
            seen.setdefault(col, None)
        for t in self.templates.values():
            for col in t.columns:
                seen.setdefault(col, None)
        return list(seen)

    def may_create(self, what: str) -> bool:
        return self.create.get(what) == "create"

    def with_entity(self, entity: str) -> ImportMapping:
        return replace(self, entity=entity)


# --- reading --------------------------------------------------------------------------------


def load_mapping(path: str | Path, entity: str | None = None) -> ImportMapping:
    """Read and check a mapping file. ``entity`` is what is being imported: the
    mapping's own ``entity`` must agree with it (or may be left out)."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise MappingError("mapping_missing", path=str(p)) from None
    except OSError as exc:
        raise MappingError("mapping_unreadable", path=str(p), reason=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise MappingError(
            "mapping_unreadable", path=str(p), reason="it is not UTF-8 text"
        ) from None
    return parse_mapping(text, entity)


def parse_mapping(text: str, entity: str | None = None) -> ImportMapping:
    """Check a mapping given as TOML text; see the module docstring for the format."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError("mapping_syntax", reason=str(exc)) from None
    return _Checker(text, doc, entity).check()


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return "a date"


class _Checker:
    def __init__(self, text: str, doc: dict[str, Any], entity: str | None) -> None:
        self.lines = text.splitlines()
        self.doc = doc
        self.entity_arg = entity

    # Where a key is, for the messages: '[columns] "close_date" (line 12)'.
    def where(self, table: str | None, key: str | None = None) -> str:
        name = f"[{table}]" if table else ""
        if key is not None:
            name = f'{name} "{key}"' if name else f'"{key}"'
        line = self._line(table, key)
        if line is None and key is not None:  # [values.stage] is the key "stage" of [values]
            line = self._line(f"{table}.{key}" if table else key, None)
        return f"{name} (line {line})" if line else name

    def _line(self, table: str | None, key: str | None) -> int | None:
        """The line of ``key`` in ``[table]`` (or of the table's header), found by a
        plain scan of the text (tomllib does not tell positions)."""
        current: str | None = None
        for number, line in enumerate(self.lines, start=1):
            header = _TABLE_RE.match(line)
            if header:
                current = ".".join(_key_parts(header.group(1)))
                if key is None and current == table:
                    return number
                continue
            if key is None or current != table:
                continue
            found = _KEY_RE.match(line)
            if found and _key_parts(found.group(1)) == [key]:
                return number
        return None

    def fail(self, code: str, **params: Any) -> MappingError:
        return MappingError(code, **params)

    def table(self, name: str) -> dict[str, Any]:
        value = self.doc.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(
                "mapping_type",
                where=self.where(None, name),
                expected="a table",
                found=_type_name(value),
            )
        return value

    def text(self, table: str | None, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(
                "mapping_type",
                where=self.where(table, key),
                expected="text",
                found=_type_name(value),
            )
        return value

    def unknown_keys(self, table: str | None, found: Iterable[str], allowed: Sequence[str]) -> None:
        for key in found:
            if key not in allowed:
                raise self.fail(
                    "mapping_unknown_key",
                    where=self.where(table, key),
                    allowed=", ".join(allowed),
                )

    def check(self) -> ImportMapping:
        doc = self.doc
        self.unknown_keys(None, doc, _TOP_KEYS)
        entity = self._entity()
        names = [f.name for f in FIELDS[entity]]
        allowed_fields = ", ".join(names)

        def field_name(table: str, key: str, value: Any) -> str:
            name = self.text(table, key, value).strip()
            if name not in names:
                raise self.fail(
                    "mapping_unknown_field",
                    where=self.where(table, key),
                    value=name,
                    entity=entity,
                    allowed=allowed_fields,
                )
            return name

        # [columns]
        columns: dict[str, tuple[str, ...]] = {}
        source_of: dict[str, str] = {}
        for col, target in self.table("columns").items():
            targets = target if isinstance(target, list) else [target]
            fields: list[str] = []
            for t in targets:
                name = field_name("columns", col, t)
                if name in source_of:
                    raise self.fail(
                        "mapping_field_twice",
                        where=self.where("columns", col),
                        field=name,
                        other=source_of[name],
                    )
                source_of[name] = col
                fields.append(name)
            columns[col.strip()] = tuple(fields)

        # [templates]
        templates: dict[str, Template] = {}
        for key, value in self.table("templates").items():
            name = field_name("templates", key, key)
            templates[name] = self._template(key, self.text("templates", key, value))

        # [defaults]
        defaults: dict[str, DefaultValue] = {}
        for key, value in self.table("defaults").items():
            name = field_name("defaults", key, key)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, int | float):
                value = str(value)
            elif isinstance(value, time) and not isinstance(value, datetime):
                raise self.fail(
                    "mapping_type",
                    where=self.where("defaults", key),
                    expected="text, a number or a date",
                    found="a time of day",
                )
            elif not isinstance(value, str | date | datetime):
                raise self.fail(
                    "mapping_type",
                    where=self.where("defaults", key),
                    expected="text, a number or a date",
                    found=_type_name(value),
                )
            defaults[name] = value

        # [values.<field>]
        values: dict[str, dict[str, str]] = {}
        for key, table in self.table("values").items():
            name = field_name("values", key, key)
            if not isinstance(table, dict):
                raise self.fail(
                    "mapping_type",
                    where=self.where("values", key),
                    expected="a table of file value = crmdesk value",
                    found=_type_name(table),
                )
            vmap: dict[str, str] = {}
            for src, dst in table.items():
                if isinstance(dst, bool):
                    dst = "yes" if dst else "no"
                elif isinstance(dst, int | float):
                    dst = str(dst)
                vmap[src.strip().casefold()] = self.text(f"values.{key}", src, dst).strip()
            values[name] = vmap

        # [file]
        file_table = self.table("file")
        self.unknown_keys("file", file_table, _FILE_KEYS)
        sheet = file_table.get("sheet")
        if sheet is not None:
            sheet = self.text("file", "sheet", sheet)
        encoding = file_table.get("encoding")
        if encoding is not None:
            encoding = self.text("file", "encoding", encoding).strip()
            try:
                info = codecs.lookup(encoding)
            except LookupError:
                info = None
            # Only text encodings: base64, hex, rot13 and the like are codecs too.
            if info is None or not getattr(info, "_is_text_encoding", True):
                raise self.fail(
                    "mapping_bad_encoding", where=self.where("file", "encoding"), value=encoding
                )
            encoding = info.name
        delimiter = file_table.get("delimiter")
        if delimiter is not None:
            delimiter = self.text("file", "delimiter", delimiter)
            if len(delimiter) != 1 or delimiter in '"\r\n':
                raise self.fail(
                    "mapping_bad_delimiter", where=self.where("file", "delimiter"), value=delimiter
                )
        header_row = file_table.get("header_row", 1)
        if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
            raise self.fail(
                "mapping_type",
                where=self.where("file", "header_row"),
                expected="a whole number from 1",
                found=repr(header_row),
            )

        # [dates]
        dates = self.table("dates")
        self.unknown_keys("dates", dates, ("formats", "time_zone"))
        raw_formats = dates.get("formats", [])
        if isinstance(raw_formats, str):
            raw_formats = [raw_formats]
        if not isinstance(raw_formats, list):
            raise self.fail(
                "mapping_type",
                where=self.where("dates", "formats"),
                expected="a list of formats",
                found=_type_name(raw_formats),
            )
        formats = tuple(self._date_format(self.text("dates", "formats", f)) for f in raw_formats)
        time_zone = dates.get("time_zone")
        if time_zone is not None:
            time_zone = self.text("dates", "time_zone", time_zone).strip()
            try:
                ZoneInfo(time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.fail(
                    "mapping_bad_time_zone", where=self.where("dates", "time_zone"), value=time_zone
                ) from None

        # [numbers]
        numbers = self.table("numbers")
        self.unknown_keys("numbers", numbers, ("decimal",))
        decimal = self.text("numbers", "decimal", numbers.get("decimal", "."))
        if decimal not in (".", ","):
            raise self.fail(
                "mapping_bad_choice",
                where=self.where("numbers", "decimal"),
                value=decimal,
                allowed='"." or ","',
            )

        # [create]
        create = dict.fromkeys(CREATABLE, "error")
        create_table = self.table("create")
        self.unknown_keys("create", create_table, CREATABLE)
        for key, value in create_table.items():
            policy = self.text("create", key, value).strip().lower()
            if policy not in POLICIES:
                raise self.fail(
                    "mapping_bad_choice",
                    where=self.where("create", key),
                    value=value,
                    allowed='"create" or "error"',
                )
            create[key] = policy

        # key, existing
        key_col = doc.get("key")
        if key_col is not None:
            key_col = self.text(None, "key", key_col).strip()
            key_field = KEY_FIELDS.get(entity)
            if key_field is None:
                raise self.fail(
                    "mapping_no_key_field", where=self.where(None, "key"), entity=entity
                )
            if key_field not in columns.get(key_col, ()):
                raise self.fail(
                    "mapping_key_not_mapped",
                    where=self.where(None, "key"),
                    value=key_col,
                    field=key_field,
                )
        existing = self.text(None, "existing", doc.get("existing", "update")).strip().lower()
        if existing not in EXISTING:
            raise self.fail(
                "mapping_bad_choice",
                where=self.where(None, "existing"),
                value=existing,
                allowed='"update", "skip" or "error"',
            )

        mapping = ImportMapping(
            entity=entity,
            columns=columns,
            templates=templates,
            defaults=defaults,
            values=values,
            key=key_col,
            existing=existing,
            sheet=sheet,
            encoding=encoding,
            delimiter=delimiter,
            header_row=header_row,
            date_formats=formats,
            time_zone=time_zone,
            decimal=decimal,
            create=create,
        )
        check_complete(mapping)
        return mapping

    def _entity(self) -> str:
        declared = self.doc.get("entity")
        if declared is not None:
            declared = self.text(None, "entity", declared).strip().lower()
            if declared not in ENTITIES:
                raise self.fail(
                    "mapping_unknown_entity",
                    where=self.where(None, "entity"),
                    value=declared,
                    allowed=", ".join(ENTITIES),
                )
        wanted = self.entity_arg
        if wanted is not None and wanted not in ENTITIES:
            raise self.fail(
                "mapping_unknown_entity", where="entity", value=wanted, allowed=", ".join(ENTITIES)
            )
        if declared and wanted and declared != wanted:
            raise self.fail("mapping_entity_mismatch", mapping_entity=declared, entity=wanted)
        entity = declared or wanted
        if entity is None:
            raise self.fail("mapping_no_entity")
        return entity

    def _template(self, key: str, text: str) -> Template:
        parts: list[tuple[str, bool]] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            if m.start() > pos:
                parts.append((text[pos : m.start()], False))
            token = m.group()
            if token in ("{{", "}}"):
                parts.append((token[0], False))
            elif m.group(1) is None:
                raise self.fail(
                    "mapping_bad_template",
                    where=self.where("templates", key),
                    value=text,
                    reason=f"a lone {token!r}; write {token * 2} for the character",
                )
            else:
                name = m.group(1).strip()
                if not name:
                    raise self.fail(
                        "mapping_bad_template",
                        where=self.where("templates", key),
                        value=text,
                        reason="{} names no column",
                    )
                parts.append((name, True))
            pos = m.end()
        if pos < len(text):
            parts.append((text[pos:], False))
        if not any(is_col for _, is_col in parts):
            raise self.fail(
                "mapping_bad_template",
                where=self.where("templates", key),
                value=text,
                reason="it names no {column}; use [defaults] for a fixed value",
            )
        return Template(text, tuple(parts))

    def _date_format(self, fmt: str) -> str:
        try:
            probe = datetime(2001, 2, 3, 4, 5, 6).strftime(fmt)
            datetime.strptime(probe, fmt)
        except ValueError as exc:
            raise self.fail(
                "mapping_bad_date_format",
                where=self.where("dates", "formats"),
                value=fmt,
                reason=str(exc),
            ) from None
        if "%" not in fmt:
            raise self.fail(
                "mapping_bad_date_format",
                where=self.where("dates", "formats"),
                value=fmt,
                reason="it has no % codes such as %Y, %m, %d",
            )
        return fmt


def check_complete(mapping: ImportMapping) -> None:
    """Refuse a mapping that leaves a required field without a source."""
    for name in REQUIRED[mapping.entity]:
        if not mapping.provides(name):
            raise MappingError("mapping_required", field=name, entity=mapping.entity)


# --- writing --------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_str(str(value))


def dump_mapping(mapping: ImportMapping) -> str:
    """The mapping as TOML text that :func:`parse_mapping` reads back equal."""
    out = [f"entity = {_toml_str(mapping.entity)}"]
    if mapping.key is not None:
        out.append(f"key = {_toml_str(mapping.key)}")
    if mapping.existing != "update":
        out.append(f"existing = {_toml_str(mapping.existing)}")
    file_items = {
        "sheet": mapping.sheet,
        "encoding": mapping.encoding,
        "delimiter": mapping.delimiter,
    }
    file_lines = [f"{k} = {_toml_str(v)}" for k, v in file_items.items() if v is not None]
    if mapping.header_row != 1:
        file_lines.append(f"header_row = {mapping.header_row}")
    if file_lines:
        out += ["", "[file]", *file_lines]
    out += ["", "[columns]"]
    for col, fields in mapping.columns.items():
        target = _toml_str(fields[0]) if len(fields) == 1 else _toml_value(list(fields))
        out.append(f"{_toml_str(col)} = {target}")
    if mapping.templates:
        out += ["", "[templates]"]
        out += [f"{k} = {_toml_str(t.text)}" for k, t in mapping.templates.items()]
    if mapping.defaults:
        out += ["", "[defaults]"]
        out += [f"{k} = {_toml_value(v)}" for k, v in mapping.defaults.items()]
    for name, vmap in mapping.values.items():
        out += ["", f"[values.{name}]"]
        out += [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in vmap.items()]
    if mapping.date_formats or mapping.time_zone:
        out += ["", "[dates]"]
        if mapping.date_formats:
            out.append(f"formats = {_toml_value(list(mapping.date_formats))}")
        if mapping.time_zone:
            out.append(f"time_zone = {_toml_str(mapping.time_zone)}")
    if mapping.decimal != ".":
        out += ["", "[numbers]", f"decimal = {_toml_str(mapping.decimal)}"]
    out += ["", "[create]"]
    out += [f"{k} = {_toml_str(v)}" for k, v in mapping.create.items()]
    return "\n".join(out) + "\n"


def save_mapping(mapping: ImportMapping, path: str | Path) -> None:
    Path(path).write_text(dump_mapping(mapping), encoding="utf-8")


# --- guessing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingGuess:
    """A proposed mapping and what it could not place: the headers left unmapped and the
    required fields still without a source (a wizard asks the user about these)."""

    mapping: ImportMapping
    unmapped_headers: tuple[str, ...]
    missing_required: tuple[str, ...]


def guess_mapping(headers: Sequence[str], entity: str) -> MappingGuess:
    """Map each header to the field whose English or Chinese name it matches (without
    case, spaces and ``_-./``), each field at most once: exact names first, then
    headers that contain a field's name (``"Deal Stage Name"`` → stage)."""
    if entity not in ENTITIES:
        raise MappingError(
            "mapping_unknown_entity", where="entity", value=entity, allowed=", ".join(ENTITIES)
        )
    specs = FIELDS[entity]
    synonyms = [(spec.name, [normalise_header(s) for s in spec.synonyms]) for spec in specs]
    taken: set[str] = set()
    columns: dict[str, tuple[str, ...]] = {}
    normalised = [(h, normalise_header(h)) for h in headers if h.strip()]
    for header, norm in normalised:
        for name, names in synonyms:
            if name not in taken and norm in names:
                columns[header] = (name,)
                taken.add(name)
                break
    for header, norm in normalised:
        if header in columns or not norm:
            continue
        best: tuple[int, str] | None = None
        for name, names in synonyms:
            if name in taken:
                continue
            for s in names:
                long_enough = len(s) >= (2 if not s.isascii() else 4)
                if long_enough and s in norm and (best is None or len(s) > best[0]):
                    best = (len(s), name)
        if best is not None:
            columns[header] = (best[1],)
            taken.add(best[1])
    key_field = KEY_FIELDS.get(entity)
    key = next((c for c, f in columns.items() if key_field in f), None) if key_field else None
    mapping = ImportMapping(entity=entity, columns=columns, key=key)
    missing = tuple(n for n in REQUIRED[entity] if not mapping.provides(n))
    unmapped = tuple(h for h, _ in normalised if h not in columns)
    return MappingGuess(mapping, unmapped, missing)


def mapping_from_dict(data: Mapping[str, Any], entity: str | None = None) -> ImportMapping:
    """A mapping from the same structure as the TOML (a wizard's choices), checked the
    same way: ``mapping_from_dict({"columns": {"Account": "customer"}}, "deals")``."""
    return _Checker("", dict(data), entity).check()
