"""The SISUB window's Preparar, Revisar and Exportar run by the worker (services/aparte/), each
a job of trabajo_aparte.py: the same executable, the store's key on its standard input,
stopped when that input closes. Run by a thread of the window's process, their Python (tens of
thousands of rows) held the interpreter the window's thread waits for: on a busy machine the
window froze 50-300 ms at a time. The process does the same service call, with the same actor
and the same role matrix, and hands back its result (or its refusal's Spanish message) on its
standard output; what it wrote is announced here.

Its order comes on its standard input after the store's key: never on its command line, which
other programs of the machine can read. A stop (the window closed, Cancelar, the app quits)
ends it at once: its unit of work was not committed, so nothing of it stays; the export's
folder or ZIP is put in place whole or not at all (what it had written apart is removed
here)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icsoe_desktop import temporales
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError, OperacionCancelada, ValidationError
from icsoe_desktop.domain.informativa.modelo import Problema
from icsoe_desktop.services.aparte import llave, registro
from icsoe_desktop.services.aparte.obra import Obra
from icsoe_desktop.services.sisub.exportar import Exportado, carpeta_parcial, quitar_parcial
from icsoe_desktop.services.sisub.reporte import Preparado
from icsoe_desktop.services.sisub.trabajo_aparte import EXPORTAR, PREPARAR, RECHAZADA, REVISAR
from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

MSG_FALLO = (
    "No se pudo {accion} el SISUB: el proceso que lo hacía terminó con un error ({codigo}). "
    "No se cambió nada; el detalle quedó en el registro de la aplicación."
)
MSG_NO_EMPEZO = (
    "No se pudo {accion} el SISUB: el sistema no dejó empezar el proceso que lo hace. "
    "No se cambió nada; inténtalo de nuevo en un momento (el detalle quedó en el registro de "
    "la aplicación)."
)
Seguir = Callable[[], bool]


@dataclass(frozen=True)
class Empresa:
    """What the process needs of the open empresa besides its store: the catalog (the role
    matrix and its refusals' audit) and its RFC (the practice empresa's exports are named
    so)."""

    catalogo: Path
    rfc: str


class SisubAparte:
    """The three long actions of the SISUB window, each in a process of its own. ``seguir()``
    is asked every 0.1 s: once it says no, the process is stopped (OperacionCancelada)."""

    def __init__(self, store: Store, empresa: Empresa, clock: Clock = utcnow) -> None:
        self._store, self._empresa, self._clock = store, empresa, clock

    @anuncia(ICSOE)
    def preparar(
        self,
        rfc: str,
        actor: str | None,
        periodo: str,
        seguir: Seguir,
        avance: Callable[[int, int], None] | None = None,
        complementario: bool = False,
        motivo: str = "",
    ) -> Preparado:
        """``avance(hechos, total)``: its steps as the process tells them (avance.PASOS);
        ``complementario`` and ``motivo`` as ``SisubService.preparar`` takes them."""
        orden = {
            "rfc": rfc,
            "actor": actor,
            "periodo": periodo,
            "complementario": complementario,
            "motivo": motivo,
        }
        hecho = self._correr(PREPARAR, "preparar", orden, seguir, avance)
        self._store.cambios.anunciar({ICSOE})  # written by the other process: said here
        return Preparado(**hecho)

    def revisar(self, uuid: str, actor: str | None, seguir: Seguir) -> list[Problema]:
        hecho = self._correr(REVISAR, "revisar", {"uuid": uuid, "actor": actor}, seguir)
        return [Problema(**p) for p in hecho["problemas"]]

    def exportar(
        self,
        uuid: str,
        actor: str | None,
        destino: Path,
        como_zip: bool,
        seguir: Seguir,
        avance: Callable[[int, int], None] | None = None,
    ) -> Exportado:
        """The files are written in a folder of their own inside ``destino`` and put in place
        at the end (exportar.py): a process stopped or dead before leaves that folder, removed
        here once it ended."""
        parcial = carpeta_parcial(destino)
        orden = {
            "uuid": uuid,
            "actor": actor,
            "destino": str(destino),
            "como_zip": como_zip,
            "parcial": str(parcial),
        }
        # Noted in this run's folder: the app killed meanwhile, the next start removes it.
        with temporales.parcial(parcial):
            try:
                hecho = self._correr(EXPORTAR, "exportar", orden, seguir, avance)
            finally:
                quitar_parcial(parcial)
        return Exportado(Path(hecho["ruta"]), tuple(hecho["archivos"]), tuple(hecho["avisos"]))

    def _correr(
        self,
        trabajo: str,
        accion: str,
        datos: dict[str, Any],
        seguir: Seguir,
        avance: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """The job ``trabajo`` (``accion``: the verb its failure is told with) done apart."""
        from icsoe_desktop.store import plain

        orden = {
            "datos": datos,
            "catalogo": str(self._empresa.catalogo),
            "empresa": self._empresa.rfc,
            "solo_lectura": self._store.solo_lectura,
            "desfase": (self._clock() - utcnow()).total_seconds(),
            "bitacora": (plain.llave_bitacora() or b"").hex(),
        }
        try:
            obra = Obra(
                self._store.path,
                None,
                trabajo,
                que=f"el SISUB ({accion})",
                orden=llave.con_largo(json.dumps(orden).encode()),
                cede=True,
                avance=avance,
                respuestas=(RECHAZADA,),
            )
        except OSError:  # refused after the worker's own pauses (obra.REINTENTOS_S)
            log.warning("No se empezó el proceso del SISUB (%s)", accion, exc_info=True)
            raise ValidationError(
                "sisub_aparte_no_empezo", MSG_NO_EMPEZO.format(accion=accion)
            ) from None
        codigo = obra.esperar(seguir)
        if codigo == registro.PARADA:
            raise OperacionCancelada
        leido = obra.resultado()
        if codigo == registro.HECHO and leido is not None:
            return leido
        if codigo == RECHAZADA and leido is not None:
            raise _rechazo(leido)
        raise ValidationError("sisub_aparte_fallo", MSG_FALLO.format(accion=accion, codigo=codigo))


def _rechazo(leido: dict[str, Any]) -> DomainError:
    """The refusal the process met, as the same kind of error (a session ended is told as the
    app tells it, by the refusal's code)."""
    from icsoe_desktop.services.acceso.permisos import PermisoDenegado
    from icsoe_desktop.store.db import StoreError

    clases: dict[str, type[DomainError]] = {
        "PermisoDenegado": PermisoDenegado,
        "StoreError": StoreError,
        "ValidationError": ValidationError,
    }
    clase = clases.get(str(leido.get("clase")), DomainError)
    return clase(str(leido["codigo"]), str(leido["mensaje"]), leido.get("campo"))
