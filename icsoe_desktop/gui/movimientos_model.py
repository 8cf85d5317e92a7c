"""The "Movimientos con IDSE" grid: a lazy model over the service's filtered, sorted pages.

Only the pages the view asks for are in memory (``canFetchMore``/``fetchMore``), so a store of a
million movements shows its first page at once and scrolls as far as the clerk goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from icsoe_desktop.services.movimientos import COLUMNS, MONEY, NUMBER, Filtro, Orden

if TYPE_CHECKING:
    from icsoe_desktop.services.movimientos import MovimientosService

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MovimientosModel(QAbstractTableModel):
    def __init__(self, movimientos: MovimientosService) -> None:
        super().__init__()
        self._service = movimientos
        self.filtro = Filtro()
        self.orden = Orden()
        self.total = 0
        self._rows: list[tuple] = []

    # --- queries -------------------------------------------------------------------------------

    def load(self, filtro: Filtro, orden: Orden | None = None) -> int:
        """Show the first page of ``filtro``; return how many rows it has in all."""
        self.beginResetModel()
        try:
            self.filtro = filtro
            self.orden = orden or self.orden
            self.total = self._service.count(filtro)
            self._rows = self._service.page(filtro, self.orden, 0, PAGE_SIZE)
        finally:
            self.endResetModel()
        return self.total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and len(self._rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid():
            return
        page = self._service.page(self.filtro, self.orden, len(self._rows), PAGE_SIZE)
        if not page:
            self.total = len(self._rows)  # rows went away meanwhile
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
