"""Nueva informativa: the cuatrimestre (the recent ones, the one due first chosen), the tipo and,
for a complementaria, the signed informativa it corrects. The same dialog in «Sin información»
mode asks only the period and confirms before filing it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.lineamientos import meses_actualizacion_texto
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    COMPLEMENTARIAS,
    CORRECCION,
    FIRMADAS,
    NORMAL,
    SIN_INFORMACION,
    TIPOS,
    Periodo,
)
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.captura import FilaInformativa

TITLE = "Nueva informativa"
TITLE_SIN_INFORMACION = "Sin información"
RECIENTES = 6  # the period in course and the five before it: two years
MSG_SIN_FIRMADAS = "(el periodo no tiene informativas firmadas)"
MSG_NOTA_SIN_INFORMACION = (
    "Se presenta cuando en el periodo no se celebró ningún contrato de servicios u obras "
    "especializados. Queda lista para que el contratista la firme."
)
MSG_NOTA_CORRECCION = (
    "Sustituye a la informativa que corrige y repite todos sus datos: se crea con una copia de "
    "todos sus contratos y trabajadores, para corregir sólo lo que cambió."
)
MSG_NOTA_ACTUALIZACION = (
    f"Se presenta sólo en {meses_actualizacion_texto()}, por el cuatrimestre anterior, y no "
    "cuenta en el máximo de complementarias del periodo."
)
NOTAS = {
    SIN_INFORMACION: MSG_NOTA_SIN_INFORMACION,
    CORRECCION: MSG_NOTA_CORRECCION,
    ACTUALIZACION: MSG_NOTA_ACTUALIZACION,
}
MSG_CONFIRMAR_SIN_INFORMACION = (
    "Se presentará la informativa del periodo {periodo} sin contratos (Sin información): "
    "declara que en el cuatrimestre no se celebró ningún contrato. ¿Deseas continuar?"
)


def periodos_recientes(tablero: list[FilaInformativa]) -> list[Periodo]:
    """The period in course (the newest of the pantalla de inicio, which always lists it) and
    the ones before it, newest first: a future period cannot be filed."""
    actual = max(f.periodo for f in tablero)
    periodos = [actual]
    while len(periodos) < RECIENTES:
        periodos.append(periodos[-1].anterior())
    return periodos


def periodo_sugerido(tablero: list[FilaInformativa]) -> Periodo:
    """The one due first among those still on time and without their declaration; else the
    period in course."""
    declarados = {
        f.periodo for f in tablero if f.tipo is not None and f.tipo not in COMPLEMENTARIAS
    }
    a_tiempo = sorted(
        f.periodo for f in tablero if f.dias_restantes >= 0 and f.periodo not in declarados
    )
    return a_tiempo[0] if a_tiempo else max(f.periodo for f in tablero)


class NuevaInformativaDialog(QDialog):
    """Accepted once created; ``uuid`` is the new informativa, ``tipo`` its type.
    ``sin_informacion``: only the period is asked (the inicio's *Sin información…*)."""

    def __init__(
        self,
        services: Services,
        actor: str,
        contratista_rfc: str,
        parent: QWidget | None = None,
        periodo: Periodo | None = None,
        sin_informacion: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("NuevaInformativaDialog")
        self._services = services
        self._actor = actor
        self._rfc = contratista_rfc
        self._solo_periodo = sin_informacion
        self.uuid: str | None = None
        self.tipo: str | None = None
        form = load_form("informativa_nueva.ui", self)
        self.periodo = child(form, QComboBox, "periodoCombo")
        self.tipo_combo = child(form, QComboBox, "tipoCombo")
        self.complementa = child(form, QComboBox, "complementaCombo")
        self.complementa_label = child(form, QLabel, "complementaLabel")
        self.nota = child(form, QLabel, "notaLabel")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.crear = child(form, QPushButton, "crearButton")
        self._tablero = services.informativas.tablero(contratista_rfc, actor)
        for p in periodos_recientes(self._tablero):
            self.periodo.addItem(p.texto, p.clave)
        elegido = periodo or periodo_sugerido(self._tablero)
        self.periodo.setCurrentIndex(max(self.periodo.findData(elegido.clave), 0))
        for clave, texto in TIPOS.items():
            self.tipo_combo.addItem(texto, clave)
        if sin_informacion:
            self.setWindowTitle(TITLE_SIN_INFORMACION)
            self.tipo_combo.setCurrentIndex(self.tipo_combo.findData(SIN_INFORMACION))
            for widget in (self.tipo_combo, child(form, QLabel, "tipoLabel")):
                widget.setVisible(False)
            child(form, QLabel, "instruccionesLabel").setText(
                "Elige el cuatrimestre en el que no se celebró ningún contrato."
            )
            self.crear.setText("Presentar")
        self.periodo.currentIndexChanged.connect(self._on_cambio)
        self.tipo_combo.currentIndexChanged.connect(self._on_cambio)
        self.cancelar.clicked.connect(self.reject)
        self.crear.clicked.connect(self._on_crear)
        self.crear.setDefault(True)  # Enter creates
        self._on_cambio()
        mnemonics.assign(self)
        self.resize(520, 200 if sin_informacion else 230)
        centrar(self, parent)  # fits the screen, centred on its window

    def periodo_elegido(self) -> Periodo:
        return Periodo.de_clave(self.periodo.currentData())

    def tipo_elegido(self) -> str:
        return self.tipo_combo.currentData() or NORMAL

    def _on_cambio(self) -> None:
        """«Corrige a» lists the signed informativas of the chosen period, for a complementaria."""
        tipo = self.tipo_elegido()
        complementaria = tipo in COMPLEMENTARIAS
        self.complementa.clear()
        if complementaria:
            periodo = self.periodo_elegido()
            for fila in self._tablero:
                if fila.periodo == periodo and fila.estado in FIRMADAS and fila.uuid:
                    cuando = f" el {fila.firmada_at:%d/%m/%Y}" if fila.firmada_at else ""
                    self.complementa.addItem(f"{fila.tipo_texto}, firmada{cuando}", fila.uuid)
            if self.complementa.count() == 0:
                self.complementa.addItem(MSG_SIN_FIRMADAS, None)
        self.complementa.setEnabled(complementaria and self.complementa.currentData() is not None)
        for widget in (self.complementa, self.complementa_label):
            widget.setVisible(complementaria)
        self.nota.setText(NOTAS.get(tipo, ""))

    def _on_crear(self) -> None:
        periodo, tipo = self.periodo_elegido(), self.tipo_elegido()
        title = TITLE_SIN_INFORMACION if self._solo_periodo else TITLE
        service = self._services.informativas
        try:
            if tipo == SIN_INFORMACION:
                texto = MSG_CONFIRMAR_SIN_INFORMACION.format(periodo=periodo.texto)
                if not msgbox.question(self, texto, yes="Presentar", title=title):
                    return
                self.uuid = service.sin_informacion(self._rfc, self._actor, periodo)
            else:
                self.uuid = service.crear(
                    self._rfc, self._actor, periodo, tipo, self.complementa.currentData()
                )
        except DomainError as exc:
            # Nothing chosen is lost: the dialog stays as it was, with the service's reason.
            msgbox.field_error(
                self,
                exc,
                {"periodo": self.periodo, "tipo": self.tipo_combo, "complementa": self.complementa},
                title,
            )
            return
        self.tipo = tipo
        self.accept()
