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

    Rows are kept in board order: by stage, then by when the deal entered it; a
    card that changes stage moves to the end. Signals: the standard model signals.
    """

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._cards: list[DealCard] = []
        self._rows: dict[int, int] = {}

    # --- reading ----------------------------------------------------------------------
    @property
    def cards(self) -> Sequence[DealCard]:
        return self._cards

    def card(self, row: int) -> DealCard:
        return self._cards[row]

    def row_of(self, deal_id: int) -> int | None:
        return self._rows.get(deal_id)

    def card_by_id(self, deal_id: int) -> DealCard | None:
        row = self._rows.get(deal_id)
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
        self.endResetModel()

    def apply(self, cards: Iterable[DealCard], gone: Iterable[int] = ()) -> None:
        """Redraw only what changed: replace or add these cards, remove the ``gone`` ids.

        A card whose stage changed moves to the end of the list (it entered its
        stage last).
        """
        for deal_id in sorted(set(gone), key=lambda i: -(self._rows.get(i) or -1)):
            self._remove(deal_id)
        for card in cards:
            row = self._rows.get(card.id)
            if row is None:
                self._append(card)
            elif self._cards[row].stage_id != card.stage_id:
                self._remove(card.id)
                self._append(card)
            else:
                self._cards[row] = card
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)

    def _append(self, card: DealCard) -> None:
        row = len(self._cards)
        self.beginInsertRows(QModelIndex(), row, row)
        self._cards.append(card)
        self._rows[card.id] = row
        self.endInsertRows()

    def _remove(self, deal_id: int) -> None:
        row = self._rows.get(deal_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._cards[row]
        del self._rows[deal_id]
        for c in self._cards[row:]:
            self._rows[c.id] -= 1
        self.endRemoveRows()


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
        self._rows: list[int] = []  # source rows, ascending
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
        cards = self._source().cards if self.sourceModel() is not None else []
        self._rows = [r for r, c in enumerate(cards) if self._accepts(c, query)]
        self._pos = {r: i for i, r in enumerate(self._rows)}

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
    def _on_source_rows_about_to_be_removed(
        self, parent: QModelIndex, first: int, last: int
    ) -> None:
        for src in range(last, first - 1, -1):
            row = self._pos.get(src)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._pos = {r: i for i, r in enumerate(self._rows)}
            self.endRemoveRows()

    def _on_source_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        n = last - first + 1
        self._rows = [r - n if r > last else r for r in self._rows]
        self._pos = {r: i for i, r in enumerate(self._rows)}

    def _on_source_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        n = last - first + 1
        if any(r >= first for r in self._rows):
            self._rows = [r + n if r >= first else r for r in self._rows]
            self._pos = {r: i for i, r in enumerate(self._rows)}
        query = self._query()
        src = self._source()
        for r in range(first, last + 1):
            if self._accepts(src.card(r), query):
                at = bisect.bisect_left(self._rows, r)
                self.beginInsertRows(QModelIndex(), at, at)
                self._rows.insert(at, r)
                self._pos = {x: i for i, x in enumerate(self._rows)}
                self.endInsertRows()

    def _on_source_data_changed(
        self, top: QModelIndex, bottom: QModelIndex, roles: list[int] = ()
    ) -> None:
        query = self._query()
        src = self._source()
        for r in range(top.row(), bottom.row() + 1):
            now = self._accepts(src.card(r), query)
            row = self._pos.get(r)
            if row is not None and now:
                idx = self.createIndex(row, 0)
                self.dataChanged.emit(idx, idx)
            elif row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._pos = {x: i for i, x in enumerate(self._rows)}
                self.endRemoveRows()
            elif now:
                at = bisect.bisect_left(self._rows, r)
                self.beginInsertRows(QModelIndex(), at, at)
                self._rows.insert(at, r)
                self._pos = {x: i for i, x in enumerate(self._rows)}
                self.endInsertRows()
