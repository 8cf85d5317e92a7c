"""A RowsModel whose number columns (counts, amounts) are aligned right, as numbers are read."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt

from icsoe_desktop.gui.kit.rows_model import Index, RowsModel

T = TypeVar("T")
_DERECHA = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsDerechaModel(RowsModel[T]):
    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[T], Sequence[Any]],
        derecha: Collection[int],
        checkable: bool = False,
    ) -> None:
        super().__init__(headers, cells, checkable)
        self._derecha = frozenset(derecha)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid():
            return _DERECHA if index.column() in self._derecha else None
        return super().data(index, role)
