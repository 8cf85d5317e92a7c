"""The company's catalogue of códigos postales: one version per company, which every desktop of
the company receives with its sync (``GET /v1/sepomex``) and which an administrator's load on a
desktop (``PUT /v1/sepomex``) or on this server (``sepomex cargar``) replaces.

A file, whoever sends it, is read and checked by the desktop's own reader
(services/catalogos/sepomex_archivo.py) into a catalogue built in a temporary folder, and the
zip kept is written from that catalogue (services/catalogos/sepomex_paquete.py): what a desktop
downloads is always what the server read. The zip is kept once per huella in ``catalogos_cp``
and sent in pieces of ``TROZO`` bytes, each read in its own short query (a slow desktop holds
no database connection). It is only ever sent to a token of the company that holds it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.services.catalogos import sepomex_paquete, sqlite_plano
from icsoe_desktop.services.catalogos.sepomex_paquete import Version
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import CatalogoCP, Empresa

log = logging.getLogger(__name__)

# What a desktop may send: the official catalogue travels in about 2 MB.
MAX_BYTES = 32 * 1024 * 1024
TROZO = 1024 * 1024
SERVIDOR = "servidor"  # who loaded a catalogue with the server's command line


@dataclass(frozen=True)
class Leido:
    """A file read into a catalogue: the zip to keep and what it holds."""

    zip: Path
    version: Version
    asentamientos: int
    codigos_postales: int
    entidades: frozenset[str]
    origen: str


@dataclass(frozen=True)
class Publicado:
    version: Version
    codigos_postales: int
    publicado: bool  # False: the company already held it, or a later load


def encabezado(caller: Caller) -> str:
    """The ``X-Icsoe-Sepomex`` of every answer to ``caller``."""
    if caller.sepomex_huella is None or caller.sepomex_fecha is None:
        return sepomex_paquete.NINGUNO
    return Version(caller.sepomex_huella, caller.sepomex_fecha).encabezado()


def leer(archivo: Path, carpeta: Path) -> Leido:
    """``archivo`` (the official file or a desktop's zip) read and checked as ``sepomex
    cargar`` reads it, into a catalogue in ``carpeta``; a ValidationError in Spanish."""
    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService

    catalogo = CodigosPostalesService(carpeta, incluidos=carpeta / "sin_incluido")
    catalogo.cargar(archivo, parcial=True)
    destino = carpeta / "catalogo.zip"
    local = catalogo.exportar(destino)
    assert local is not None  # loaded just above
    estado = catalogo.estado()
    con = sqlite_plano.conectar(f"{catalogo.path.as_uri()}?mode=ro", uri=True)
    try:
        entidades = frozenset(
            e for (e,) in con.execute("SELECT DISTINCT entidad FROM asentamientos")
        )
    finally:
        con.close()
    return Leido(
        destino,
        local.version,
        estado.asentamientos,
        estado.codigos_postales,
        entidades,
        estado.origen,
    )


def publicar(
    engine: Engine,
    empresa_ids: list[int],
    leido: Leido,
    fecha: datetime,
    de: str,
    forzar: bool,
    base: str | None = None,
) -> Publicado:
    """Make ``leido`` the catalogue of the companies, loaded at ``fecha``: always when
    ``forzar`` (the server's command line); else where they hold none, still hold ``base``
    (the one its desktop loaded it after), or an earlier load (two desktops sending theirs at
    once: the later load stays)."""
    version = Version(leido.version.huella, fecha.replace(microsecond=0, tzinfo=None))
    datos = leido.zip.read_bytes()
    with Session(engine) as session, session.begin():
        if session.get(CatalogoCP, version.huella) is None:
            session.add(
                CatalogoCP(
                    huella=version.huella,
                    datos=datos,
                    bytes=len(datos),
                    asentamientos=leido.asentamientos,
                    codigos_postales=leido.codigos_postales,
                    entidades="\n".join(sorted(leido.entidades)),
                    origen=leido.origen[:300],
                    created_at=utcnow(),
                )
            )
            session.flush()
        actuales = session.execute(
            select(Empresa.id, Empresa.sepomex_huella, Empresa.sepomex_fecha)
            .where(Empresa.id.in_(empresa_ids))
            .with_for_update()
        ).all()
        cambian = [
            empresa_id
            for empresa_id, huella, tenia in actuales
            if huella != version.huella
            and (
                forzar
                or huella is None
                or huella == base
                or tenia is None
                or version.mas_reciente_que(Version(huella, tenia))
            )
        ]
        if cambian:
            session.execute(
                update(Empresa)
                .where(Empresa.id.in_(cambian))
                .values(sepomex_huella=version.huella, sepomex_fecha=version.fecha, sepomex_de=de)
            )
        _olvidar_sin_empresa(session)
    if not cambian:
        return Publicado(version, leido.codigos_postales, False)
    log.info(
        "Catálogo de códigos postales %s (%d CP) publicado por %s para %d empresa(s)",
        version.huella[:12],
        leido.codigos_postales,
        de,
        len(cambian),
    )
    return Publicado(version, leido.codigos_postales, True)


def _olvidar_sin_empresa(session: Session) -> None:
    usadas = select(Empresa.sepomex_huella).where(Empresa.sepomex_huella.is_not(None))
    session.execute(delete(CatalogoCP).where(CatalogoCP.huella.not_in(usadas)))


def recibir_de_escritorio(
    engine: Engine, caller: Caller, archivo: Path, fecha: datetime, base: str | None
) -> Publicado:
    """A desktop's catalogue (``PUT /v1/sepomex``), loaded there at ``fecha``: that desktop's
    clock, never later than this server's (a clock ahead would make its load outlast later
    ones)."""
    fecha = min(fecha, utcnow())
    with tempfile.TemporaryDirectory(prefix="icsoe-sepomex-") as carpeta:
        leido = leer(archivo, Path(carpeta))
        return publicar(
            engine, [caller.empresa_id], leido, fecha, caller.nombre, forzar=False, base=base
        )


def trozos(engine: Engine, caller: Caller) -> tuple[Version, int, Iterator[bytes]] | None:
    """The company's zip, to be sent piece by piece (None: it holds no catalogue)."""
    with Session(engine) as session:
        fila = session.execute(
            select(Empresa.sepomex_huella, Empresa.sepomex_fecha, CatalogoCP.bytes)
            .join(CatalogoCP, CatalogoCP.huella == Empresa.sepomex_huella)
            .where(Empresa.id == caller.empresa_id)
        ).first()
    if fila is None or fila[1] is None:
        return None
    huella = str(fila[0])
    fecha: datetime = fila[1]
    tamano: int = fila[2]

    def piezas() -> Iterator[bytes]:
        for inicio in range(0, tamano, TROZO):
            with Session(engine) as session:
                pieza = session.scalar(
                    select(func.substr(CatalogoCP.datos, inicio + 1, TROZO)).where(
                        CatalogoCP.huella == huella
                    )
                )
            if not pieza:  # replaced meanwhile: the desktop's check refuses what it got
                return
            yield bytes(pieza)

    return Version(huella, fecha), tamano, piezas()


# --- the server's command line ----------------------------------------------------------------


@dataclass(frozen=True)
class EstadoEmpresa:
    rfc: str
    version: Version | None
    de: str
    codigos_postales: int
    asentamientos: int
    origen: str


def empresas(engine: Engine, rfcs: list[str] | None) -> list[tuple[int, str]]:
    """The companies named (all with None); a DomainError naming the ones that do not exist."""
    with Session(engine) as session:
        query = select(Empresa.id, Empresa.rfc).order_by(Empresa.rfc)
        if rfcs is not None:
            validos = [check_rfc(rfc) for rfc in rfcs]
            query = query.where(Empresa.rfc.in_(validos))
        filas = [(i, rfc) for i, rfc in session.execute(query).all()]
    if rfcs is not None:
        faltan = sorted(set(validos) - {rfc for _i, rfc in filas})
        if faltan:
            raise DomainError(
                "empresa_inexistente",
                f"No existe en el servidor la empresa {', '.join(faltan)}: crea primero un token "
                "para ella (token create --empresa RFC).",
            )
    return filas


def cargar(
    engine: Engine, archivo: Path, rfcs: list[str] | None, parcial: bool
) -> tuple[Publicado, list[str]]:
    """``sepomex cargar``: the official file for the companies named (or all), refused, unless
    ``parcial``, where it holds fewer entidades or clearly fewer colonias than theirs."""
    from icsoe_desktop.services.catalogos.codigos_postales import MERMA_MAXIMA

    destino = empresas(engine, rfcs)
    if not destino:
        raise DomainError(
            "sin_empresas",
            "El servidor no tiene empresas todavía: crea primero un token (token create).",
        )
    with tempfile.TemporaryDirectory(prefix="icsoe-sepomex-") as carpeta:
        leido = leer(archivo, Path(carpeta))
        if not parcial:
            for estado in estados(engine, [rfc for _i, rfc in destino]):
                if estado.version is None:
                    continue
                with Session(engine) as session:
                    entidades = session.scalar(
                        select(CatalogoCP.entidades).where(
                            CatalogoCP.huella == estado.version.huella
                        )
                    )
                sepomex_paquete.revisar_merma(
                    archivo.name,
                    estado.asentamientos,
                    set((entidades or "").splitlines()),
                    leido.asentamientos,
                    leido.entidades,
                    MERMA_MAXIMA,
                )
        publicado = publicar(
            engine, [i for i, _rfc in destino], leido, utcnow(), SERVIDOR, forzar=True
        )
    return publicado, [rfc for _i, rfc in destino]


def estados(engine: Engine, rfcs: list[str] | None) -> list[EstadoEmpresa]:
    with Session(engine) as session:
        query = (
            select(
                Empresa.rfc,
                Empresa.sepomex_huella,
                Empresa.sepomex_fecha,
                Empresa.sepomex_de,
                CatalogoCP.codigos_postales,
                CatalogoCP.asentamientos,
                CatalogoCP.origen,
            )
            .outerjoin(CatalogoCP, CatalogoCP.huella == Empresa.sepomex_huella)
            .order_by(Empresa.rfc)
        )
        if rfcs is not None:
            query = query.where(Empresa.rfc.in_(rfcs))
        filas = session.execute(query).all()
    return [
        EstadoEmpresa(
            rfc,
            Version(huella, fecha) if huella and fecha else None,
            de or "",
            cps or 0,
            asentamientos or 0,
            origen or "",
        )
        for rfc, huella, fecha, de, cps, asentamientos, origen in filas
    ]


__all__ = [
    "MAX_BYTES",
    "Publicado",
    "cargar",
    "encabezado",
    "estados",
    "publicar",
    "recibir_de_escritorio",
    "trozos",
]
