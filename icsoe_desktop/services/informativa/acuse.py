"""The acuse of a signed informativa: a PDF that shows what the contratista signed and carries
the cadena original, the sello and the certificate, so that it can be verified later.

The signed data travel inside the PDF as an attached JSON file (``acuse-icsoe.json``), and the
visible text is drawn from those same data: the informativa shown is the one read back from the
cadena original. Verifying reads the attachment, checks the sello, then draws the acuse again
from it and compares the whole file: a change to the visible text, to the attachment or to any
other byte is refused, not only a change to the cadena.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from icsoe_desktop.domain.credentials import CertificateInfo, load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.cadena import cadena_original, campo, leer_cadena
from icsoe_desktop.domain.informativa.modelo import TIPOS, Informativa
from icsoe_desktop.domain.informativa.sello import verificar_sello
from icsoe_desktop.services.informativa.pdf import Documento

TITULO = (
    "Acuse de presentación de la informativa de contratos de servicios u obras especializados "
    "(ICSOE)"
)
FORMATO, VERSION = "ICSOE-ACUSE", 1
ADJUNTO = "acuse-icsoe.json"
_MAX_ACUSE = 64_000_000  # 3,000 workers per contract make a few MB at most
# How our writer opens the attachment's stream (services/informativa/pdf.py): found again byte for byte.
_MARCA = re.compile(
    rb"/Type /EmbeddedFile /Subtype /application#2Fjson /Length (\d{1,9}) >>\nstream\n"
)

NO_ES_ACUSE = "El PDF no es un acuse de la informativa ICSOE generado por esta aplicación."
DANADO = "El acuse está dañado: sus datos firmados no se pueden leer."
SELLO_INVALIDO = "El sello digital no corresponde a la cadena original: el acuse fue alterado."
MODIFICADO = "El contenido del acuse fue modificado después de firmarse."
OTRO_CERTIFICADO = "El acuse no fue firmado con este certificado."
CAMBIO = "La informativa cambió después de firmarse."


@dataclass(frozen=True)
class AcuseLeido:
    """What an acuse carries; ``informativa`` is read back from the cadena (no estado, no
    workers' names)."""

    cadena: str
    sello: str
    certificado_der: bytes = field(repr=False)
    no_certificado: str
    rfc: str  # the contratista's
    periodo_clave: str  # "2026-1"
    tipo: str
    fecha_firma: datetime  # with its UTC offset, as shown in the acuse
    informativa: Informativa = field(repr=False)


@dataclass(frozen=True)
class Verificacion:
    """``ok``, or the reasons (Spanish, for the user) why the acuse cannot be trusted."""

    ok: bool
    motivo: tuple[str, ...] = ()
    acuse: AcuseLeido | None = None  # None when the file could not be read as an acuse


def escribir_acuse(
    inf: Informativa, cadena: str, sello: str, certificado_der: bytes, fecha_firma: datetime
) -> bytes:
    """The acuse's PDF. ``fecha_firma`` naive is UTC (the app's clock) and is shown in this
    computer's local time; refused when the cadena, the sello and the certificate disagree."""
    if cadena_original(inf) != cadena:
        raise ValidationError(
            "acuse_cadena_distinta", "La cadena original no corresponde a la informativa."
        )
    info = load_certificate(certificado_der)
    if not verificar_sello(cadena, sello, info.certificado_der):
        raise ValidationError(
            "acuse_sello_invalido",
            "El sello no corresponde a la cadena original con este certificado.",
        )
    if info.rfc != campo(inf.contratista.rfc):
        raise ValidationError(
            "acuse_otro_rfc",
            f"El certificado es del RFC {info.rfc or 'desconocido'}, no de la contratista "
            f"{campo(inf.contratista.rfc)}.",
        )
    if fecha_firma.tzinfo is None:
        fecha_firma = fecha_firma.replace(tzinfo=UTC).astimezone()
    # Kept as its ISO text reads back, so that verifying draws the very same date.
    fecha = datetime.fromisoformat(fecha_firma.isoformat())
    return _pdf(leer_cadena(cadena), cadena, sello, info, fecha)


def _fecha(dia: date | None) -> str:
    return f"{dia:%d/%m/%Y}" if dia else "—"


def _fecha_hora(momento: datetime) -> str:
    desfase = momento.strftime("%z")  # "-0600"
    return f"{momento:%d/%m/%Y %H:%M:%S} (UTC{desfase[:3]}:{desfase[3:]})"


def _pdf(
    inf: Informativa, cadena: str, sello: str, info: CertificateInfo, fecha: datetime
) -> bytes:
    """Draw the acuse from its signed data only: verifying draws it again and compares."""
    periodo = inf.periodo.texto
    doc = Documento(TITULO, asunto=f"{inf.contratista.rfc}, {periodo}", fecha=fecha)
    doc.titulo(TITULO)
    doc.parrafo(
        "La contratista firmó con su e.firma la informativa que se describe. El sello digital "
        "puede verificarse en cualquier momento con el certificado (.cer) de esa e.firma."
    )
    doc.encabezado("Contratista")
    doc.campo("RFC", inf.contratista.rfc)
    doc.campo("Nombre, denominación o razón social", inf.contratista.nombre)
    doc.encabezado("Informativa")
    doc.campo("Periodo", periodo)
    doc.campo("Tipo", TIPOS.get(inf.tipo, inf.tipo))
    if inf.complementa:
        doc.campo("Complementa a la informativa", inf.complementa)
    doc.campo("Identificador", inf.uuid)
    doc.campo("Fecha y hora de firma", _fecha_hora(fecha))
    doc.encabezado(f"Contratos ({len(inf.contratos)})")
    if not inf.contratos:
        doc.parrafo("Sin contratos celebrados en el periodo.")
    for numero, contrato in enumerate(inf.contratos, start=1):
        doc.subtitulo(f"Contrato {numero} de {len(inf.contratos)}")
        doc.campo("RFC del contratante", contrato.contratante.rfc)
        doc.campo("Nombre del contratante", contrato.contratante.nombre)
        doc.campo("Objeto del contrato", contrato.objeto)
        doc.campo("Folio REPSE", contrato.folio_repse)
        doc.campo("Servicio u obra autorizado", contrato.descripcion_servicio)
        doc.campo("Fecha inicial", _fecha(contrato.fecha_inicial))
        doc.campo("Fecha final", _fecha(contrato.fecha_final))
        doc.campo("Número de trabajadores", str(len(contrato.trabajadores)))
    doc.espacio(4)
    doc.campo("Total de trabajadores", str(inf.numero_trabajadores))
    doc.encabezado("Firma electrónica")
    doc.campo("Número de certificado", info.no_certificado)
    doc.campo("Titular del certificado", info.nombre)
    doc.subtitulo("Cadena original")
    doc.bloque(cadena)
    doc.subtitulo("Sello digital")
    doc.bloque(sello)
    datos = {
        "formato": FORMATO,
        "version": VERSION,
        "cadena": cadena,
        "sello": sello,
        "certificado": base64.b64encode(info.certificado_der).decode("ascii"),
        "fecha_firma": fecha.isoformat(),
    }
    contenido = json.dumps(datos, ensure_ascii=True, sort_keys=True, indent=1).encode("ascii")
    doc.adjuntar(ADJUNTO, contenido, "application/json", "Cadena original, sello y certificado")
    return doc.pdf()


def _error(code: str, message: str) -> ValidationError:
    return ValidationError(code, message, "acuse")


def leer_acuse(pdf: bytes) -> AcuseLeido:
    """The signed data of an acuse; a Spanish ValidationError for any other file."""
    if not isinstance(pdf, bytes | bytearray):
        raise _error("acuse_no_pdf", "El archivo no es un PDF.")
    if not pdf.strip():
        raise _error("acuse_vacio", "El archivo del acuse está vacío.")
    if len(pdf) > _MAX_ACUSE:
        raise _error("acuse_demasiado_grande", "El archivo es demasiado grande para ser un acuse.")
    if not pdf.startswith(b"%PDF-"):
        raise _error("acuse_no_pdf", "El archivo no es un PDF.")
    if not pdf.rstrip().endswith(b"%%EOF"):
        raise _error("acuse_incompleto", "El PDF está incompleto o dañado: cópialo de nuevo.")
    marca = _MARCA.search(pdf)
    if marca is None:
        raise _error("acuse_desconocido", NO_ES_ACUSE)
    fin = marca.end() + int(marca.group(1))
    if pdf[fin : fin + 10] != b"\nendstream":
        raise _error("acuse_danado", DANADO)
    try:
        return _acuse(json.loads(pdf[marca.end() : fin].decode("ascii")))
    except ValidationError as exc:
        if exc.code == "acuse_version":
            raise
        raise _error("acuse_danado", DANADO) from exc
    except (ValueError, TypeError, KeyError, binascii.Error, DomainError) as exc:
        # Not JSON, a field missing or of the wrong type, a cadena or certificate unreadable.
        raise _error("acuse_danado", DANADO) from exc


def _acuse(datos: dict) -> AcuseLeido:
    if datos["formato"] != FORMATO:
        raise ValueError("not an acuse")
    version = datos["version"]
    if type(version) is int and version > VERSION:
        raise _error("acuse_version", "El acuse es de una versión más reciente de la aplicación.")
    if version != VERSION:
        raise ValueError("not a version")
    cadena, sello, fecha = (str(datos[k]) for k in ("cadena", "sello", "fecha_firma"))
    certificado = base64.b64decode(str(datos["certificado"]), validate=True)
    fecha_firma = datetime.fromisoformat(fecha)
    if fecha_firma.tzinfo is None:
        raise ValueError("fecha without offset")
    inf = leer_cadena(cadena)
    info = load_certificate(certificado)
    return AcuseLeido(
        cadena, sello, info.certificado_der, info.no_certificado, inf.contratista.rfc,
        inf.periodo.clave, inf.tipo, fecha_firma, inf,
    )  # fmt: skip


def verificar_acuse(
    pdf: bytes, certificado_der: bytes | None = None, cadena_actual: str | None = None
) -> Verificacion:
    """Whether an acuse is intact and, when given, signed with ``certificado_der`` (the
    contratista's .cer) over ``cadena_actual`` (recomputed from the stored informativa).

    Never raises for a bad file: a file that is not an acuse is ``ok=False`` with the reason.
    """
    try:
        acuse = leer_acuse(pdf)
    except ValidationError as error:
        return Verificacion(False, (error.message,))
    info = load_certificate(acuse.certificado_der)  # read once already: it loads
    motivos = []
    if not verificar_sello(acuse.cadena, acuse.sello, acuse.certificado_der):
        motivos.append(SELLO_INVALIDO)
    elif _pdf(acuse.informativa, acuse.cadena, acuse.sello, info, acuse.fecha_firma) != pdf:
        motivos.append(MODIFICADO)
    if info.rfc != acuse.rfc:
        motivos.append(f"El certificado del acuse no es de la contratista {acuse.rfc}.")
    if certificado_der is not None:
        try:
            propio = load_certificate(certificado_der).certificado_der
        except DomainError as error:
            motivos.append(error.message)
        else:
            if propio != acuse.certificado_der:
                motivos.append(OTRO_CERTIFICADO)
    if cadena_actual is not None and cadena_actual != acuse.cadena:
        motivos.append(CAMBIO)
    return Verificacion(not motivos, tuple(motivos), acuse)
