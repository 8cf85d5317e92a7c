"""The Consulta grid's model: lazy (canFetchMore / fetchMore over the service's keyset pages), so
a contratista with 10,000 capturistas shows the first page at once (bench/capturistas.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from icsoe_desktop.domain.clock import texto_del_centro
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.services.capturistas.common import CapturistaRow

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
HEADERS = (
    "Id",
    "Rol",
    "Clave Usuario(CURP)",
    "Razón Social/Nombre",
    "Correo",
    "Estatus",
    "Grupo",
    "Contratista relacionado",
    "Fecha Alta",
    "Usuario Alta",
    "Editar",
    "Enviar email",
    "Activar",
    "Eliminar",
)
EDITAR, ENVIAR, ACTIVAR, ELIMINAR = range(10, 14)
ACTIONS = {
    EDITAR: ("Editar", "puede_editar"),
    ENVIAR: ("Enviar email", "puede_enviar_email"),
    ACTIVAR: ("Activar", "puede_activar"),
    ELIMINAR: ("Eliminar", "puede_eliminar"),
}
_HANDLED = frozenset(
    (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
    )
)
_style: dict[str, QFont] = {}  # the link font, made once (data() runs per paint)


def _link_style() -> tuple[QBrush, QFont]:
    if not _style:
        _style["font"] = QFont()
        _style["font"].setUnderline(True)
    return QBrush(colores.color(colores.ENLACE, BASE)), _style["font"]


def _date(value: datetime | None) -> str:
    return texto_del_centro(value, "%d/%m/%Y")


def action_available(row: CapturistaRow, column: int) -> bool:
    return column in ACTIONS and bool(getattr(row, ACTIONS[column][1]))


class CapturistasModel(QAbstractTableModel):
    """``fetch(after_id, limit)`` returns the next page in id order."""

    def __init__(
        self, fetch: Callable[[int, int], list[CapturistaRow]], page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__()
        self._fetch = fetch
        self._page_size = page_size
        self.rows: list[CapturistaRow] = []
        self._position: dict[int, int] = {}
        self._exhausted = False

    def reload(self) -> None:
        self.beginResetModel()
        self.rows, self._position, self._exhausted = [], {}, False
        self.endResetModel()  # the view asks for the first page itself (canFetchMore)

    def posicion(self, relacion_id: int) -> int | None:
        """Where a row is among those read so far."""
        return self._position.get(relacion_id)

    def replace(self, row: CapturistaRow) -> None:
        """A row changed by an action: redraw it in place (no reload of 10,000 rows)."""
        position = self._position.get(row.id)
        if position is None:
            return
        self.rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(HEADERS) - 1))

    # --- lazy loading --------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or self._exhausted:
            return
        after = self.rows[-1].id if self.rows else 0
        page = self._fetch(after, self._page_size)
        if len(page) < self._page_size:
            self._exhausted = True
        if not page:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self.rows.extend(page)
        for offset, row in enumerate(page):
            self._position[row.id] = first + offset
        self.endInsertRows()

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Qt asks for a dozen roles per cell on every paint: answer the unused ones at once.
        if role not in _HANDLED or not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if column not in ACTIONS or not action_available(row, column):
            return None
        brush, font = _link_style()
        if role == Qt.ItemDataRole.ForegroundRole:
            return brush
        if role == Qt.ItemDataRole.FontRole:
            return font
        return f"{ACTIONS[column][0]}: {row.nombre_completo}"

    @staticmethod
    def _display(row: CapturistaRow, column: int) -> object:
        if column in ACTIONS:
            return ACTIONS[column][0] if action_available(row, column) else ""
        return (
            str(row.id),
            row.rol,
            row.curp,
            row.nombre_completo,
            row.correo,
            row.estatus,
            row.grupo,
            row.contratista_relacionado,
            _date(row.fecha_alta),
            row.usuario_alta,
        )[column]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
