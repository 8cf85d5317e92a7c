"""The SISUB window's Preparar, Revisar and Exportar as the worker's jobs (services/aparte/),
each registered by name as this module loads (services/trabajos_aparte.py loads it in the
worker; aparte.py asks for them). Each does the same service call the window would have
made, on services built as the app builds them for this empresa (the role matrix checks the
same actor), and writes its result (or its refusal's Spanish message) on its standard
output, never in a file.

Its order (the actor, the catalog and the empresa's folder, the audit key) comes on its
standard input after the store's key. Its input closed before it ended (the window closed,
Cancelar, the app quits or dies) ends it at once: its unit of work was not committed, so
nothing of it stays; an export's files being put in place are let finish first."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.aparte import llave, registro, salida
from icsoe_desktop.services.aparte.registro import Encargo
from icsoe_desktop.services.aparte.vigia import Vigia

if TYPE_CHECKING:
    from icsoe_desktop.domain.clock import Clock
    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.services.sisub.exportar import SisubArchivosService
    from icsoe_desktop.services.sisub.reporte import SisubService
    from icsoe_desktop.store.db import Store

# The jobs' names, and the exit code of a refusal said in Spanish (its message written as its
# result) beside the worker's HECHO (done) and PARADA (stopped).
PREPARAR, REVISAR, EXPORTAR = "sisub-preparar", "sisub-revisar", "sisub-exportar"
RECHAZADA = 6
Datos = dict[str, Any]
Avance = Callable[[int, int], None]


@dataclass(frozen=True)
class _Servicios:
    """The services a job calls, built for the empresa its order names."""

    store: Store
    audit: AuditService
    permisos: Permisos
    clock: Clock
    sisub: SisubService
    empresa: str

    def archivos(self) -> SisubArchivosService:
        from icsoe_desktop.domain.practica import capacitacion_activa
        from icsoe_desktop.services.sisub.exportar import SisubArchivosService

        return SisubArchivosService(
            self.store,
            self.audit,
            self.permisos,
            self.clock,
            sisub=self.sisub,
            capacitacion=lambda rfc: capacitacion_activa(rfc, self.empresa),
        )


def _trabajo(hacer: Callable[[_Servicios, Datos, Avance], Datos]) -> registro.Trabajo:
    """``hacer`` as a job: its order read, a stop watched for, its result (or its refusal)
    written on its output."""

    def trabajo(encargo: Encargo) -> int:
        orden = json.loads(llave.leer_orden(encargo.entrada))
        with Vigia(encargo.entrada, gracia=0, al_rendirse=_en_su_lugar):
            try:
                with _servicios(encargo.store, orden) as servicios:
                    avance = partial(salida.avance, encargo.salida)
                    hecho = hacer(servicios, orden["datos"], avance)
            except DomainError as exc:
                salida.escribir(encargo.salida, _error(exc))
                return RECHAZADA
            salida.escribir(encargo.salida, hecho)
            return registro.HECHO

    return trabajo


def _en_su_lugar() -> None:
    """An export's files being put in place: stopped once they are (for good)."""
    from icsoe_desktop.services.sisub.exportar import EN_SU_LUGAR

    EN_SU_LUGAR.acquire()


def _error(exc: DomainError) -> Datos:
    return {
        "clase": type(exc).__name__,
        "codigo": exc.code,
        "mensaje": exc.message,
        "campo": exc.field,
    }


@contextmanager
def _servicios(store_path: Path, orden: Datos) -> Iterator[_Servicios]:
    """The services the window's call would have run on (the same actor's roles, the same
    audit log, the app's clock)."""
    from icsoe_desktop.domain.clock import utcnow
    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.services.sisub.reporte import SisubService
    from icsoe_desktop.store import plain
    from icsoe_desktop.store.db import Store

    llave_bitacora = bytes.fromhex(orden["bitacora"]) or None
    plain.usar_llave_bitacora(lambda: llave_bitacora)
    desfase = timedelta(seconds=orden["desfase"])

    def clock() -> datetime:
        return utcnow() + desfase

    catalogo = Store(Path(orden["catalogo"]), synced=False)
    store = Store(store_path, solo_lectura=orden["solo_lectura"])
    try:
        store.clock = clock
        instalacion = AuditService(catalogo, clock)
        audit = AuditService(store, clock, instalacion)
        permisos = Permisos(catalogo, instalacion)
        sisub = SisubService(store, audit, permisos, clock)
        yield _Servicios(store, audit, permisos, clock, sisub, str(orden["empresa"]))
    finally:
        store.close()
        catalogo.close()


def _preparar(servicios: _Servicios, datos: Datos, avance: Avance) -> Datos:
    preparado = servicios.sisub.preparar(
        datos["rfc"],
        datos["actor"],
        datos["periodo"],
        bool(datos.get("complementario")),
        str(datos.get("motivo") or ""),
        avance=avance,
    )
    return asdict(preparado)


def _revisar(servicios: _Servicios, datos: Datos, _avance: Avance) -> Datos:
    problemas = servicios.sisub.revisar(datos["uuid"], datos["actor"])
    return {"problemas": [asdict(p) for p in problemas]}


def _exportar(servicios: _Servicios, datos: Datos, avance: Avance) -> Datos:
    exportado = servicios.archivos().exportar(
        datos["uuid"],
        datos["actor"],
        Path(datos["destino"]),
        datos["como_zip"],
        avance,
        Path(datos["parcial"]) if datos.get("parcial") else None,
    )
    return {
        "ruta": str(exportado.ruta),
        "archivos": list(exportado.archivos),
        "avisos": list(exportado.avisos),
    }


registro.registrar(PREPARAR, _trabajo(_preparar))
registro.registrar(REVISAR, _trabajo(_revisar))
registro.registrar(EXPORTAR, _trabajo(_exportar))
