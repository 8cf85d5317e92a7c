"""ICSOE contratista: entry with the e.firma (guía Ingreso del contratista, pasos 3-6), términos y
condiciones, datos generales and the STPS acuse (pasos 7-15)."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.contacto import (
    ENTIDADES_FEDERATIVAS,
    check_codigo_postal,
    check_telefono,
    required_text,
)
from icsoe_desktop.domain.emails import CORREO_OBLIGATORIO, check_email
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.identifiers import check_rfc
from icsoe_desktop.domain.texts import check_caracteres
from icsoe_desktop.files import read_credential_file
from icsoe_desktop.services import acuses_stps
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.certificados.servicio import CertificatesService
from icsoe_desktop.services.informativa.base import aviso_firmadas, domicilio_de, firmadas
from icsoe_desktop.store import sellado
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Contratista, new_uuid

if TYPE_CHECKING:
    from icsoe_desktop.domain.credentials import Credential

log = logging.getLogger(__name__)

MSG_FIEL_EXITOSA = "La validación de la FIEL fue exitosa"
ACUSES_DIR = acuses_stps.CARPETA
MAX_ACUSE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FielValidada:
    """An e.firma that passed Validar: what Ingresar needs (all public)."""

    rfc: str
    nombre: str
    persona: str
    no_certificado: str
    valido_hasta: datetime
    emisor: str = ""  # the SAT authority that issued it (its chain verified)


@dataclass(frozen=True)
class ContratistaSesion:
    id: int
    rfc: str
    nombre: str
    persona: str
    terminos_aceptados: bool
    datos_generales: bool
    # After Guardar in Datos generales: what to tell besides «guardados» (signed informativas
    # that keep the data they were signed with), or "".
    aviso: str = ""

    @property
    def es_moral(self) -> bool:
        return self.persona == "moral"


@dataclass(frozen=True)
class DatosGenerales:
    correo: str = ""
    celular: str = ""
    telefono_fijo: str = ""
    domicilio_igual_fiscal: bool | None = None
    codigo_postal: str = ""
    colonia: str = ""
    calle: str = ""
    numero_exterior: str = ""
    numero_interior: str = ""
    municipio: str = ""
    entidad: str = ""


@dataclass(frozen=True)
class Acuse:
    nombre: str  # the file name the user chose
    path: Path  # where the app keeps it


def _datos_de(row: Contratista) -> tuple[object, ...]:
    """What an informativa says of its contratista, as the row holds it."""
    return (row.correo, row.celular, row.telefono_fijo, domicilio_de(row))


def _sesion(row: Contratista) -> ContratistaSesion:
    return ContratistaSesion(
        row.id,
        row.rfc,
        row.nombre,
        row.persona,
        row.terminos_aceptados_at is not None,
        row.datos_generales_at is not None,
    )


class ContratistasService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        certificates: CertificatesService,
        data_dir: Path,
        clock: Clock = utcnow,
    ) -> None:
        self._store = store
        self._audit = audit
        self._certificates = certificates  # for the trusted SAT issuers
        self._acuses = data_dir / ACUSES_DIR
        self._clock = clock

    # --- e.firma -------------------------------------------------------------------------------

    def validar_fiel(
        self, rfc: str, cer: Path | None, key: Path | None, contrasena: str
    ) -> FielValidada:
        """Validar: the pair opens, it is an e.firma (not a CSD) of the RFC typed, valid today
        and issued by a trusted SAT authority. Slow (key decryption): call it off the GUI thread."""
        info = self.credencial_fiel(rfc, cer, key, contrasena).info
        return FielValidada(
            info.rfc,
            info.nombre,
            info.persona,
            info.no_certificado,
            info.valido_hasta.replace(tzinfo=None),
            info.emisor,
        )

    def credencial_fiel(
        self, rfc: str, cer: Path | None, key: Path | None, contrasena: str
    ) -> Credential:
        """The checks of ``validar_fiel``, keeping the opened key (to sign with it, then drop)."""
        from icsoe_desktop.domain import credentials

        if not (rfc or "").strip():
            raise ValidationError("campo_obligatorio", "Captura el RFC del contratista.", "rfc")
        rfc = check_rfc(rfc)
        cer_bytes = read_credential_file(cer, "certificado (.cer)", "certificado")
        key_bytes = read_credential_file(key, "llave privada (.key)", "llave")
        if not contrasena:
            raise ValidationError(
                "campo_obligatorio", "Captura la contraseña de la e.firma.", "contrasena"
            )
        credencial = credentials.load_sat_pair(cer_bytes, key_bytes, contrasena)
        info = credencial.info
        if info.tipo == "CSD":
            raise ValidationError(
                "certificado_csd",
                "El certificado es un Certificado de Sello Digital (CSD), no una e.firma (FIEL). "
                "Ingresa con la e.firma del contratista.",
                "certificado",
            )
        if info.tipo != "FIEL":
            raise ValidationError(
                "no_es_efirma",
                "El certificado no es una e.firma (FIEL) emitida por el SAT.",
                "certificado",
            )
        if len(rfc) == 12 and info.persona == "fisica":
            raise ValidationError(
                "efirma_representante",
                f"El RFC {rfc} es de una persona moral y la e.firma es de una persona física "
                f"({info.rfc}). Si el contratista es persona moral, la e.firma que debes ingresar "
                "es la de la persona moral, no la del representante legal.",
                "certificado",
            )
        if info.rfc != rfc:
            raise ValidationError(
                "efirma_otro_rfc",
                f"La e.firma pertenece al RFC {info.rfc}, no al RFC capturado ({rfc}).",
                "rfc",
            )
        estado = info.estado(self._clock().replace(tzinfo=UTC))
        if estado == "vencido":
            raise ValidationError(
                "efirma_vencida",
                f"La e.firma venció el {info.valido_hasta:%d/%m/%Y}; renuévala en el SAT.",
                "certificado",
            )
        if estado == "no_vigente_aun":
            raise ValidationError(
                "efirma_no_vigente",
                f"La e.firma será válida a partir del {info.valido_desde:%d/%m/%Y}.",
                "certificado",
            )
        if not self._certificates.emisor_verificado(info):
            raise ValidationError(
                "efirma_emisor",
                f"La e.firma no fue emitida por una autoridad certificadora confiable del SAT "
                f"(emisor: {info.emisor}). "
                f"{self._certificates.emisores.pista_no_verificado()}",
                "certificado",
            )
        return credencial

    @anuncia(ICSOE)
    def ingresar(self, fiel: FielValidada) -> ContratistaSesion:
        """Ingresar after a successful Validar: the contratista is created on its first entry."""
        now = self._clock()
        with self._store.session() as session:
            row = self._find(session, fiel.rfc)
            if row is None:
                row = Contratista(rfc=fiel.rfc, nombre=fiel.nombre[:254], persona=fiel.persona)
                session.add(row)
                self._audit.record(session, fiel.rfc, "icsoe_contratista_alta", fiel.rfc)
            else:
                row.nombre = fiel.nombre[:254]
            row.no_certificado = fiel.no_certificado
            row.updated_at = now
            session.flush()
            self._audit.record(
                session, fiel.rfc, "icsoe_ingreso_efirma", fiel.rfc, fiel.no_certificado
            )
            return _sesion(row)

    def sesion(self, rfc: str) -> ContratistaSesion:
        with self._store.session() as session:
            return _sesion(self._get(session, rfc))

    @anuncia(ICSOE)
    def aceptar_terminos(self, rfc: str) -> ContratistaSesion:
        with self._store.session() as session:
            row = self._get(session, rfc)
            if row.terminos_aceptados_at is None:
                row.terminos_aceptados_at = self._clock()
                self._audit.record(session, rfc, "icsoe_terminos_aceptados", rfc)
            return _sesion(row)

    # --- datos generales -----------------------------------------------------------------------

    def datos_generales(self, rfc: str) -> DatosGenerales:
        with self._store.session() as session:
            row = self._get(session, rfc)
            return DatosGenerales(
                row.correo,
                row.celular,
                row.telefono_fijo,
                row.domicilio_igual_fiscal,
                row.codigo_postal,
                row.colonia,
                row.calle,
                row.numero_exterior,
                row.numero_interior,
                row.municipio,
                row.entidad,
            )

    @staticmethod
    def check_domicilio(datos: DatosGenerales) -> DatosGenerales:
        """The domicilio social's components (Ubicar / Aceptar check them before Guardar)."""
        entidad = (datos.entidad or "").strip()
        if entidad not in ENTIDADES_FEDERATIVAS:
            raise ValidationError(
                "campo_obligatorio", "Elige la entidad federativa del domicilio social.", "entidad"
            )
        numero_interior = " ".join(
            check_caracteres(datos.numero_interior, "Número interior", "numeroInterior").split()
        )
        if len(numero_interior) > 30:
            raise ValidationError(
                "campo_largo", "El número interior admite hasta 30 caracteres.", "numeroInterior"
            )
        return DatosGenerales(
            codigo_postal=check_codigo_postal(datos.codigo_postal),
            colonia=required_text(datos.colonia, "Colonia", "colonia"),
            calle=required_text(datos.calle, "Calle", "calle"),
            numero_exterior=required_text(
                datos.numero_exterior, "Número exterior", "numeroExterior", 30
            ),
            numero_interior=numero_interior,
            municipio=required_text(datos.municipio, "Municipio o alcaldía", "municipio"),
            entidad=entidad,
        )

    @anuncia(ICSOE)
    def guardar_datos_generales(self, rfc: str, datos: DatosGenerales) -> ContratistaSesion:
        correo = check_email(
            datos.correo,
            "correo",
            "Captura un correo electrónico válido (por ejemplo, contacto@empresa.com).",
            empty=CORREO_OBLIGATORIO,
        )
        celular = check_telefono(datos.celular, "celular", "celular")
        fijo = check_telefono(datos.telefono_fijo, "teléfono fijo", "telefonoFijo", required=False)
        with self._store.session() as session:
            row = self._get(session, rfc)
            domicilio = DatosGenerales()
            if row.persona == "moral":
                if datos.domicilio_igual_fiscal is None:
                    raise ValidationError(
                        "campo_obligatorio",
                        "Indica si el domicilio social del contratista es igual a su domicilio "
                        "fiscal.",
                        "domicilioIgual",
                    )
                if not datos.domicilio_igual_fiscal:
                    domicilio = self.check_domicilio(datos)
            if not row.acuse_archivo:
                raise ValidationError(
                    "acuse_faltante",
                    "Adjunta el Acuse de registro en padrón de la STPS (archivo PDF).",
                    "acuse",
                )
            antes = _datos_de(row)
            row.correo, row.celular, row.telefono_fijo = correo, celular, fijo
            row.domicilio_igual_fiscal = (
                datos.domicilio_igual_fiscal if row.persona == "moral" else None
            )
            row.codigo_postal = domicilio.codigo_postal
            row.colonia = domicilio.colonia
            row.calle = domicilio.calle
            row.numero_exterior = domicilio.numero_exterior
            row.numero_interior = domicilio.numero_interior
            row.municipio = domicilio.municipio
            row.entidad = domicilio.entidad
            first = row.datos_generales_at is None
            row.datos_generales_at = self._clock()
            self._audit.record(
                session,
                rfc,
                "icsoe_datos_generales_alta" if first else "icsoe_datos_generales_cambio",
                rfc,
            )
            aviso = ""
            if antes != _datos_de(row) and (cuantas := firmadas(session, contratista_id=row.id)):
                aviso = aviso_firmadas("Los datos generales", "están", cuantas)
            return replace(_sesion(row), aviso=aviso)

    # --- acuse STPS ----------------------------------------------------------------------------

    @anuncia(ICSOE)
    def adjuntar_acuse(self, rfc: str, path: Path) -> Acuse:
        """Copy the chosen PDF into the data dir; the previous acuse (if any) is replaced."""
        data = _read_pdf(path)
        self._acuses.mkdir(parents=True, exist_ok=True)
        stored = f"{new_uuid()}.pdf"
        target = self._acuses / stored
        try:
            acuses_stps.guardar(target, data)  # sealed: it names the contratista
        except OSError as exc:
            log.warning("No se pudo guardar el acuse en %s: %r", target, exc)
            raise DomainError(
                "acuse_no_guardado",
                f"No se pudo guardar el acuse en la carpeta de datos ({self._acuses}).",
            ) from exc
        try:
            with self._store.session() as session:
                row = self._get(session, rfc)
                previous = row.acuse_archivo
                row.acuse_archivo, row.acuse_nombre = stored, path.name[:255]
                self._audit.record(session, rfc, "icsoe_acuse_adjuntado", rfc, path.name)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        if previous:
            self._remove_file(previous)
        return Acuse(path.name, target)

    def acuse(self, rfc: str) -> Acuse | None:
        with self._store.session() as session:
            row = self._get(session, rfc)
            if not row.acuse_archivo:
                return None
            return Acuse(row.acuse_nombre, self._acuses / row.acuse_archivo)

    def acuse_legible(self, rfc: str) -> Path | None:
        """A copy in clear of ``rfc``'s acuse for the PDF reader (services/acuses_stps.py);
        None when it has none. A Spanish DomainError when its file is missing or unreadable."""
        acuse = self.acuse(rfc)
        if acuse is None:
            return None
        try:
            return acuses_stps.copia_legible(acuse.path, acuse.nombre)
        except (OSError, sellado.SelloInvalido) as exc:
            log.warning("No se pudo leer el acuse %s: %r", acuse.path, exc)
            raise DomainError(
                "acuse_ilegible",
                f"No se pudo leer el acuse «{acuse.nombre}» en la carpeta de datos "
                f"({self._acuses}): falta o está dañado. Adjúntalo de nuevo.",
            ) from exc

    @anuncia(ICSOE)
    def eliminar_acuse(self, rfc: str) -> None:
        with self._store.session() as session:
            row = self._get(session, rfc)
            stored = row.acuse_archivo
            if not stored:
                return
            row.acuse_archivo, row.acuse_nombre = "", ""
            self._audit.record(session, rfc, "icsoe_acuse_eliminado", rfc)
        self._remove_file(stored)

    def _remove_file(self, stored: str) -> None:
        with contextlib.suppress(OSError):
            (self._acuses / stored).unlink(missing_ok=True)

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _find(session: Session, rfc: str) -> Contratista | None:
        return session.scalar(
            select(Contratista).where(Contratista.rfc == rfc, Contratista.deleted.is_(False))
        )

    def _get(self, session: Session, rfc: str) -> Contratista:
        row = self._find(session, rfc)
        if row is None:
            raise ValidationError(
                "contratista_inexistente", f"El contratista {rfc} no ha ingresado con su e.firma."
            )
        return row


def _read_pdf(path: Path | None) -> bytes:
    if path is None or not str(path).strip():
        raise ValidationError("archivo_no_elegido", "Elige el archivo PDF del acuse.", "acuse")
    try:
        size = path.stat().st_size
        if size > MAX_ACUSE_BYTES:
            raise ValidationError(
                "acuse_grande",
                f"El acuse pesa {size / 1024 / 1024:.1f} MB; el máximo es 5 MB.",
                "acuse",
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(
            "archivo_inexistente", f"No se encontró el archivo {path}.", "acuse"
        ) from exc
    except OSError as exc:
        log.warning("No se pudo leer %s: %r", path, exc)
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer el archivo {path}.", "acuse"
        ) from exc
    if not data:
        raise ValidationError("archivo_vacio", "El archivo del acuse está vacío.", "acuse")
    # A PDF starts with its header and ends with %%EOF (a few bytes of padding are common).
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValidationError(
            "acuse_no_pdf",
            "El acuse debe ser un archivo PDF; el archivo elegido no es un PDF válido.",
            "acuse",
        )
    return data
