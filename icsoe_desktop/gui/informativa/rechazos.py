"""The informativa window's part for the IMSS portal's rejections: *Importar rechazos del
portal…* (the Excel of rejected workers the portal returned, through the import assistant; it
marks each worker with its reason, or lists every row that names none) and *Exportar
rechazados…* (the worker file of each contract with only the rejected workers, corrected)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.informativa.modelo import FIRMADAS
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.kit import msgbox
from icsoe_desktop.gui.kit.asistente_importacion import Cancelada, guia_de_importacion
from icsoe_desktop.gui.kit.elegir_archivo import abrir_archivo, elegir_carpeta
from icsoe_desktop.gui.kit.forms import child
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar, ejecutar_con_barra
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.widgets import TABLAS
from icsoe_desktop.services.informativa.rechazos import IMPORTACION, acepta_rechazos

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.rechazos import ResultadoRechazos

TITLE = "Rechazos del portal"
MSG_CANCELADA = "Se canceló la importación de «{archivo}»; no se marcó ningún trabajador."
IMPORT_FILTER = f"Rechazos del portal ({TABLAS} *.txt);;Todos los archivos (*)"
MSG_MARCADOS = (
    "Se {verbo} {cuantos} por el portal con su motivo. Para corregirlos, crea una "
    "complementaria de Corrección: lleva las marcas; corrige a cada uno con «Corregir…» y "
    "exporta sólo a ellos con «Exportar rechazados…»."
)
# Not signed yet: the portal's upload is corrected in the same informativa (a Corrección is a
# filing of its own, counted toward the period's limit).
MSG_MARCADOS_EN_CAPTURA = (
    "Se {verbo} {cuantos} por el portal con su motivo. Corrige a cada uno aquí mismo con "
    "«Corregir…» y vuelve a cargarlos en el portal, en la misma informativa: «Exportar "
    "rechazados…» guarda sólo a ellos."
)
MSG_PROBLEMAS = (
    "No se marcó ningún trabajador de «{archivo}»: {cuantos}. Revisa el archivo e impórtalo de "
    "nuevo."
)
MSG_EXPORTADOS = "Se {verbo} {cuantos} con los trabajadores rechazados en «{carpeta}»:\n{archivos}"


class RechazosPortal(QObject):
    """The two buttons of ``form`` for the informativa ``uuid``; ``marcados`` after a file
    marked workers (the window shows them)."""

    marcados = Signal()

    def __init__(
        self,
        services: Services,
        actor: str,
        uuid: str,
        form: QWidget,
        contrato_actual: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(form)
        self._services, self._actor, self._uuid = services, actor, uuid
        # The contract the clerk is on: the portal's upload, and its file, is one contract's.
        self._contrato_actual = contrato_actual
        self._firmada = False
        self.importar = child(form, QPushButton, "importarRechazosButton")
        self.exportar = child(form, QPushButton, "exportarRechazadosButton")
        self.importar.clicked.connect(self._pedir_archivo)
        self.exportar.clicked.connect(self._pedir_carpeta)

    def aplicar_estado(self, estado: str | None) -> bool:
        """The portal's file is taken in the estados it comes back in, by who may import it;
        *Exportar rechazados…* shows once there are rejected workers. True: there are."""
        try:
            hay = self._services.informativa_rechazos.cuantos(self._uuid, self._actor) > 0
        except DomainError:
            hay = False  # the window says what is wrong when it reads the informativa
        self.exportar.setVisible(hay)
        acepta = acepta_rechazos(estado)
        self._firmada = estado in FIRMADAS
        self.importar.setVisible(acepta)
        reflejar(
            self.importar,
            self._services.permisos,
            self._actor,
            Accion.RECHAZOS_PORTAL,
            ademas=acepta,
        )
        return hay

    # --- importing -----------------------------------------------------------------------------

    def _pedir_archivo(self) -> None:
        path, _ = abrir_archivo(
            self.importar.window(), "Importar rechazos del portal", str(Path.home()), IMPORT_FILTER
        )
        if path:
            self.importar_de(Path(path))

    def importar_de(self, path: Path, revisar: bool = False) -> None:
        """What the file dialog does with the chosen file (tests call it directly)."""
        parent = self.importar.window()
        try:
            guia = guia_de_importacion(
                parent, self._services, self._actor, IMPORTACION, path, revisar
            )
        except Cancelada:
            return
        svc, actor, uuid = self._services.informativa_rechazos, self._actor, self._uuid
        contrato = self._contrato_actual()
        ejecutar_con_barra(
            parent,
            f"Importando los rechazos de «{path.name}»…",
            lambda progreso, cancelado: svc.importar(
                uuid, actor, path, guia, contrato, progreso, cancelado
            ),
            lambda resultado: self._importado(path, resultado),
            al_cancelar=lambda: msgbox.information(
                parent, MSG_CANCELADA.format(archivo=path.name), TITLE
            ),
            titulo=TITLE,
        )

    def _importado(self, path: Path, resultado: ResultadoRechazos) -> None:
        parent = self.importar.window()
        if resultado.problemas:
            from icsoe_desktop.gui.informativa.problemas import ProblemasImportacionDialog

            mensaje = MSG_PROBLEMAS.format(
                archivo=path.name,
                cuantos=plural(
                    len(resultado.problemas), "fila tiene un problema", "filas tienen problemas"
                ),
            )
            mensaje = "\n".join([mensaje, *resultado.notas])
            ejecutar_modal(ProblemasImportacionDialog(mensaje, resultado.problemas, parent, "Fila"))
            return
        self.marcados.emit()
        cuantos = len(resultado.marcas)
        texto = (MSG_MARCADOS if self._firmada else MSG_MARCADOS_EN_CAPTURA).format(
            verbo=verb(cuantos, "marcó", "marcaron"),
            cuantos=plural(cuantos, "trabajador rechazado", "trabajadores rechazados"),
        )
        msgbox.information(parent, "\n".join([texto, *resultado.notas]), TITLE)

    # --- exporting -----------------------------------------------------------------------------

    def _pedir_carpeta(self) -> None:
        """First whether every rejected worker is corrected (the refusal names the contracts
        still to correct), then the folder: no folder is chosen for nothing."""
        svc, actor, uuid = self._services.informativa_rechazos, self._actor, self._uuid
        ejecutar(
            self.exportar.window(),
            "Revisando los trabajadores rechazados…",
            lambda: svc.revisar_exportacion(uuid, actor),
            lambda _nada: self._elegir_carpeta(),
            titulo=TITLE,
        )

    def _elegir_carpeta(self) -> None:
        carpeta = elegir_carpeta(
            self.exportar.window(), "Exportar rechazados a la carpeta", str(Path.home())
        )
        if carpeta:
            self.exportar_a(Path(carpeta))

    def exportar_a(self, carpeta: Path) -> None:
        """What the folder dialog does with the chosen folder (tests call it directly)."""
        svc, actor, uuid = self._services.informativa_rechazos, self._actor, self._uuid
        ejecutar(
            self.exportar.window(),
            "Exportando los trabajadores rechazados…",
            lambda: svc.exportar(uuid, actor, carpeta),
            lambda archivos: self._exportados(carpeta, archivos),
            titulo=TITLE,
        )

    def _exportados(self, carpeta: Path, archivos: list[Path]) -> None:
        texto = MSG_EXPORTADOS.format(
            verbo=verb(len(archivos), "guardó", "guardaron"),
            cuantos=plural(len(archivos), "archivo"),
            carpeta=carpeta,
            archivos="\n".join(p.name for p in archivos),
        )
        msgbox.ofrecer_carpeta(self.exportar.window(), texto, carpeta, TITLE)
