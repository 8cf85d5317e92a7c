"""After signing, the filing: *Registrar presentación…* keeps the IMSS acuse de presentación
(the PDF downloaded from the portal, its SHA-256, the folio, the date and time of filing and
each contract's IMSS folio) in the informativa's row, which then is «Presentada»; the row
travels with the store (backup, sync) like the constancia de firma.

*Exportar para el cliente…* hands a contratante what it asks for every cuatrimestre: the IMSS
acuse, the constancia de firma and an Excel of its contracts and workers (services/informativa/
archivo_cliente.py)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO, hora_del_centro
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import (
    FIRMADA,
    PRESENTADA,
    TIPOS,
    Informativa,
    Periodo,
)
from icsoe_desktop.domain.informativa.presentacion import (
    Presentacion,
    Propuesta,
    proponer,
    validar,
)
from icsoe_desktop.domain.roles import Accion, Rol
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.store.models import Contratista, InformativaRow

log = logging.getLogger(__name__)

# The acuse the portal gives is a page or two; a bigger file is not one (and the row travels
# whole in one sync request, whose body the server caps).
MAX_ACUSE_BYTES = 2 * 1024 * 1024
MSG_VACIO = "El archivo «{nombre}» está vacío: descarga de nuevo el acuse del portal del IMSS."
MSG_NO_PDF = (
    "El archivo «{nombre}» no es un PDF: elige el acuse de presentación que descargaste del "
    "portal del IMSS."
)
MSG_GRANDE = "El archivo «{nombre}» pesa más de 2 MB: no es un acuse de presentación del IMSS."
MSG_CIFRADO = (
    "El PDF «{nombre}» está protegido con contraseña: descarga el acuse del portal del IMSS "
    "sin protegerlo."
)
MSG_DANADO = "El PDF «{nombre}» está dañado o incompleto: descárgalo de nuevo del portal del IMSS."
MSG_SIN_FIRMAR = (
    "La informativa aún no está firmada: fírmala (apruébala) y preséntala en el portal del "
    "IMSS antes de registrar su acuse de presentación."
)
MSG_YA_PRESENTADA = "La informativa ya está presentada con el folio {folio}."


@dataclass(frozen=True)
class ContratoPresentado:
    """A contract of the informativa as the registro lists it."""

    uuid: str
    contratante_rfc: str
    contratante_nombre: str
    folio_imss: str = ""


@dataclass(frozen=True)
class Registro:
    """A presentación registered: the folio, the date (Central Mexico time), the acuse's hash."""

    folio: str
    presentada: datetime
    sha256: str
    contratos: tuple[ContratoPresentado, ...]


@dataclass(frozen=True)
class Elegible:
    """An informativa the ICSOE menu's windows offer: signed and not filed, or filed."""

    uuid: str
    contratista_rfc: str
    contratista_nombre: str
    periodo: Periodo
    tipo: str
    folio: str = ""

    @property
    def texto(self) -> str:
        folio = f" · folio {self.folio}" if self.folio else ""
        return (
            f"{self.contratista_nombre} (RFC {self.contratista_rfc}) · {self.periodo.texto} · "
            f"{TIPOS[self.tipo]}{folio}"
        )


