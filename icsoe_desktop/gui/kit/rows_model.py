"""A read-only table model over a list of rows (small grids: users, registros, certificates)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel, Generic[T]):
    """``cells(row)`` gives the displayed values of one row, in ``headers`` order. With
    ``checkable`` the first column carries a check box per row (``checked_rows``)."""

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[T], Sequence[Any]],
        checkable: bool = False,
    ) -> None:
        super().__init__()
        self.headers = tuple(headers)
        self._cells = cells
        self.rows: list[T] = []
        self._checkable = checkable
        self._checked: set[int] = set()

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._checked.clear()
        self.endResetModel()

    def checked_rows(self) -> list[T]:
        return [row for i, row in enumerate(self.rows) if i in self._checked]

    def set_all_checked(self, checked: bool) -> None:
        self._checked = set(range(len(self.rows))) if checked else set()
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self.rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self._checkable and index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self._checkable and index.isValid() and index.column() == 0):
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        (self._checked.add if checked else self._checked.discard)(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable and index.column() == 0:
            checked = index.row() in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._cells(self.rows[index.row()])[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None
