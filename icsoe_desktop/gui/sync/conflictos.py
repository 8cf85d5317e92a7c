"""Configuración > Conflictos de sincronización: the versions that lost by server order, side
by side with the current one; the user keeps either, for the selected conflicts or, by one
rule, for all of them («Resolver todos así», confirmed with their count; «Deshacer» puts them
back until the next sync)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.cambios import CONFLICTOS, Cambios
from icsoe_desktop.domain.clock import texto_del_centro
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import CAMPOS, pesos_text
from icsoe_desktop.domain.movimientos import MONEY as MONEY_KIND
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.notificador import suscribir
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.services.sync.rechazados import REFUSED_BY_SERVER

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.sync.conflictos import ConflictRow

TITLE = "Conflictos de sincronización"
# Which version each rule keeps, as the confirmation says it (the panes' own words).
RULES = {
    "actual": "la versión actual (la que quedó en este equipo)",
    "otra": "la otra versión (la que no quedó)",
}
KINDS = {
    "cambio": "Cambiado en dos equipos",
    "duplicado": "Dado de alta en dos equipos",
    # Made again before this desktop's first sync, with other content: the server's stands.
    "recapturado": "Capturado otra vez en este equipo",
    # A signed informativa received that does not say what was signed: not applied.
    "rechazado": "No coincide con lo firmado",
    # A row of this desktop the server refused (a domain rule it breaks): sent again when
    # corrected.
    REFUSED_BY_SERVER: "Rechazado por el servidor",
}
# Field names as the windows call them; others are shown as they are.
FIELD_TITLES = {
    "usuario": "Usuario",
    "nombre": "Nombre",
    "primer_apellido": "Primer apellido",
    "segundo_apellido": "Segundo apellido",
    "habilitado": "Habilitado",
    "registro": "Registro patronal",
    "rfc": "RFC",
    "razon_social": "Razón social",
    "tipo": "Tipo",
    "no_certificado": "No. de certificado",
    "valido_hasta": "Vigente hasta",
    "numero": "Lote",
    "archivo": "Archivo",
    "periodo": "Periodo",
    "estado": "Estado",
    # The movimientos' columns as CAMPOS names them.
    **{c.attr: c.conflict_label for c in CAMPOS if c.stored},
}
MONEY = {c.attr for c in CAMPOS if c.kind == MONEY_KIND}  # stored in centavos
# Internal references (UUIDs of related rows) and bulky or technical fields.
HIDDEN = {
    "created_at",
    "aviso_aceptado_at",
    "certificado_der",
    "acuse_pdf",
    "cadena",  # a signed informativa's cadena original: every worker, a few MB
    "sello",
    "congelada",  # a signed informativa's frozen copy (compressed)
    "congelada_cabecera",  # the same without its workers
    "acuse_imss_pdf",  # the IMSS acuse de presentación
    "acuse_imss_sha256",
    "contratista_id",
    "registro_patronal_id",
    "emisor",
    "lote_id",
    "movimiento_id",
}


def version_text(version: dict[str, Any] | None) -> str:
    if version is None:
        return "(el renglón ya no existe en este equipo)"
    lines = []
    if version.get("motivo"):  # a row the server refused: why
        lines.append(f"Rechazado por el servidor: {version['motivo']}")
    if version.get("deleted"):
        lines.append("ELIMINADO")
    for key, value in version.get("data", {}).items():
        if key in HIDDEN:
            continue
        if isinstance(value, bool):
            value = "Sí" if value else "No"
        elif key in MONEY and isinstance(value, int):
            value = pesos_text(value)
        elif value is None:
            value = ""
        lines.append(f"{FIELD_TITLES.get(key, key)}: {value}")
    return "\n".join(lines)


class ConflictosDialog(QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConflictosDialog")
        self._services = services
        self._actor = actor
        form = load_form("conflictos.ui", self)
        self.tabla = child(form, QTableView, "tablaView")
        describir_lista(self.tabla, "Los conflictos de sincronización, uno por fila")
        self.actual = child(form, QPlainTextEdit, "actualText")
        self.otra = child(form, QPlainTextEdit, "otraText")
        for texto, cual in ((self.actual, "guardada"), (self.otra, "que no se guardó")):
            texto.setAccessibleDescription(
                f"Los datos de la versión {cual} del conflicto elegido, de sólo lectura."
            )
        self.conservar_actual = child(form, QPushButton, "conservarActualButton")
        self.conservar_otra = child(form, QPushButton, "conservarOtraButton")
        self.todos_actual = child(form, QPushButton, "todosActualButton")
        self.todos_otra = child(form, QPushButton, "todosOtraButton")
        self.deshacer = child(form, QPushButton, "deshacerButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.cerrar.setDefault(True)  # choosing a version is never a stray Enter
        self.model: RowsModel[ConflictRow] = RowsModel(
            ("Dato", "Cuál", "Conflicto", "Detectado"),
            lambda c: (
                c.titulo,
                c.renglon,
                KINDS.get(c.kind, c.kind),
                texto_del_centro(c.detected_at),
            ),
        )
        self.tabla.setModel(self.model)
        header = self.tabla.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.tabla.verticalHeader().setVisible(False)
        self.tabla.selectionModel().selectionChanged.connect(self._on_selection)
        self.conservar_actual.clicked.connect(lambda: self._keep("actual"))
        self.conservar_otra.clicked.connect(lambda: self._keep("otra"))
        self.todos_actual.clicked.connect(lambda: self._keep_all("actual"))
        self.todos_otra.clicked.connect(lambda: self._keep_all("otra"))
        self.deshacer.clicked.connect(self._undo)
        self.cerrar.clicked.connect(self.reject)
        # Tab in reading order: the list, the two versions side by side with their buttons
        # under them, then the row «Resolver todos así» and Cerrar.
        en_orden(
            self.tabla, self.actual, self.otra, self.conservar_actual, self.conservar_otra,
            self.todos_actual, self.todos_otra, self.deshacer, self.cerrar,
        )  # fmt: skip
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(760, 520)
        centrar(self, parent)  # fits the screen, centred on its window
        # A sync while the window is open may bring conflicts: listed without a click.
        suscribir(self, services, {CONFLICTOS}, self._on_cambios)
        self.refresh()

    def _on_cambios(self, _cambios: Cambios) -> None:
        self.refresh()

    def refresh(self) -> None:
        chosen = {c.id for c in self.selected_all()}
        self.model.set_rows(self._services.conflictos.conflicts())
        rows = [r for r, c in enumerate(self.model.rows) if c.id in chosen] or [0]
        if self.model.rows:  # the conflicts chosen stay chosen (else the first)
            self.tabla.selectRow(rows[0])
        self._on_selection()

    def selected(self) -> ConflictRow | None:
        """The conflict shown in the two panes: the first of the selection."""
        chosen = self.selected_all()
        return chosen[0] if chosen else None

    def selected_all(self) -> list[ConflictRow]:
        """Every selected conflict (Ctrl/Shift+clic, Ctrl+A): the same file imported on two
        desktops leaves one «duplicado» per movement, settled together."""
        rows = sorted(index.row() for index in self.tabla.selectionModel().selectedRows())
        return [self.model.rows[row] for row in rows]

    def _on_selection(self, *_args: object) -> None:
        conflict = self.selected()
        self.actual.setPlainText(version_text(conflict.actual) if conflict else "")
        self.otra.setPlainText(version_text(conflict.otra) if conflict else "")
        for button in (self.conservar_actual, self.conservar_otra):
            button.setEnabled(conflict is not None)
        count = len(self.model.rows)
        for button, text in (
            (self.todos_actual, "Conservar la actual en todos"),
            (self.todos_otra, "Conservar la otra en todos"),
        ):
            mnemonics.set_text(button, f"{text} ({count:,})" if count else text)
            button.setEnabled(count > 0)
        undo = self._services.conflictos.can_undo()
        self.deshacer.setEnabled(undo > 0)
        mnemonics.set_text(self.deshacer, f"Deshacer ({undo:,})" if undo else "Deshacer")

    def _keep(self, which: str) -> None:
        for conflict in self.selected_all():
            try:
                self._services.conflictos.resolve(conflict.id, which, self._actor)
            except DomainError as exc:
                msgbox.warning(self, f"{conflict.titulo} {conflict.renglon}: {exc.message}", TITLE)
                break
        # The version kept may be any synced row's: every window reads its data again.
        self.refresh()
        if not self.model.rows:
            msgbox.information(self, "No quedan conflictos por revisar.", TITLE)

    def _keep_all(self, which: str) -> None:
        count = len(self.model.rows)
        if not count:
            return
        text = (
            f"¿Conservar {RULES[which]} en "
            f"{'el conflicto' if count == 1 else f'los {count:,} conflictos'}?"
            "\n\nPuedes deshacerlo con «Deshacer» hasta la siguiente sincronización."
        )
        if not msgbox.question(self, text, "Resolver todos", "Cancelar", TITLE):
            return
        try:
            done = self._services.conflictos.resolve_all(which, self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        self.refresh()
        msgbox.information(
            self,
            f"Se {verb(done, 'resolvió', 'resolvieron')} {plural(done, 'conflicto')}. "
            "«Deshacer» los devuelve hasta la siguiente sincronización.",
            TITLE,
        )

    def _undo(self) -> None:
        try:
            done = self._services.conflictos.undo(self._actor)
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.refresh()
            return
        self.refresh()
        msgbox.information(
            self,
            f"Se deshizo: {plural(done, 'conflicto vuelve', 'conflictos vuelven')} "
            "a estar por revisar.",
            TITLE,
        )