def texto_del_acuse(datos: bytes, nombre: str) -> str:
    """The acuse's text (pypdf), or a Spanish message for a file that is not a readable,
    unprotected PDF. An image-only PDF gives no text: everything is typed then."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not datos:
        raise ValidationError("acuse_vacio", MSG_VACIO.format(nombre=nombre), "acuse")
    if len(datos) > MAX_ACUSE_BYTES:
        raise ValidationError("acuse_grande", MSG_GRANDE.format(nombre=nombre), "acuse")
    if not datos.lstrip()[:5] == b"%PDF-":
        raise ValidationError("acuse_no_pdf", MSG_NO_PDF.format(nombre=nombre), "acuse")
    try:
        reader = PdfReader(io.BytesIO(datos))
        if reader.is_encrypted:
            raise ValidationError("acuse_cifrado", MSG_CIFRADO.format(nombre=nombre), "acuse")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        # pypdf raises these, and more than its own, on a damaged file.
        log.warning("Acuse ilegible %s: %r", nombre, exc)
        raise ValidationError("acuse_danado", MSG_DANADO.format(nombre=nombre), "acuse") from exc


class PresentacionService(InformativaBase):
    # --- what the window shows -----------------------------------------------------------------

    def por_presentar(self, actor: str | None) -> list[Elegible]:
        """The signed informativas not filed yet that ``actor`` may register (a contratista:
        its own)."""
        return self._elegibles(actor, FIRMADA, Accion.REGISTRAR_PRESENTACION)

    def presentadas(self, actor: str | None) -> list[Elegible]:
        """The filed informativas ``actor`` may export for a client."""
        return self._elegibles(actor, PRESENTADA, Accion.ARCHIVO_CLIENTE)

    def _elegibles(self, actor: str | None, estado: str, accion: Accion) -> list[Elegible]:
        self._permisos.exigir(actor, accion)
        with self._store.session() as session:
            filas = session.execute(
                select(InformativaRow, Contratista)
                .join(Contratista, Contratista.id == InformativaRow.contratista_id)
                .where(
                    InformativaRow.estado == estado,
                    InformativaRow.deleted.is_(False),
                    Contratista.deleted.is_(False),
                )
                .order_by(InformativaRow.periodo.desc(), Contratista.nombre, InformativaRow.id)
            ).all()
            return [
                Elegible(
                    row.uuid,
                    c.rfc,
                    c.nombre,
                    Periodo.de_clave(row.periodo),
                    row.tipo,
                    row.folio_imss,
                )
                for row, c in filas
                if not self._es_contratista(actor) or c.rfc == actor
            ]

    def _es_contratista(self, actor: str | None) -> bool:
        return self._permisos.rol(actor) is Rol.CONTRATISTA

    def contratos(self, informativa: str, actor: str | None) -> list[ContratoPresentado]:
        """The informativa's contracts as signed, with their IMSS folio once registered."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            inf = self._cabecera(session, row, contratista)
            folios = _folios(row.folios_imss)
        return _contratos(inf, folios)

    def proponer(self, informativa: str, actor: str | None, pdf: bytes, nombre: str) -> Propuesta:
        """What the acuse's text says, for the clerk to confirm (nothing is kept)."""
        texto = texto_del_acuse(pdf, nombre)
        contratos = self.contratos(informativa, actor)
        return proponer(texto, [(c.uuid, c.contratante_rfc) for c in contratos])

    # --- Registrar presentación ----------------------------------------------------------------

    @anuncia(ICSOE)  # the board and the lists: the period is filed
    def registrar(
        self,
        informativa: str,
        actor: str | None,
        pdf: bytes,
        nombre: str,
        folio: str,
        presentada: datetime,
        folios_contratos: dict[str, str],
    ) -> Presentacion:
        """Keep the acuse with what the clerk confirmed; the informativa becomes «Presentada».
        ``presentada``: aware, or naive read as Central Mexico time."""
        self._permisos.exigir(actor, Accion.REGISTRAR_PRESENTACION, informativa)
        texto_del_acuse(pdf, nombre)  # the same checks as when it was chosen
        if presentada.tzinfo is None:
            presentada = presentada.replace(tzinfo=HORA_DEL_CENTRO)
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            if row.estado == PRESENTADA:
                raise ValidationError(
                    "informativa_presentada", MSG_YA_PRESENTADA.format(folio=row.folio_imss)
                )
            if row.estado != FIRMADA:
                raise ValidationError("informativa_sin_firmar", MSG_SIN_FIRMAR)
            inf = self._cabecera(session, row, contratista)
            nombres = {c.uuid: c.contratante.nombre for c in inf.contratos}
            hecha = validar(
                folio,
                row.tipo,
                presentada,
                inf.periodo,
                self._clock().replace(tzinfo=UTC),
                {u: f for u, f in folios_contratos.items() if u in nombres},
                nombres,
            )
            row.estado = PRESENTADA
            row.folio_imss = hecha.folio
            row.presentada_at = hecha.presentada.astimezone(UTC).replace(tzinfo=None)
            row.folios_imss = json.dumps(hecha.folios_contratos, sort_keys=True)
            row.acuse_imss_pdf = pdf
            row.acuse_imss_sha256 = hashlib.sha256(pdf).hexdigest()
            self._audit.record(
                session,
                actor,
                "icsoe_informativa_presentada",
                contratista.rfc,
                f"{row.periodo} {hecha.folio}",
            )
            return hecha

    def registro(self, informativa: str, actor: str | None) -> Registro | None:
        """The presentación registered, or None while the informativa is not filed."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.REGISTRAR_PRESENTACION
            )
            if row.estado != PRESENTADA or row.presentada_at is None:
                return None
            inf = self._cabecera(session, row, contratista)
            return Registro(
                row.folio_imss,
                hora_del_centro(row.presentada_at),
                row.acuse_imss_sha256,
                tuple(_contratos(inf, _folios(row.folios_imss))),
            )

    def acuse_imss(self, informativa: str, actor: str | None) -> bytes:
        with self._store.session() as session:
            row, _ = self._informativa(session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE)
            if row.estado != PRESENTADA or not row.acuse_imss_pdf:
                raise ValidationError(
                    "sin_acuse_imss",
                    "La informativa aún no está presentada: no tiene acuse de presentación.",
                )
            return row.acuse_imss_pdf

    # --- Exportar para el cliente --------------------------------------------------------------

    def contratantes(self, informativa: str, actor: str | None) -> list[tuple[str, str]]:
        """(RFC, nombre) of the contratantes of the informativa's contracts, as signed."""
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE
            )
            inf = self._cabecera(session, row, contratista)
        return list(dict.fromkeys((c.contratante.rfc, c.contratante.nombre) for c in inf.contratos))

    def archivo(
        self, informativa: str, actor: str | None, contratante: str, salida: Path
    ) -> list[Path]:
        """For the contratante ``contratante`` (RFC): the IMSS acuse, the constancia de firma
        and the Excel of its contracts and workers, into the folder or .zip ``salida``."""
        from icsoe_desktop.services.informativa.archivo_cliente import Archivo, escribir

        self._permisos.exigir(actor, Accion.ARCHIVO_CLIENTE, informativa)
        contratante = contratante.strip().upper()
        with self._store.session() as session:
            row, contratista = self._informativa(
                session, informativa, actor, accion=Accion.ARCHIVO_CLIENTE
            )
            if row.estado != PRESENTADA or row.presentada_at is None:
                raise ValidationError(
                    "informativa_sin_presentar",
                    f"La informativa del periodo {Periodo.de_clave(row.periodo).texto} aún no "
                    "está presentada: registra su acuse de presentación del IMSS antes de "
                    "exportarla para el cliente.",
                )
            inf = self._snapshot(session, row, contratista)
            archivo = Archivo(
                inf,
                contratante,
                row.folio_imss,
                _folios(row.folios_imss),
                row.acuse_imss_pdf or b"",
                row.acuse_pdf,
                hora_del_centro(row.presentada_at),
            )
            if not archivo.contratos:
                raise ValidationError(
                    "sin_contratos_del_contratante",
                    f"La informativa del periodo {inf.periodo.texto} no tiene contratos con el "
                    f"contratante {contratante}.",
                    "contratante",
                )
            self._audit.record(
                session, actor, "icsoe_archivo_cliente", contratista.rfc,
                f"{row.periodo} {contratante}",
            )  # fmt: skip
        return escribir(archivo, Path(salida))


def _folios(texto: str) -> dict[str, str]:
    try:
        leidos = json.loads(texto) if texto else {}
    except ValueError:
        return {}  # a row damaged outside the app: the folios are simply not shown
    return {str(k): str(v) for k, v in leidos.items()} if isinstance(leidos, dict) else {}


def _contratos(inf: Informativa, folios: dict[str, str]) -> list[ContratoPresentado]:
    return [
        ContratoPresentado(c.uuid, c.contratante.rfc, c.contratante.nombre, folios.get(c.uuid, ""))
        for c in inf.contratos
    ]


__all__ = [
    "ContratoPresentado",
    "Elegible",
    "PresentacionService",
    "Registro",
    "texto_del_acuse",
]
