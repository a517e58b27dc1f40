"""A mapping applied to one file's header: for each field, where its value comes from.

Standard library only. :class:`Binding` checks that every column the mapping reads is
in the file (:class:`ImportFileError` ``file_missing_columns`` names the missing ones
and lists the file's columns) and gives, for a row's cells, each field's value after
the value map, with the column it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time

from crmdesk.importing.mapping import DefaultValue, ImportMapping, Template
from crmdesk.importing.messages import ImportFileError, human_list
from crmdesk.importing.reader import Cell, Table

#: A field's value in one row (None when empty), from its cells.
Getter = Callable[[tuple[Cell, ...]], Cell | None]

_TEMPLATE_EDGES = " \t-–—,;:/|·"
_SPACES = re.compile(r"\s+")


def _cell_str(value: Cell) -> str:
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Binding:
    """The mapping bound to a table's header."""

    def __init__(self, table: Table, mapping: ImportMapping) -> None:
        self.mapping = mapping
        self.headers = table.headers
        positions = table.column_positions()
        folded: dict[str, list[int]] = {}
        for name, where in positions.items():
            folded.setdefault(name.casefold(), []).extend(where)
        index: dict[str, int] = {}
        missing: list[str] = []
        for col in mapping.needed_columns():
            where = positions.get(col) or folded.get(col.casefold())
            if not where:
                missing.append(col)
            elif len(where) > 1:
                raise ImportFileError(
                    "file_duplicate_column", column=col, first=where[0] + 1, second=where[1] + 1
                )
            else:
                index[col] = where[0]
        if missing:
            raise ImportFileError(
                "file_missing_columns",
                columns=human_list(missing),
                found=human_list([h for h in self.headers if h], limit=40),
            )
        self.index = index
        self._columns: dict[str, str] = {}
        self._getters: dict[str, Getter] = {}
        for field_name, col in mapping.field_columns().items():
            self._columns[field_name] = self.headers[index[col]]
            self._getters[field_name] = self._column_getter(field_name, index[col])
        for field_name, template in mapping.templates.items():
            if field_name in self._getters:
                first = self._getters[field_name]
                built = self._template_getter(field_name, template, index)
                self._getters[field_name] = _either(first, built)
            else:
                self._getters[field_name] = self._template_getter(field_name, template, index)

    def column(self, field_name: str) -> str | None:
        """The header of the column a field is read from (None for a template only)."""
        return self._columns.get(field_name)

    def reads(self, field_name: str) -> bool:
        """Whether the file gives the field (a column or a template)."""
        return field_name in self._getters

    def getter(self, field_name: str) -> Getter | None:
        return self._getters.get(field_name)

    def default(self, field_name: str) -> DefaultValue | None:
        return self.mapping.defaults.get(field_name)

    def _value_map(self, field_name: str) -> Callable[[str], str] | None:
        vmap = self.mapping.values.get(field_name)
        if not vmap:
            return None

        def apply(text: str) -> str:
            return vmap.get(text.casefold(), text)

        return apply

    def _column_getter(self, field_name: str, i: int) -> Getter:
        vmap = self._value_map(field_name)

        def get(cells: tuple[Cell, ...]) -> Cell | None:
            if i >= len(cells):
                return None
            value = cells[i]
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    return None
                if vmap is not None:
                    value = vmap(value)
            return value

        return get

    def _template_getter(
        self, field_name: str, template: Template, index: dict[str, int]
    ) -> Getter:
        parts = [(index[t], True) if is_col else (t, False) for t, is_col in template.parts]
        vmap = self._value_map(field_name)

        def get(cells: tuple[Cell, ...]) -> Cell | None:
            out: list[str] = []
            filled = False
            n = len(cells)
            for part, is_col in parts:
                if is_col:
                    value = _cell_str(cells[part]).strip() if part < n else ""  # type: ignore[index]
                    if value:
                        filled = True
                    out.append(value)
                else:
                    out.append(part)  # type: ignore[arg-type]
            if not filled:
                return None
            text = _SPACES.sub(" ", "".join(out)).strip(_TEMPLATE_EDGES)
            if not text:
                return None
            return vmap(text) if vmap is not None else text

        return get


def _either(first: Getter, second: Getter) -> Getter:
    def get(cells: tuple[Cell, ...]) -> Cell | None:
        value = first(cells)
        return value if value is not None else second(cells)

    return get
