"""Exportar para el cliente: for a filed informativa and one of its contratantes (or of the
period's filed SISUB), the IMSS acuse de presentación, the constancia de firma, an Excel of that
contratante's contracts and workers and, once the SISUB is filed, its acuse, that client's rows
of it and its contracts' PDFs, into a folder or one .zip — what a client asks for every
cuatrimestre.

Opened from an informativa (that one), or from ICSOE › Exportar para el cliente… (a list of
the filed informativas)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.informativa.elegir_informativa import combo_de_informativas
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.elegir_archivo import elegir_carpeta, guardar_archivo
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Exportar para el cliente"
MSG_INTRO = (
    "Para el contratante que elijas: el acuse de presentación del IMSS, la constancia de "
    "firma, un Excel de sus contratos y trabajadores de esta informativa y, si ya se presentó "
    "el SISUB del periodo, su acuse, los renglones de ese contratante (Contratos y DetalleTrab) "
    "y los PDF de sus contratos. Un contratante con sólo contratos que continúan recibe lo del "
    "SISUB."
)
MSG_SIN_PRESENTADAS = (
    "No hay informativas presentadas: registra antes el acuse de presentación del IMSS."
)
MSG_ESCRITO = "Se {verbo} {cuantos} en «{donde}»."


class ArchivoClienteDialog(QDialog):
    def __init__(
        self,
        services: Services,
        actor: str | None,
        informativa: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ArchivoClienteDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        self._actor = actor
        servicio = services.informativa_presentacion

        layout = QVBoxLayout(self)
        intro = QLabel(MSG_INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.informativa = combo_de_informativas(
            parent,
            services,
            actor,
            informativa,
            lambda: servicio.presentadas(actor),
            lambda fila: f"{fila.periodo.texto} · {fila.tipo_texto} · folio {fila.folio_imss}",
            TITLE,
        )
        form.addRow("&Informativa:", self.informativa)
        self.contratante = QComboBox()
        self.contratante.setObjectName("contratanteCombo")
        form.addRow("&Contratante:", self.contratante)
        self.como_zip = QRadioButton("Un archivo .&zip")
        self.como_zip.setObjectName("zipRadio")
        self.como_carpeta = QRadioButton("&Archivos en una carpeta")
        self.como_carpeta.setObjectName("carpetaRadio")
        self.como_zip.setChecked(True)
        formato = QHBoxLayout()
        formato.addWidget(self.como_zip)
        formato.addWidget(self.como_carpeta)
        formato.addStretch(1)
        form.addRow("Guardar como:", formato)
        self.aviso = QLabel("")
        self.aviso.setWordWrap(True)
        layout.addWidget(self.aviso)
        layout.addStretch(1)

        botones = QHBoxLayout()
        botones.addStretch(1)
        self.exportar = QPushButton("&Exportar…")
        self.exportar.setObjectName("exportarButton")
        self.cerrar = QPushButton("Cerrar")
        self.cerrar.setObjectName("cerrarButton")
        botones.addWidget(self.exportar)
        botones.addWidget(self.cerrar)
        layout.addLayout(botones)

        self.exportar.clicked.connect(self._pedir_destino)
        self.cerrar.clicked.connect(self.reject)
        self.informativa.currentIndexChanged.connect(lambda _i: self._cargar_contratantes())
        self._cargar_contratantes()
        if self.informativa.count() == 0:
            self.aviso.setText(MSG_SIN_PRESENTADAS)
        self.exportar.setEnabled(self.contratante.count() > 0)
        mnemonics.assign(self)
        self.resize(620, 260)
        centrar(self, parent)

    @property
    def uuid(self) -> str | None:
        return self.informativa.currentData()

    def _cargar_contratantes(self) -> None:
        self.contratante.clear()
        if self.uuid is None:
            return
        try:
            contratantes = self._services.informativa_presentacion.contratantes(
                self.uuid, self._actor
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        for rfc, nombre in contratantes:
            self.contratante.addItem(f"{nombre} (RFC {rfc})", rfc)

    def _pedir_destino(self) -> None:
        rfc = self.contratante.currentData()
        if rfc is None:
            return
        if self.como_zip.isChecked():
            path, _ = guardar_archivo(
                self, TITLE, str(Path.home() / self.nombre_zip()), "Archivo ZIP (*.zip)"
            )
        else:
            path = elegir_carpeta(self, TITLE, str(Path.home()))
        if path:
            self.exportar_a(Path(path))

    def nombre_zip(self) -> str:
        fila = self._services.informativas.fila(self.uuid or "", self._actor)
        rfc = self.contratante.currentData() or ""
        from icsoe_desktop.services.informativa.exportar import seguro

        return f"ICSOE_{fila.periodo.clave}_{seguro(rfc)}.zip"

    def exportar_a(self, destino: Path) -> None:
        """What the file dialog does with the chosen place (tests call it directly)."""
        if self.como_zip.isChecked() and destino.suffix.lower() != ".zip":
            destino = destino.with_name(destino.name + ".zip")
        servicio, uuid, actor = self._services.informativa_presentacion, self.uuid, self._actor
        rfc = self.contratante.currentData()
        if uuid is None or rfc is None:
            return
        ejecutar(
            self,
            "Exportando para el cliente…",
            lambda: servicio.archivo(uuid, actor, rfc, destino),
            lambda escritos: self._escrito(destino, escritos),
            titulo=TITLE,
        )

    def _escrito(self, destino: Path, escritos: list[Path]) -> None:
        cuantos = len(escritos)
        if destino.suffix.lower() == ".zip":
            with zipfile.ZipFile(destino) as zf:
                cuantos = len(zf.namelist())
        texto = MSG_ESCRITO.format(
            verbo=verb(cuantos, "guardó", "guardaron"),
            cuantos=plural(cuantos, "archivo"),
            donde=destino,
        )
        carpeta = destino.parent if destino.suffix.lower() == ".zip" else destino
        msgbox.ofrecer_carpeta(self, texto, carpeta, TITLE)


__all__ = ["ArchivoClienteDialog"]
