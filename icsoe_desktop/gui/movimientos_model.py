"""The "Movimientos con IDSE" grid: a lazy model over the service's filtered, sorted pages.

Only the pages the view asks for are in memory (``canFetchMore``/``fetchMore``), so a store of a
million movements shows its first page at once and scrolls as far as the clerk goes. The total
("Movimientos encontrados") is counted in the background: a count reads every matching index
entry, and the first page must not wait for it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from icsoe_desktop.services.movimientos import COLUMNS, MONEY, NUMBER, Filtro, Orden

if TYPE_CHECKING:
    from icsoe_desktop.services.movimientos import MovimientosService

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MovimientosModel(QAbstractTableModel):
    """``counted(total)`` follows each ``load`` once the background count is done."""

    counted = Signal(int)

    def __init__(self, movimientos: MovimientosService) -> None:
        super().__init__()
        self._service = movimientos
        self.filtro = Filtro()
        self.orden = Orden()
        self.total: int | None = None  # None while being counted
        self._rows: list[tuple] = []
        self._more = False
        self._generation = 0  # a count for an earlier search is dropped

    # --- queries -------------------------------------------------------------------------------

    def load(self, filtro: Filtro, orden: Orden | None = None) -> None:
        """Show the first page of ``filtro`` now; count its rows in the background."""
        filtro.check()
        self.beginResetModel()
        try:
            self.filtro = filtro
            self.orden = orden or self.orden
            self._rows = self._service.page(filtro, self.orden, 0, PAGE_SIZE)
            self._more = len(self._rows) == PAGE_SIZE
            self.total = None if self._more else len(self._rows)
        finally:
            self.endResetModel()
        self._generation += 1
        if self.total is not None:
            self.counted.emit(self.total)
            return
        from icsoe_desktop.gui.worker import run_in_background

        generation = self._generation
        run_in_background(
            lambda: self._service.count(filtro),
            lambda total: self._on_counted(generation, total),
            lambda exc: log.error("No se pudo contar los movimientos", exc_info=exc),
        )

    def _on_counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self.counted.emit(total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or not self._more:
            return
        page = self._service.page(self.filtro, self.orden, len(self._rows), PAGE_SIZE)
        self._more = len(page) == PAGE_SIZE
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.load(self.filtro, Orden(column, order == Qt.SortOrder.DescendingOrder))

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row[index.column() + 1])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in (MONEY, NUMBER):
            return int(_RIGHT.value)
        if role == ID_ROLE:
            return row[0]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].header
        return None

    def loaded(self) -> int:
        return len(self._rows)
