"""The SISUB window's Preparar, Revisar and Exportar run by a process of its own, as the find
box's copy is (services/movimientos/copia_aparte.py: the same executable, the store's key on
its standard input, stopped when that input closes). Run by a thread of the window's process,
their Python (tens of thousands of rows) held the interpreter the window's thread waits for:
on a busy machine the window froze 50-300 ms at a time. The process does the same service
call, with the same actor and the same role matrix, and hands back its result (or its
refusal's Spanish message) on its standard output, never in a file; what it wrote is
announced here.

Its order (the action, the actor, the catalog and the empresa's folder, the audit key) comes on
its standard input after the store's key: never on its command line, which other programs of
the machine can read. A stop (the window closed, Cancelar, the app quits) ends it at once: its
unit of work was not committed, so nothing of it stays; the export's folder or ZIP is put in
place whole or not at all (what it had written apart is removed here)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from icsoe_desktop import temporales
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError, OperacionCancelada, ValidationError
from icsoe_desktop.domain.informativa.modelo import Problema
from icsoe_desktop.services.movimientos import copia_aparte
from icsoe_desktop.services.sisub.exportar import (
    EN_SU_LUGAR,
    Exportado,
    carpeta_parcial,
    quitar_parcial,
)
from icsoe_desktop.services.sisub.reporte import Preparado
from icsoe_desktop.store.db import Store

# The process's exit codes beside copia_aparte's GUARDADA (done) and PARADA (stopped): a
# refusal said in Spanish (its message written as its result).
RECHAZADA = 6
MSG_FALLO = (
    "No se pudo {accion} el SISUB: el proceso que lo hacía terminó con un error ({codigo}). "
    "No se cambió nada; el detalle quedó en el registro de la aplicación."
)
Seguir = Callable[[], bool]
# How a line of the process's output that tells its progress starts (then «hechos/total»).
AVANCE = b"avance "


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
        hecho = self._correr("preparar", orden, seguir, avance)
        self._store.cambios.anunciar({ICSOE})  # written by the other process: said here
        return Preparado(**hecho)

    def revisar(self, uuid: str, actor: str | None, seguir: Seguir) -> list[Problema]:
        hecho = self._correr("revisar", {"uuid": uuid, "actor": actor}, seguir)
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
                hecho = self._correr("exportar", orden, seguir, avance)
            finally:
                quitar_parcial(parcial)
        return Exportado(Path(hecho["ruta"]), tuple(hecho["archivos"]), tuple(hecho["avisos"]))

    def _correr(
        self,
        accion: str,
        datos: dict[str, Any],
        seguir: Seguir,
        avance: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        from icsoe_desktop.store import plain

        orden = {
            "accion": accion,
            "datos": datos,
            "catalogo": str(self._empresa.catalogo),
            "empresa": self._empresa.rfc,
            "solo_lectura": self._store.solo_lectura,
            "desfase": (self._clock() - utcnow()).total_seconds(),
            "bitacora": (plain.llave_bitacora() or b"").hex(),
        }
        obra = copia_aparte.Obra(
            self._store.path,
            None,
            copia_aparte.SISUB,
            entrada=_con_largo(json.dumps(orden).encode()),
            que=f"el SISUB ({accion})",
            cede=True,
            al_leer=None if avance is None else partial(_avance, avance),
        )
        codigo = obra.esperar(seguir)
        if codigo == copia_aparte.PARADA:
            raise OperacionCancelada
        leido = _resultado(obra.salida)
        if codigo == copia_aparte.GUARDADA and leido is not None:
            return leido
        if codigo == RECHAZADA and leido is not None:
            raise _rechazo(leido)
        raise ValidationError("sisub_aparte_fallo", MSG_FALLO.format(accion=accion, codigo=codigo))


def _avance(avance: Callable[[int, int], None], linea: bytes) -> None:
    """A line of the process's output that tells its progress, told to ``avance``."""
    if linea.startswith(AVANCE):
        hechos, _, total = linea[len(AVANCE) :].strip().partition(b"/")
        with suppress(ValueError):
            avance(int(hechos), int(total))


