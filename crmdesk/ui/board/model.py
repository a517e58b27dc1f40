"""The board's data: one list model of frozen cards, and a proxy per stage column."""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractProxyModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from crmdesk.domain.reports import BoardQuery, DealCard

MIME_TYPE = "application/x-crmdesk-deal-ids"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
STAGE_ROLE = Qt.ItemDataRole.UserRole + 2
ID_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


def encode_ids(ids: Iterable[int]) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, QByteArray(json.dumps(sorted(set(ids))).encode()))
    return data


def decode_ids(data: QMimeData) -> list[int]:
    """The deal ids a drag carries; [] for anything that is not ours."""
    if not data.hasFormat(MIME_TYPE):
        return []
    try:
        ids = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


class PipelineModel(QAbstractListModel):
    """Every card on the board, in one flat list (no widget per card).

    A change never shifts rows: a changed card is replaced where it is, and a card
    that left the board (won, lost, deleted, filtered out) stays as a hidden row until
    the next full load. Each card carries an order key; a card that changes stage gets
    a new, highest key, so its column shows it last (it entered that stage last).
    Signals: the standard model signals.
    """

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._cards: list[DealCard] = []
        self._rows: dict[int, int] = {}
        self._order: list[int] = []
        self._gone: set[int] = set()
        self._next_order = 0

    # --- reading ----------------------------------------------------------------------
    @property
    def cards(self) -> Sequence[DealCard]:
        """The cards on the board (not those that left it since the last load)."""
        return [c for c in self._cards if c.id not in self._gone]

    def card(self, row: int) -> DealCard:
        return self._cards[row]

    def is_live(self, row: int) -> bool:
        return self._cards[row].id not in self._gone

    def order_key(self, row: int) -> int:
        return self._order[row]

    def live_count(self) -> int:
        return len(self._cards) - len(self._gone)

    def row_of(self, deal_id: int) -> int | None:
        return None if deal_id in self._gone else self._rows.get(deal_id)

    def card_by_id(self, deal_id: int) -> DealCard | None:
        row = self.row_of(deal_id)
        return None if row is None else self._cards[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == CARD_ROLE:
            return card
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == STAGE_ROLE:
            return card.stage_id
        if role == ID_ROLE:
            return card.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{card.title}\n{card.customer_name or ''}\n{card.owner_name}".strip()
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    # --- drag and drop ------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return encode_ids(self._cards[i.row()].id for i in indexes if i.isValid())

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    # --- writing ------------------------------------------------------------------------
    def set_cards(self, cards: Iterable[DealCard]) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self._rows = {c.id: r for r, c in enumerate(self._cards)}
        self._order = list(range(len(self._cards)))
        self._next_order = len(self._cards)
        self._gone = set()
        self.endResetModel()

    def apply(self, cards: Iterable[DealCard], gone: Iterable[int] = ()) -> None:
        """Redraw only what changed: replace or add these cards; the ``gone`` ids left the
        board. Costs O(1) per card, whatever the board's size."""
        for deal_id in gone:
            row = self._rows.get(deal_id)
            if row is not None and deal_id not in self._gone:
                self._gone.add(deal_id)
                self._changed(row)
        for card in cards:
            row = self._rows.get(card.id)
            if row is None:
                row = len(self._cards)
                self.beginInsertRows(QModelIndex(), row, row)
                self._cards.append(card)
                self._rows[card.id] = row
                self._order.append(self._take_order())
                self.endInsertRows()
                continue
            returning = card.id in self._gone
            self._gone.discard(card.id)
            if returning or self._cards[row].stage_id != card.stage_id:
                self._order[row] = self._take_order()
            self._cards[row] = card
            self._changed(row)

    def _take_order(self) -> int:
        self._next_order += 1
        return self._next_order

    def _changed(self, row: int) -> None:
        idx = self.index(row)
        self.dataChanged.emit(idx, idx)


class StageProxy(QAbstractProxyModel):
    """The cards of one stage that pass the board's filters, in board order.

    Keeps a sorted list of source rows instead of asking Python per row on every
    change, so a 100,000-card board filters in milliseconds.

    Signals:
        deal_dropped(list, int): deal ids dropped on this column, and its stage id.
    """

    deal_dropped = Signal(list, int)

    def __init__(
        self,
        stage_id: int,
        query: Callable[[], BoardQuery],
        parent: object | None = None,
    ) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.stage_id = stage_id
        self._query = query
        self._rows: list[int] = []  # source rows, in the model's order keys
        self._keys: list[int] = []
        self._pos: dict[int, int] = {}

    # --- mapping ----------------------------------------------------------------------
    def _source(self) -> PipelineModel:
        return self.sourceModel()  # type: ignore[return-value]

    def _accepts(self, card: DealCard, query: BoardQuery) -> bool:
        return card.stage_id == self.stage_id and query.matches(card)

    def setSourceModel(self, model: PipelineModel) -> None:  # type: ignore[override]
        self.beginResetModel()
        super().setSourceModel(model)
        model.modelReset.connect(self.refilter)
        model.rowsAboutToBeRemoved.connect(self._on_source_rows_about_to_be_removed)
        model.rowsRemoved.connect(self._on_source_rows_removed)
        model.rowsInserted.connect(self._on_source_rows_inserted)
        model.dataChanged.connect(self._on_source_data_changed)
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        query = self._query()
        src = self._source() if self.sourceModel() is not None else None
        rows: list[int] = []
        if src is not None:
            rows = [
                r
                for r in range(src.rowCount())
                if src.is_live(r) and self._accepts(src.card(r), query)
            ]
            rows.sort(key=src.order_key)
        self._set_rows(rows)

    def _set_rows(self, rows: list[int]) -> None:
        src = self._source()
        self._rows = rows
        self._keys = [src.order_key(r) for r in rows] if rows else []
        self._pos = {r: i for i, r in enumerate(rows)}

    def refilter(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def mapToSource(self, proxy: Index) -> QModelIndex:
        if not proxy.isValid() or not 0 <= proxy.row() < len(self._rows):
            return QModelIndex()
        return self._source().index(self._rows[proxy.row()], 0)

    def mapFromSource(self, source: Index) -> QModelIndex:
        if not source.isValid():
            return QModelIndex()
        row = self._pos.get(source.row())
        return QModelIndex() if row is None else self.createIndex(row, 0)

    def index(self, row: int, column: int = 0, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or column != 0 or not 0 <= row < len(self._rows):
            return QModelIndex()
        return self.createIndex(row, 0)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1

    def cards(self) -> list[DealCard]:
        src = self._source()
        return [src.card(r) for r in self._rows]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return self._source().flags(self.mapToSource(index)) | Qt.ItemFlag.ItemIsDropEnabled

    # --- drops ----------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        return bool(decode_ids(data))

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        """A drop only announces the wish; the move goes through the services."""
        ids = decode_ids(data)
        if not ids or action == Qt.DropAction.IgnoreAction:
            return False
        moving = [
            i for i in ids if (c := self._source().card_by_id(i)) and c.stage_id != self.stage_id
        ]
        if moving:
            self.deal_dropped.emit(moving, self.stage_id)
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # After a "move" drag, the view asks the source column to remove the dragged
        # rows. The database decides where a deal is; the model follows its answer.
        return False

    # --- following the source -------------------------------------------------------------
    def _insert(self, src_row: int) -> None:
        key = self._source().order_key(src_row)
        at = bisect.bisect_right(self._keys, key)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, src_row)
        self._keys.insert(at, key)
        self._pos = {x: i for i, x in enumerate(self._rows)}
        self.endInsertRows()

    def _remove_at(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._keys[row]
        self._pos = {x: i for i, x in enumerate(self._rows)}
        self.endRemoveRows()

    def _on_source_rows_about_to_be_removed(
        self, parent: QModelIndex, first: int, last: int
    ) -> None:
        for src in range(last, first - 1, -1):
            row = self._pos.get(src)
            if row is not None:
                self._remove_at(row)

    def _on_source_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        n = last - first + 1
        self._set_rows([r - n if r > last else r for r in self._rows])

    def _on_source_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        n = last - first + 1
        if any(r >= first for r in self._rows):
            self._set_rows([r + n if r >= first else r for r in self._rows])
        query = self._query()
        src = self._source()
        for r in range(first, last + 1):
            if src.is_live(r) and self._accepts(src.card(r), query):
                self._insert(r)

    def _on_source_data_changed(
        self,
        top: QModelIndex,
        bottom: QModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        query = self._query()
        src = self._source()
        for r in range(top.row(), bottom.row() + 1):
            now = src.is_live(r) and self._accepts(src.card(r), query)
            row = self._pos.get(r)
            if row is not None and now and self._keys[row] == src.order_key(r):
                idx = self.createIndex(row, 0)
                self.dataChanged.emit(idx, idx)
            elif row is not None:
                self._remove_at(row)
                if now:
                    self._insert(r)
            elif now:
                self._insert(r)
