"""The board's models: the card list and the per-stage proxies pass Qt's model tester while
cards come, go and change, and a drop through the model API moves the deal for real."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt, qInstallMessageHandler
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.modeltest import ModelTester

from crmdesk.db.engine import Database
from crmdesk.domain import UserInfo
from crmdesk.domain.reports import BoardQuery, DealCard, MetricsFilter
from crmdesk.metrics import MetricsService
from crmdesk.services import deals
from crmdesk.ui.board.model import (
    CARD_ROLE,
    ID_ROLE,
    MIME_TYPE,
    STAGE_ROLE,
    PipelineModel,
    StageProxy,
    decode_ids,
    encode_ids,
)
from crmdesk.ui.main_window import MainWindow

from .._helpers import (
    MOVE,
    column_ids,
    drop_through_model,
    header_counts,
    mime_for,
    shown_count,
    transitions,
)

TESTERS = [
    pytest.param(False, id="qt-tester"),
    pytest.param(True, id="python-tester"),
]


@pytest.fixture
def cards(demo_db: Database) -> list[DealCard]:
    cards = MetricsService(demo_db).board_cards(MetricsFilter())
    assert len({c.stage_id for c in cards}) >= 3, "the demo board should fill several columns"
    return cards


def _expected(model: PipelineModel, stage_id: int, query: BoardQuery) -> list[int]:
    """The column's cards, worked out plainly: live, in the stage, matching the search, in
    the order they entered the stage."""
    rows = [
        r
        for r in range(model.rowCount())
        if model.is_live(r) and model.card(r).stage_id == stage_id and query.matches(model.card(r))
    ]
    return [model.card(r).id for r in sorted(rows, key=model.order_key)]


def _proxy_ids(proxy: StageProxy) -> list[int]:
    return [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]


# --- model tester -----------------------------------------------------------------------------
@pytest.mark.parametrize("force_py", TESTERS)
def test_pipeline_model_passes_the_model_tester(
    qtmodeltester: ModelTester, cards: list[DealCard], force_py: bool
) -> None:
    model = PipelineModel()
    model.set_cards(cards)
    qtmodeltester.check(model, force_py=force_py)

    first, second, third = cards[0], cards[1], cards[-1]
    other_stage = next(c.stage_id for c in cards if c.stage_id != first.stage_id)
    model.apply([replace(first, stage_id=other_stage)])  # moved: last in its new column
    moved_row = model.row_of(first.id)
    assert model.card(moved_row).stage_id == other_stage
    assert model.order_key(moved_row) == max(model.order_key(r) for r in range(model.rowCount()))
    model.apply([replace(second, title="Renamed")])  # changed in place
    assert model.card_by_id(second.id).title == "Renamed"
    model.apply([], gone=[third.id])  # left the board
    assert model.row_of(third.id) is None and model.card_by_id(third.id) is None
    assert third.id not in [c.id for c in model.cards]
    model.apply([third])  # came back
    assert model.card_by_id(third.id) == third
    model.set_cards(cards[:5])

    assert [model.index(r).data(ID_ROLE) for r in range(model.rowCount())] == [
        c.id for c in cards[:5]
    ]
    assert len(model.cards) == 5
    assert all(model.row_of(c.id) == r for r, c in enumerate(cards[:5]))


def test_pipeline_model_roles(cards: list[DealCard]) -> None:
    model = PipelineModel()
    model.set_cards(cards)
    index = model.index(0)
    card = cards[0]
    assert index.data(CARD_ROLE) == card
    assert index.data(ID_ROLE) == card.id
    assert index.data(STAGE_ROLE) == card.stage_id
    assert index.data(Qt.ItemDataRole.DisplayRole) == card.title
    assert card.owner_name in index.data(Qt.ItemDataRole.ToolTipRole)
    flags = model.flags(index)
    assert flags & Qt.ItemFlag.ItemIsDragEnabled and flags & Qt.ItemFlag.ItemIsSelectable
    assert model.supportedDragActions() == MOVE


@pytest.mark.parametrize("force_py", TESTERS)
def test_stage_proxy_passes_the_model_tester(
    qtmodeltester: ModelTester, cards: list[DealCard], force_py: bool
) -> None:
    model = PipelineModel()
    model.set_cards(cards)
    proxy = StageProxy(cards[0].stage_id, BoardQuery)
    proxy.setSourceModel(model)
    if force_py:
        qtmodeltester.check(proxy, force_py=True)  # raises on the first failure
        return
    # The C++ tester reports failures as warnings while it is being constructed.
    messages: list[str] = []
    previous = qInstallMessageHandler(lambda _type, _context, text: messages.append(text))
    try:
        QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Warning)
    finally:
        qInstallMessageHandler(previous)
    assert not [m for m in messages if m.startswith("FAIL!")], messages


@pytest.mark.parametrize("force_py", TESTERS)
def test_stage_proxy_follows_the_cards_under_the_model_tester(
    qtmodeltester: ModelTester, cards: list[DealCard], force_py: bool
) -> None:
    model = PipelineModel()
    model.set_cards(cards)
    query = {"now": BoardQuery()}
    stage_id = cards[0].stage_id
    proxy = StageProxy(stage_id, lambda: query["now"])
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=force_py)

    def check() -> None:
        assert _proxy_ids(proxy) == _expected(model, stage_id, query["now"])
        assert proxy.cards() == [model.card_by_id(i) for i in _proxy_ids(proxy)]

    check()
    in_stage = [c for c in cards if c.stage_id == stage_id]
    elsewhere = [c for c in cards if c.stage_id != stage_id]
    assert len(in_stage) >= 2 and len(elsewhere) >= 2

    model.apply([replace(in_stage[0], stage_id=elsewhere[0].stage_id)])  # a card leaves
    check()
    model.apply([replace(elsewhere[1], stage_id=stage_id)])  # a card arrives, at the bottom
    check()
    assert _proxy_ids(proxy)[-1] == elsewhere[1].id
    model.apply([replace(in_stage[1], title="Renamed in place")])  # a card changes
    check()
    model.apply([], gone=[in_stage[1].id, elsewhere[0].id])  # deals leave the board
    check()
    model.apply([in_stage[0], elsewhere[0]])  # and come back
    check()

    word = in_stage[-1].title.split()[0]
    query["now"] = BoardQuery(text=word.upper())  # the search narrows the column
    proxy.refilter()
    check()
    assert in_stage[-1].id in _proxy_ids(proxy)
    model.apply([replace(in_stage[-1], title="no longer matching")])  # drops out of the search
    check()
    assert in_stage[-1].id not in _proxy_ids(proxy)
    query["now"] = BoardQuery()
    model.set_cards(cards)  # a reload
    check()
    assert _proxy_ids(proxy) == [c.id for c in in_stage]


# --- mime data --------------------------------------------------------------------------------
def test_mime_data_carries_the_deal_ids(cards: list[DealCard]) -> None:
    model = PipelineModel()
    model.set_cards(cards)
    proxy = StageProxy(cards[0].stage_id, BoardQuery)
    proxy.setSourceModel(model)
    assert model.mimeTypes() == [MIME_TYPE] == proxy.mimeTypes()

    data = mime_for(model, [cards[2], cards[0]])
    assert decode_ids(data) == sorted([cards[0].id, cards[2].id])
    # Dragging from a column goes through the proxy.
    assert decode_ids(proxy.mimeData([proxy.index(0, 0)])) == [proxy.cards()[0].id]

    foreign = QMimeData()
    foreign.setText("[1, 2]")
    broken = QMimeData()
    broken.setData(MIME_TYPE, b"not json")
    assert decode_ids(foreign) == [] == decode_ids(broken)
    assert decode_ids(encode_ids([3, 1, 3])) == [1, 3]
    for data in (foreign, broken):
        assert not proxy.canDropMimeData(data, MOVE, -1, 0, QModelIndex())
        assert not proxy.dropMimeData(data, MOVE, -1, 0, QModelIndex())


# --- dropping through the model API (napari-style) --------------------------------------------
def test_drop_on_another_column_moves_the_deal(
    window: MainWindow, demo_db: Database, admin: UserInfo
) -> None:
    board, view = window.board, window.board.view
    a, b = view.columns[0], view.columns[1]
    card = a.proxy.cards()[0]
    history = transitions(demo_db, card.id)
    shown = header_counts(view)
    assert shown_count(a) == a.proxy.rowCount() and shown_count(b) == b.proxy.rowCount()

    mime = board.model.mimeData([board.model.index(board.model.row_of(card.id))])
    assert b.proxy.canDropMimeData(mime, MOVE, -1, 0, QModelIndex())
    assert b.proxy.dropMimeData(mime, MOVE, -1, 0, QModelIndex())

    deal = deals.get_deal(demo_db, card.id)
    assert deal.stage_id == b.stage.id
    assert deal.version == card.version + 1
    after = transitions(demo_db, card.id)
    assert after[: len(history)] == history
    assert len(after) == len(history) + 1
    assert after[-1][1:] == (a.stage.id, b.stage.id, admin.id)

    assert card.id not in column_ids(a)
    assert column_ids(b)[-1] == card.id  # it entered its stage last
    assert shown_count(a) == shown[a.stage.id] - 1 == a.proxy.rowCount()
    assert shown_count(b) == shown[b.stage.id] + 1 == b.proxy.rowCount()
    assert board.model.card_by_id(card.id).version == deal.version
    assert window.undo_stack.count() == 1


def test_drop_on_its_own_column_changes_nothing(window: MainWindow, demo_db: Database) -> None:
    view = window.board.view
    a = view.columns[0]
    card = a.proxy.cards()[0]
    history = transitions(demo_db, card.id)
    ids = column_ids(a)

    assert drop_through_model(a, view.model, [card])

    assert deals.get_deal(demo_db, card.id).version == card.version
    assert transitions(demo_db, card.id) == history
    assert column_ids(a) == ids
    assert window.undo_stack.count() == 0


def test_dropping_several_cards_moves_them_all_as_one_undo_step(
    window: MainWindow, demo_db: Database
) -> None:
    view = window.board.view
    a, c = view.columns[0], view.columns[2]
    moving = a.proxy.cards()[:2]
    assert drop_through_model(c, view.model, moving)

    for card in moving:
        assert deals.get_deal(demo_db, card.id).stage_id == c.stage.id
        assert card.id in column_ids(c) and card.id not in column_ids(a)
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    for card in moving:
        assert deals.get_deal(demo_db, card.id).stage_id == a.stage.id
        assert card.id in column_ids(a)