def _resultado(salida: bytes) -> dict[str, Any] | None:
    """The result the process wrote last on its output (None: it wrote none whole)."""
    lineas = [
        linea for linea in salida.splitlines() if linea.strip() and not linea.startswith(AVANCE)
    ]
    try:
        leido = json.loads(lineas[-1]) if lineas else None
    except ValueError:
        return None
    return leido if isinstance(leido, dict) else None


def _con_largo(datos: bytes) -> bytes:
    return len(datos).to_bytes(4, "big") + datos


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


# --- the process's side ----------------------------------------------------------------------------


def proceso(argv: list[str], entrada: int, salida: int = 1) -> int:
    """The process's start (copia_aparte's trabajo_aparte.proceso read the store's key): its
    order read, a stop watched for, the action done, its result written on ``salida``."""
    orden = json.loads(_leer(entrada, int.from_bytes(_leer(entrada, 4), "big")))
    terminado = threading.Event()
    threading.Thread(
        target=_vigilar, args=(entrada, terminado), name="vigilar", daemon=True
    ).start()
    try:
        hecho = _hacer(Path(argv[0]), orden, salida)
    except DomainError as exc:
        _escribir(salida, _error(exc))
        return RECHAZADA
    else:
        _escribir(salida, hecho)
        return copia_aparte.GUARDADA
    finally:
        terminado.set()


def _leer(entrada: int, largo: int) -> bytes:
    leido = b""
    while len(leido) < largo:
        parte = os.read(entrada, largo - len(leido))
        if not parte:
            raise SystemExit(copia_aparte.PARADA)  # the app stopped it before it began
        leido += parte
    return leido


def _vigilar(entrada: int, terminado: threading.Event) -> None:
    """Its standard input closed (by the app, or by the system when the app dies) before the
    action ended: the process ends now; SQLite drops the unit of work it had not committed."""
    with suppress(OSError):
        while os.read(entrada, 64):
            pass
    if not terminado.is_set():
        EN_SU_LUGAR.acquire()  # an export's files being put in place: once they are (for good)
        os._exit(copia_aparte.PARADA)


def _error(exc: DomainError) -> dict[str, Any]:
    return {
        "clase": type(exc).__name__,
        "codigo": exc.code,
        "mensaje": exc.message,
        "campo": exc.field,
    }


def _escribir(salida: int, datos: dict[str, Any]) -> None:
    _escribir_linea(salida, json.dumps(datos, default=str).encode())


def _escribir_linea(salida: int, linea: bytes) -> None:
    linea = b"\n" + linea + b"\n"
    while linea:
        linea = linea[os.write(salida, linea) :]


def _hacer(store_path: Path, orden: dict[str, Any], salida: int) -> dict[str, Any]:
    """The service call the window would have made, on services built as the app builds them
    for this empresa (the role matrix checks the same actor)."""
    from icsoe_desktop.domain.practica import capacitacion_activa
    from icsoe_desktop.services.acceso.permisos import Permisos
    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.services.sisub.exportar import SisubArchivosService
    from icsoe_desktop.services.sisub.reporte import SisubService
    from icsoe_desktop.store import plain

    llave = bytes.fromhex(orden["bitacora"]) or None
    plain.usar_llave_bitacora(lambda: llave)
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
        datos = orden["datos"]

        def avance(hechos: int, total: int) -> None:
            _escribir_linea(salida, AVANCE + f"{hechos}/{total}".encode())

        if orden["accion"] == "preparar":
            preparado = sisub.preparar(
                datos["rfc"],
                datos["actor"],
                datos["periodo"],
                bool(datos.get("complementario")),
                str(datos.get("motivo") or ""),
                avance=avance,
            )
            return asdict(preparado)
        if orden["accion"] == "revisar":
            return {"problemas": [asdict(p) for p in sisub.revisar(datos["uuid"], datos["actor"])]}
        empresa = str(orden["empresa"])
        archivos = SisubArchivosService(
            store,
            audit,
            permisos,
            clock,
            sisub=sisub,
            capacitacion=lambda rfc: capacitacion_activa(rfc, empresa),
        )
        exportado = archivos.exportar(
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
    finally:
        store.close()
        catalogo.close()
