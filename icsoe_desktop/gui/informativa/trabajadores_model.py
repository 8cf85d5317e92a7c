"""The workers of one contract as a virtual grid: as many rows as the contract has, but only the
pages the view has painted lately are read (``pagina``) and kept, so 12,000 workers open and
scroll as fast as 12. A header click sorts by its column (the store reads each order from an
index); none, the order they were added in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.services.informativa.asignaciones import ORDENES, TrabajadorFila

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("NSS", "CURP", "SBC", "Nombre", "Rechazo del portal")
# The store's orders are the columns', in the same order: NSS, CURP, SBC, nombre, rechazo.
assert len(ORDENES) == len(HEADERS)
SBC_COLUMN = 2
RECHAZO_COLUMN = 4
PAGE_SIZE = 200  # a few screenfuls
MAX_PAGES = 20  # 4,000 rows in memory at most, however far the clerk scrolls
ID_ROLE = Qt.ItemDataRole.UserRole
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_ID = ID_ROLE.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)

Contar = Callable[[], int]
# (offset, limite, orden or None: as added, descendente) → the rows
Pagina = Callable[[int, int, str | None, bool], list[TrabajadorFila]]


def sbc_en_pesos(centavos: int) -> str:
    """«$ 1,234.56»: the SBC as the grid shows it."""
    return f"$ {centavos // 100:,}.{centavos % 100:02d}"


def rechazo_texto(fila: TrabajadorFila) -> str:
    """The portal's reason, or that it was corrected since; empty: not rejected."""
    if not fila.rechazo:
        return ""
    return f"Corregido: {fila.rechazo}" if fila.corregido else fila.rechazo


def _textos(fila: TrabajadorFila) -> tuple[str, ...]:
    return (fila.nss, fila.curp, sbc_en_pesos(fila.sbc), fila.nombre, rechazo_texto(fila))


class TrabajadoresModel(QAbstractTableModel):
    """``contar()`` and ``pagina(offset, limite)`` read the contract shown (``set_source``);
    without one the grid is empty."""

    def __init__(self) -> None:
        super().__init__()
        self._contar: Contar | None = None
        self._pagina: Pagina | None = None
        self.total = 0
        self._pages: dict[int, list[tuple[TrabajadorFila, tuple[str, ...]]]] = {}
        self.orden: str | None = None  # None: in the order they were added
        self.descendente = False

    def set_source(self, contar: Contar | None, pagina: Pagina | None) -> None:
        self._contar, self._pagina = contar, pagina
        self.reload()

    def reload(self) -> None:
        """Count again and forget every page read (after an addition or a removal)."""
        self.beginResetModel()
        self.total = self._contar() if self._contar else 0
        self._pages = {}
        self.endResetModel()

    def _page(self, number: int) -> list[tuple[TrabajadorFila, tuple[str, ...]]]:
        page = self._pages.get(number)
        if page is None:
            assert self._pagina is not None  # rows exist only with a source
            filas = self._pagina(number * PAGE_SIZE, PAGE_SIZE, self.orden, self.descendente)
            page = [(f, _textos(f)) for f in filas]
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:  # forget the page farthest from this one
                del self._pages[max(self._pages, key=lambda n: abs(n - number))]
        return page

    def fila(self, row: int) -> TrabajadorFila | None:
        """The worker shown at ``row``."""
        found = self._row(row)
        return None if found is None else found[0]

    def _row(self, row: int) -> tuple[TrabajadorFila, tuple[str, ...]] | None:
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        # A row removed elsewhere between the count and the page leaves the end short.
        return page[offset] if offset < len(page) else None

    def ids(self, selection: QItemSelection) -> list[int]:
        """The ids of the selected rows, read by ranges (Ctrl+A over 12,000 rows is one read
        per range, not one per row)."""
        if self._pagina is None:
            return []
        found: list[int] = []
        rows = sorted({(r.top(), r.bottom()) for r in selection})  # type: ignore[attr-defined]  # iterates its ranges
        for top, bottom in rows:
            filas = self._pagina(top, bottom - top + 1, self.orden, self.descendente)
            found.extend(f.id for f in filas)
        return list(dict.fromkeys(found))

    def loaded(self) -> int:
        """Rows held in memory now."""
        return sum(len(page) for page in self._pages.values())

    # --- Qt model API --------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the rows by ``column`` (-1: as added), from the first page."""
        orden = ORDENES[column] if 0 <= column < len(ORDENES) else None
        descendente = orden is not None and order == Qt.SortOrder.DescendingOrder
        if (orden, descendente) != (self.orden, self.descendente):
            self.orden, self.descendente = orden, descendente
            self.reload()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        if not index.isValid():
            return None
        if role == _DISPLAY:
            row = self._row(index.row())
            return None if row is None else row[1][index.column()]
        if role == _ALIGNMENT:
            return _RIGHT if index.column() == SBC_COLUMN else None
        if role == _ID:
            row = self._row(index.row())
            return None if row is None else row[0].id
        if role == _FOREGROUND:
            row = self._row(index.row())
            pendiente = row is not None and row[0].rechazo and not row[0].corregido
            return colores.color(colores.ERROR, BASE) if pendiente else None  # to correct
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
