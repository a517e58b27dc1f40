"""The board page's figures and filters: each column's header count agrees with the
metrics service and with the cards the column shows, however the board is filtered."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crmdesk.db.engine import Database
from crmdesk.domain.reports import DealCard, ascii_lower
from crmdesk.metrics import MetricsService
from crmdesk.ui.board.page import BoardPage
from crmdesk.ui.main_window import MainWindow

from .._helpers import board_ids, drop_through_model, header_counts, open_counts, shown_count


def _assert_headers_agree(board: BoardPage) -> None:
    view = board.view
    totals = MetricsService(board.db).board_totals(board.metrics_filter(), view.query())
    for col in view.columns:
        assert shown_count(col) == totals.for_stage(col.stage.id).count, col.stage.name
        assert shown_count(col) == col.proxy.rowCount(), col.stage.name


def _search(qtbot: QtBot, board: BoardPage, text: str) -> None:
    """Type into the search box like a user and wait out its 200 ms debounce."""
    edit = board.view.search_edit
    edit.clear()
    qtbot.keyClicks(edit, text)
    qtbot.waitUntil(lambda: board.view.query().text == text, timeout=2000)


def _visible_cards(board: BoardPage) -> list[DealCard]:
    return [card for col in board.view.columns for card in col.proxy.cards()]


def test_column_counts_match_the_metrics_and_the_database(
    window: MainWindow, demo_db: Database
) -> None:
    board = window.board
    _assert_headers_agree(board)
    assert header_counts(board.view) == open_counts(demo_db)
    assert [c.stage.id for c in board.view.columns] == [s.id for s in board.pipeline.open_stages]
    assert [c.name_label.text() for c in board.view.columns] == [
        s.name for s in board.pipeline.open_stages
    ]


def _search_terms(board: BoardPage) -> list[str]:
    cards = _visible_cards(board)
    customer_word = next(c.customer_name for c in cards if c.customer_name).split()[0]
    title_word = max(
        Counter(w for c in cards for w in c.title.split() if len(w) > 3).items(),
        key=lambda kv: kv[1],
    )[0]
    return [
        customer_word.upper(),  # case does not matter
        f"  {title_word.lower()} ",  # nor spaces around
        "%",  # SQL wildcards are plain characters here
        "_",
        "no such deal anywhere",
    ]


def test_search_filters_the_columns_and_their_counts(window: MainWindow, qtbot: QtBot) -> None:
    board = window.board
    everything = board_ids(board.view)
    terms = _search_terms(board)
    for text in terms:
        _search(qtbot, board, text)
        _assert_headers_agree(board)
        needle = ascii_lower(text.strip())
        for card in _visible_cards(board):
            assert needle in ascii_lower(card.title) or needle in ascii_lower(
                card.customer_name or ""
            )
        for stage_id, ids in board_ids(board.view).items():
            assert set(ids) <= set(everything[stage_id])
            # Nothing that matches is hidden.
            assert ids == [
                i
                for i in everything[stage_id]
                if needle in ascii_lower(board.model.card_by_id(i).title)
                or needle in ascii_lower(board.model.card_by_id(i).customer_name or "")
            ]

    _search(qtbot, board, terms[0])
    assert 0 < len(_visible_cards(board)) < sum(len(v) for v in everything.values())

    board.view.search_edit.clear()
    qtbot.waitUntil(lambda: board.view.query().text == "", timeout=2000)
    assert board_ids(board.view) == everything
    _assert_headers_agree(board)


def test_search_waits_until_typing_pauses(window: MainWindow, qtbot: QtBot) -> None:
    board = window.board
    everything = board_ids(board.view)
    QTest.keyClicks(board.view.search_edit, "zzz")
    assert board.view.query().text == ""  # not yet: the debounce is still running
    assert board_ids(board.view) == everything
    qtbot.waitUntil(lambda: board.view.query().text == "zzz", timeout=2000)
    assert all(not ids for ids in board_ids(board.view).values())
    assert all(n == 0 for n in header_counts(board.view).values())


def _choose_owner(qtbot: QtBot, board: BoardPage, owner_id: int | None) -> None:
    combo = board.view.owner_combo
    index = combo.findData(owner_id)
    assert index >= 0
    with qtbot.waitSignal(board.refreshed, timeout=2000):
        combo.setCurrentIndex(index)


def test_choosing_an_owner_leaves_only_their_cards(
    window: MainWindow, demo_db: Database, qtbot: QtBot
) -> None:
    board = window.board
    owners = Counter(c.owner_id for c in _visible_cards(board))
    owner_id, mine = owners.most_common(1)[0]
    assert len(owners) > 1

    _choose_owner(qtbot, board, owner_id)

    visible = _visible_cards(board)
    assert len(visible) == mine
    assert {c.owner_id for c in visible} == {owner_id}
    assert header_counts(board.view) == open_counts(demo_db, owner_id=owner_id)
    _assert_headers_agree(board)

    _choose_owner(qtbot, board, None)  # Everyone
    assert Counter(c.owner_id for c in _visible_cards(board)) == owners
    _assert_headers_agree(board)


def test_me_shows_my_own_deals(window: MainWindow, demo_db: Database, qtbot: QtBot) -> None:
    board = window.board
    assert board.view.owner_combo.itemText(1) == "Me"
    _choose_owner(qtbot, board, window.user.id)
    assert header_counts(board.view) == open_counts(demo_db, owner_id=window.user.id)
    assert {c.owner_id for c in _visible_cards(board)} <= {window.user.id}
    _assert_headers_agree(board)


def test_clear_filters_shows_everything_again(window: MainWindow, qtbot: QtBot) -> None:
    board = window.board
    everything = board_ids(board.view)
    owner_id = _visible_cards(board)[0].owner_id
    _choose_owner(qtbot, board, owner_id)
    _search(qtbot, board, "a")
    assert board_ids(board.view) != everything

    with qtbot.waitSignal(board.refreshed, timeout=2000):
        qtbot.mouseClick(board.view.clear_button, Qt.MouseButton.LeftButton)

    assert board.view.owner_combo.currentData() is None
    assert board.view.search_edit.text() == ""
    assert board_ids(board.view) == everything
    _assert_headers_agree(board)


def test_counts_follow_a_move_while_searching(window: MainWindow, qtbot: QtBot) -> None:
    board = window.board
    a, b = board.view.columns[0], board.view.columns[1]
    card = a.proxy.cards()[0]
    _search(qtbot, board, card.title[:8])
    assert card.id in [c.id for c in a.proxy.cards()]

    drop_through_model(b, board.model, [card])

    assert board.view.query().text == card.title[:8]
    assert card.id in [c.id for c in b.proxy.cards()]
    _assert_headers_agree(board)
