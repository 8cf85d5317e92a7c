"""The constancia de firma de la informativa: the contratista's signed approval of the
informativa it will file on the IMSS portal (the portal's acuse de presentación is another
document), as a PDF with a PAdES signature of its e.firma, and its verification.

What it holds, all inside the signed revision: the pages (drawn from the sealed data alone,
constancia_pdf.py) and the attachment ``constancia-icsoe.json`` with the cadena original
(which carries the signing date, time and zone, and whether it was training), its sello, the
certificate and the SHA-256 of the informativa as the store froze it at signing (its whole
copy and its header copy, domain/informativa/firmada.py; a constancia made before has none)
and, from version 3, the workers' names in the cadena's order (``nombres``: the cadena leaves
them out; the annex shows them, and a version 2 constancia is drawn, and verifies, without).
From version 4 the workers are held once, in the annex: the attachment has the cadena without
their fields (``sin_filas``), the characters that read the names back (``caracteres``) and
the SHA-256 of the cadena and the names (``huella_del_anexo``), and reading a constancia takes
the rows and names from the signed pages (``constancia_pdf.leer_anexo``), which must give that
SHA-256 — then, as for every version, the pages drawn again from what was read must be the
signed ones byte for byte, so only pages the app drew of exactly those workers are read.
Workers the annex could not show so that they read back (a field with a space or a
parenthesis, a name too long or in characters the font lacks) are still written as version
3, the cadena and the names whole in the attachment.
Verifying proves who signed, what and when (each point a check of constancia_comprobaciones.py,
the verdict the list of their motives):

- the PDF's first signature is intact (pyHanko), made by a certificate that chains to this
  installation's e.firma issuers (never through an authority trusted only for time-stamps),
  an e.firma (not a CSD) of the contratista's RFC, with the signing time the cadena seals;
- the sello is the one of the cadena with that same certificate;
- the pages are exactly the ones the sealed data draw, byte for byte but for how each page's
  content is compressed (a page whose visible text disagrees with the sealed data is refused);
- when: the signing time the cadena seals is the signer's computer clock. A signature
  time-stamp (PAdES B-T, when the installation that signed has a time-stamp server) must be
  over this signature, intact, and within ``TOLERANCIA`` of that time; when its TSA chains to
  one of this installation's time-stamp authorities (never to an e.firma issuer), its time is
  the proven signing time and the certificate must have been valid then.
  Without one (or with a TSA not trusted here) nothing proves when: the certificate is judged
  now, a signing time in the future is refused, and a certificate no longer valid leaves the
  constancia «no se puede comprobar» (``comprobable``), never valid;
- what was added after the signed revision is judged by pyHanko's difference analysis: later
  signatures, document time-stamps, LTV data and document information are later changes
  (reported, later signatures listed; what was signed still stands); anything else (a page's
  content, a page, an annotation, the signature dictionary written again) is refused, naming
  what changed. Stricter than it (pades/mostrado.py): whatever draws on a page after signing
  (an empty signature field pyHanko admits, too) is refused but the visible stamp of a later
  signature valid here, which is named; and the signing update itself may change in the
  catalog only what signing needs (its pages, /OpenAction, /OCProperties... are the base's);
- a practice constancia (sealed as training, or signed by an e.firma of a practice or test
  authority, which this installation trusts only in the modo de capacitación) is never valid:
  in that mode it verifies as practice, with its own exit code (``SALIDA_PRACTICA``), outside
  it is refused;
- when the store holds the informativa of its identifier: it must be signed with this cadena
  and sello, and its frozen copies must be the very ones the signature covers (their SHA-256)
  or else say what the cadena seals (its content and signing time; the header copy the whole
  copy without its workers); and the workers' names the copy holds must be the constancia's
  (read from the copy unless the constancia is, byte for byte, the one the store kept at
  *Firmar* beside those very copies).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.credentials import load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    Campos,
    EnTexto,
    cadena_original,
    campos_con_filas,
    juntos,
    leer_campos,
    nombres_trabajadores,
    sin_filas,
    son_campos,
    unidos,
)
from icsoe_desktop.domain.informativa.modelo import TIPOS, Informativa
from icsoe_desktop.domain.informativa.sello import sha256_utf8, verificar_sello
from icsoe_desktop.domain.trust import TrustStore
from icsoe_desktop.services import memoria_libre
from icsoe_desktop.services.informativa.constancia_comprobaciones import (
    centro,
    huella,
    revocacion,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    A_LA_HORA_DEL_EQUIPO as A_LA_HORA_DEL_EQUIPO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    A_LA_HORA_DEL_SELLO as A_LA_HORA_DEL_SELLO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    AL_FIRMAR as AL_FIRMAR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    AUTOFIRMADO as AUTOFIRMADO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CABECERA as CABECERA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CADENA_NO_VIGENTE as CADENA_NO_VIGENTE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CADENA_REVOCADA as CADENA_REVOCADA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CAMBIO as CAMBIO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CAMBIO_ILEGAL as CAMBIO_ILEGAL,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CAMBIOS as CAMBIOS,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CAMBIOS_AL_FIRMAR as CAMBIOS_AL_FIRMAR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CAMBIOS_POSTERIORES as CAMBIOS_POSTERIORES,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    CLAVE_AL_FIRMAR as CLAVE_AL_FIRMAR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    DANADO as DANADO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    DEMASIADO_GRANDE as DEMASIADO_GRANDE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    EFIRMA_REVOCADA as EFIRMA_REVOCADA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    EMISOR_SIN_REVOCACION as EMISOR_SIN_REVOCACION,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    ESTA_EMPRESA as ESTA_EMPRESA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    FECHA_DISTINTA as FECHA_DISTINTA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    FECHA_FUTURA as FECHA_FUTURA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    FIRMA_ALTERADA as FIRMA_ALTERADA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    FIRMA_POSTERIOR as FIRMA_POSTERIOR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    FIRMA_ROTA as FIRMA_ROTA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    ILEGIBLE as ILEGIBLE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_COMPROBABLE as NO_COMPROBABLE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_CONFIABLE as NO_CONFIABLE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_EFIRMA as NO_EFIRMA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_ES_CONSTANCIA as NO_ES_CONSTANCIA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_ES_ESTA as NO_ES_ESTA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_FIRMADA as NO_FIRMADA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_PDF as NO_PDF,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_SE_PUEDE as NO_SE_PUEDE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_VALIDA as NO_VALIDA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_VIGENTE as NO_VIGENTE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NO_VIGENTE_SELLO as NO_VIGENTE_SELLO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    NOMBRES as NOMBRES,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    OTRA_EMPRESA as OTRA_EMPRESA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    OTRO_CERTIFICADO as OTRO_CERTIFICADO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    OTRO_CERTIFICADO_SELLO as OTRO_CERTIFICADO_SELLO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    OTRO_RFC as OTRO_RFC,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    PAGINAS_DISTINTAS as PAGINAS_DISTINTAS,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    PRACTICA as PRACTICA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    REVOCACION_COMPROBADA as REVOCACION_COMPROBADA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SE_VE as SE_VE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_AJENO as SELLO_AJENO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_CONFIABLE as SELLO_CONFIABLE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_DE_EMISOR as SELLO_DE_EMISOR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_DISTINTO as SELLO_DISTINTO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_INVALIDO as SELLO_INVALIDO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_NO_CONFIABLE as SELLO_NO_CONFIABLE,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_POSTERIOR as SELLO_POSTERIOR,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SELLO_ROTO as SELLO_ROTO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SIN_DATOS_REVOCACION as SIN_DATOS_REVOCACION,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SIN_FIRMA as SIN_FIRMA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SIN_PRUEBA as SIN_PRUEBA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SIN_REVOCACION as SIN_REVOCACION,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SOLO_SELLOS as SOLO_SELLOS,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    TOLERANCIA as TOLERANCIA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    VACIO as VACIO,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    VERSION_NUEVA as VERSION_NUEVA,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    ConstanciaLeida as ConstanciaLeida,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    Guardada as Guardada,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    SelloTiempo as SelloTiempo,
)
from icsoe_desktop.services.sin_recolector import sin_recolector

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from icsoe_desktop.services.informativa.constancia_pdf import Leidos
    from icsoe_desktop.services.pades.firmar import Adjunto
    from icsoe_desktop.services.pades.validar import FirmaPdf, FirmaPosterior, Revocacion

log = logging.getLogger(__name__)

FORMATO, VERSION = "ICSOE-CONSTANCIA", 4
# The versions before, still verified: without the workers' names; with the workers' fields
# in the attachment too (still written when the annex could not be read back: ``_EN_ADJUNTO``).
_SIN_NOMBRES, _EN_ADJUNTO = 2, 3
ADJUNTO = "constancia-icsoe.json"
RAZON = "Constancia de firma de la informativa ICSOE"
_MAX_CONSTANCIA = 256_000_000  # 50 contracts of 12,000 workers: ~23 MB

# Every refusal its own words, with what a constancia carries: constancia_motivos.py.


# How ``informativa verificar`` exits (its help and docs/administracion.md say the same).
SALIDA_VALIDA, SALIDA_CAMBIOS, SALIDA_NO_VALIDA, SALIDA_NO_COMPROBABLE = 0, 1, 2, 3
SALIDA_PRACTICA = 4  # a practice constancia: never valid, whatever else holds


@dataclass(frozen=True)
class Verificacion:
    """``ok``, or the reasons (Spanish, for the user) why the constancia proves nothing; not
    ``comprobable``: nothing refused it, but nothing proves it was signed while its
    certificate was valid (``motivo`` says why)."""

    ok: bool
    motivo: tuple[str, ...] = ()
    constancia: ConstanciaLeida | None = None  # None when the file is no constancia
    cambios_posteriores: bool = False
    sello_tiempo: SelloTiempo | None = None
    comprobable: bool = True
    # The signing time a trusted time-stamp proves (None: only the signer's clock says it).
    fecha_probada: datetime | None = None
    posteriores: tuple[FirmaPosterior, ...] = ()  # signatures and time-stamps added later
    # Training: sealed as such, or signed by an e.firma of a practice or test authority.
    practica: bool = False
    revocacion: Revocacion | None = None  # judged when nothing else refused the signature

    @property
    def salida(self) -> int:
        if self.practica and (self.ok or set(self.motivo) <= {PRACTICA, NO_CONFIABLE}):
            return SALIDA_PRACTICA
        if self.ok:
            return SALIDA_CAMBIOS if self.cambios_posteriores else SALIDA_VALIDA
        return SALIDA_NO_VALIDA if self.comprobable else SALIDA_NO_COMPROBABLE

    def encabezado(self) -> str:
        """The line before the reasons of a constancia that is not valid."""
        return NO_VALIDA if self.comprobable else NO_SE_PUEDE

    def lineas(self) -> list[str]:
        """What a valid constancia's verification says: the «válida» line, its time-stamp,
        and its later changes, if any."""
        from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora

        lineas = [self.resumen()]
        if (sello := self.sello_tiempo) is not None:
            texto = (
                SELLO_CONFIABLE
                if sello.confiable
                else SELLO_DE_EMISOR
                if sello.solo_efirma
                else SELLO_NO_CONFIABLE
            )
            lineas.append(texto.format(fecha=fecha_hora(sello.momento), tsa=sello.tsa))
        if self.revocacion is not None:
            lineas.append(revocacion(self.revocacion, self.fecha_probada is not None))
        for posterior in self.posteriores:
            texto = SELLO_POSTERIOR if posterior.sello else FIRMA_POSTERIOR
            fecha = (
                "" if posterior.momento is None else f", {fecha_hora(centro(posterior.momento))}"
            )
            if fecha and not posterior.sello:
                fecha += " según su equipo"
            linea = texto.format(nombre=posterior.nombre or "sin nombre", fecha=fecha)
            lineas.append(linea + (SE_VE.format(n=posterior.pagina) if posterior.pagina else ""))
        if self.cambios_posteriores:
            lineas.append(CAMBIOS_POSTERIORES)
        return lineas

    def resumen(self) -> str:
        """The «válida» line: whose, what and when."""
        c = self.constancia
        assert c is not None
        inf = c.informativa
        from icsoe_desktop.services.informativa.constancia_pdf import MARCA, fecha_hora

        segun = fecha_hora(c.fecha_firma)
        if self.fecha_probada is not None and self.sello_tiempo is not None:
            cuando = (
                f"firmada el {fecha_hora(self.fecha_probada)} según el sello de tiempo de "
                f"{self.sello_tiempo.tsa} ({segun} según el equipo de quien firmó)"
            )
        else:
            cuando = f"firmada el {segun} según el equipo de quien firmó ({SIN_PRUEBA})"
        texto = (
            f"La constancia de firma es válida: {inf.contratista.rfc}, {inf.contratista.nombre}; "
            f"informativa {TIPOS.get(inf.tipo, inf.tipo)} del periodo {inf.periodo.texto} "
            f"({inf.periodo.clave}), identificador interno {inf.uuid}; "
            f"certificado {c.info.no_certificado}; {cuando}."
        )
        return f"{MARCA}. {texto}" if self.practica else texto


# --- writing --------------------------------------------------------------------------------------


def escribir_constancia(
    inf: Informativa,
    cadena: str,
    sello: str,
    certificado_der: bytes,
    emisores: list[bytes],
    fecha_firma: datetime,
    clave_privada: RSAPrivateKey,
    capacitacion: bool = False,
    sello_tiempo: str = "",
    congeladas: tuple[bytes, bytes] | None = None,
) -> bytes:
    """The signed constancia. Refused when the cadena, the sello and the certificate disagree.
    ``sello_tiempo``: the time-stamp server's URL; its failure raises
    ``pades.firmar.SelloDeTiempoFallido``. ``congeladas``: the informativa as the store keeps
    it (``congelar`` of it, and of it without workers), whose SHA-256 the signature covers."""
    if cadena_original(inf, fecha_firma, capacitacion) != cadena:
        raise ValidationError(
            "constancia_cadena_distinta", "La cadena original no corresponde a la informativa."
        )
    return preparar_constancia(
        cadena, sello, certificado_der, fecha_firma, nombres_trabajadores(inf), congeladas
    ).firmar(emisores, clave_privada, sello_tiempo)


@dataclass(frozen=True)
class SinFirmar:
    """A constancia drawn and its attachment written, to be signed (``firmar``, again if a
    time-stamp server fails): all *Firmar* keeps of the workers meanwhile."""

    paginas: bytes
    adjunto: Adjunto
    certificado_der: bytes
    fecha_firma: datetime

    def firmar(
        self,
        emisores: list[bytes],
        clave_privada: RSAPrivateKey,
        sello_tiempo: str = "",
        tolerancia: timedelta | None = None,
    ) -> bytes:
        """The signed constancia. ``sello_tiempo``: the time-stamp server's URL; its failure
        raises ``pades.firmar.SelloDeTiempoFallido``, and a token further than ``tolerancia``
        from the signing time (``TOLERANCIA``: a verification would refuse it)
        ``pades.firmar.RelojDesfasado``."""
        from icsoe_desktop.services.pades.firmar import firmar_pdf

        return firmar_pdf(
            self.paginas,
            clave_privada,
            self.certificado_der,
            emisores,
            self.fecha_firma,
            self.adjunto,
            RAZON,
            sello_tiempo=sello_tiempo,
            tolerancia=tolerancia,
        )


def preparar_constancia(
    cadena: str,
    sello: str,
    certificado_der: bytes,
    fecha_firma: datetime,
    nombres: tuple[Sequence[str], ...],
    congeladas: tuple[bytes, bytes] | None = None,
) -> SinFirmar:
    """``escribir_constancia`` but the signature, of a cadena its caller has just written of
    the informativa (*Firmar*), with its workers' names (``nombres_trabajadores`` of it): the
    informativa is not needed, nor kept in memory meanwhile, nor are the names afterwards.
    Refused when the sello or the certificate disagree with the cadena."""
    from icsoe_desktop.services.informativa.constancia_pdf import (
        NoCabe,
        caracteres_del_anexo,
        dibujar,
    )
    from icsoe_desktop.services.pades.firmar import adjunto

    if fecha_firma.tzinfo is None:
        raise ValueError("fecha_firma sin zona horaria")
    info = load_certificate(certificado_der)
    if not verificar_sello(cadena, sello, info.certificado_der):
        raise ValidationError(
            "constancia_sello_invalido",
            "El sello no corresponde a la cadena original con este certificado.",
        )
    # Each contract's fields kept as text while drawn (600,000 workers' 1.8 million strings
    # would be over 100 MB).
    sellada = leer_campos(cadena).en_texto()
    if info.rfc != (rfc := sellada.informativa.contratista.rfc):
        raise ValidationError(
            "constancia_otro_rfc",
            f"El certificado es del RFC {info.rfc or 'desconocido'}, no de la contratista {rfc}.",
        )
    sellada = replace(sellada, nombres=_nombres(nombres, sellada))
    datos: dict[str, object] = {
        "formato": FORMATO,
        "sello": sello,
        "certificado": base64.b64encode(info.certificado_der).decode("ascii"),
    }
    caracteres = caracteres_del_anexo(sellada)
    try:
        paginas = dibujar(
            sellada, cadena, sello, info.no_certificado, info.nombre, None, caracteres
        )
    except NoCabe:  # a name too long to show whole: the workers in the attachment too
        caracteres = None
        paginas = dibujar(sellada, cadena, sello, info.no_certificado, info.nombre)
    if caracteres is not None:  # the workers once, in the annex; their SHA-256 here
        datos |= {"version": VERSION, "sin_filas": sin_filas(sellada), "caracteres": caracteres}
        datos["sha256"] = huella_del_anexo(cadena, nombres)
    else:
        datos |= {"version": _EN_ADJUNTO, "cadena": cadena, "nombres": list(map(list, nombres))}
    del sellada  # each worker's fields, not kept while the attachment is written
    if congeladas is not None:
        datos["huellas"] = dict(zip(_HUELLAS, map(huella, congeladas), strict=True))
    datos_firmados = adjunto(
        ADJUNTO,
        json.dumps(datos, ensure_ascii=True, sort_keys=True, indent=1).encode("ascii"),
        "application/json",
        "Datos firmados: cadena original (sus trabajadores, en el anexo), sello digital, "
        "certificado y nombres de los trabajadores",
    )
    return SinFirmar(paginas, datos_firmados, info.certificado_der, fecha_firma)


# --- reading and verifying ---------------------------------------------------------------------


def _adjunto(revision: bytes) -> bytes | None:
    """``ADJUNTO`` as the signed revision holds it (a flat /EmbeddedFiles name tree)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    lector = PdfFileReader(io.BytesIO(revision), strict=False)
    try:
        nombres = lector.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for i in range(0, len(nombres) - 1, 2):
        if str(nombres[i]) == ADJUNTO:
            return bytes(nombres[i + 1].get_object()["/EF"]["/F"].get_object().data)
    return None


def _leida(datos: bytes, paginas: bytes) -> ConstanciaLeida:
    """What the attachment ``datos`` says, with, from version 4, the workers (fields and
    names) the annex of ``paginas`` (the signed revision's pages) shows, which must be the
    ones its SHA-256 names (else ``PAGINAS_DISTINTAS``)."""
    try:
        return _del_adjunto(datos, paginas)
    except ValidationError as exc:
        if exc.code in ("constancia_version", "constancia_paginas"):
            raise
        raise ValidationError("constancia_danada", DANADO) from exc
    except (ValueError, TypeError, KeyError, binascii.Error, DomainError) as exc:
        raise ValidationError("constancia_danada", DANADO) from exc


def _del_adjunto(datos: bytes, paginas: bytes) -> ConstanciaLeida:
    """``_leida`` but for how a fault is reported: any exception of the attachment read."""
    leido = json.loads(datos.decode("ascii"))
    version = _version(leido)
    caracteres, nombres, leidos = None, leido.get("nombres"), None
    en_anexo: list[str] = []
    if version == VERSION:
        cadena, sellada, caracteres, en_anexo, leidos = _de_version_4(leido, paginas)
    elif {"sin_filas", "sha256", "caracteres"} & set(leido):
        raise ValueError("sin_filas")
    else:
        cadena = str(leido["cadena"])
        sellada = leer_campos(cadena)
    sello = str(leido["sello"])
    certificado = base64.b64decode(str(leido["certificado"]), validate=True)
    if sellada.firmada is None:
        raise ValueError("sin fecha")
    if version == VERSION:
        nombres = _por_contrato(en_anexo, sellada)
    if version != _SIN_NOMBRES:
        sellada = replace(sellada, nombres=_nombres(nombres, sellada))
    elif nombres is not None:
        raise ValueError("nombres")
    huellas = _huellas(leido.get("huellas"))
    info = load_certificate(certificado)
    return ConstanciaLeida(
        cadena, sello, info.certificado_der, info, sellada, huellas, caracteres, leidos
    )


def _version(leido: Any) -> object:
    """The attachment's version, one this app reads (a later one: ``VERSION_NUEVA``)."""
    if leido["formato"] != FORMATO:
        raise ValueError("formato")
    version = leido["version"]
    if type(version) is int and version > VERSION:
        raise ValidationError("constancia_version", VERSION_NUEVA)
    if version not in (_SIN_NOMBRES, _EN_ADJUNTO, VERSION):
        raise ValueError("version")
    return version


def _de_version_4(leido: Any, paginas: bytes) -> tuple[str, Campos, str, list[str], Leidos]:
    """A version 4 attachment's cadena, its fields, its characters, the annex's names and
    where its pages' contents are."""
    if {"cadena", "nombres"} & set(leido) or not _HEX.fullmatch(str(leido["sha256"])):
        raise ValueError("sha256")
    caracteres = _caracteres(leido["caracteres"])
    campos, en_anexo, leidos = _del_anexo(str(leido["sin_filas"]), paginas, caracteres)
    cadena = unidos(campos)
    if huella_del_anexo(cadena, [en_anexo]) != leido["sha256"]:
        raise ValidationError("constancia_paginas", PAGINAS_DISTINTAS)
    sellada = leer_campos(cadena, campos=campos)  # not split out of it again
    return cadena, sellada, caracteres, en_anexo, leidos


def _del_anexo(sin: str, paginas: bytes, caracteres: str) -> tuple[list[str], list[str], Leidos]:
    """The cadena's fields and the names (in its order) of a version 4 constancia: ``sin`` (it
    without its workers' fields) and the rows its annex shows (and where its pages' contents
    are); ``PAGINAS_DISTINTAS`` when the annex does not show as many workers as it lists, in
    rows that read back."""
    from icsoe_desktop.services.informativa.constancia_pdf import leer_anexo

    try:
        filas, nombres, leidos = leer_anexo(paginas, caracteres)
    except ValueError as exc:
        raise ValidationError("constancia_paginas", PAGINAS_DISTINTAS) from exc
    try:
        return campos_con_filas(sin, filas), nombres, leidos
    except ValueError as exc:
        if exc.args == ("filas",):
            raise ValidationError("constancia_paginas", PAGINAS_DISTINTAS) from exc
        raise


def huella_del_anexo(cadena: str, nombres: Iterable[Sequence[str]]) -> str:
    """What a version 4 attachment's ``sha256`` is: the SHA-256 (hex) of the cadena and then,
    each after a line feed, every worker's name in its order (which no name has: ``campo``)."""
    suma = sha256_utf8(cadena)
    for lista in nombres:
        if lista:
            suma.update(("\n" + juntos(lista, "\n")).encode())
    return suma.hexdigest()


def _caracteres(valor: object) -> str:
    """A version 4 attachment's ``caracteres``: ValueError for anything but distinct
    characters, in order, none ASCII, as many as the annex takes."""
    from icsoe_desktop.services.informativa.constancia_pdf import MAX_CARACTERES

    if not isinstance(valor, str) or len(valor) > MAX_CARACTERES:
        raise ValueError("caracteres")
    if list(valor) != sorted(set(valor)) or any(c <= "~" for c in valor):
        raise ValueError("caracteres")
    return valor


def _por_contrato(nombres: list[str], sellada: Campos) -> list[list[str]]:
    """The annex's names, one list a contract of ``sellada`` (as many as its workers)."""
    partes, inicio = [], 0
    for campos in sellada.trabajadores:
        partes.append(nombres[inicio : inicio + len(campos) // 3])
        inicio += len(campos) // 3
    if inicio != len(nombres):
        raise ValueError("nombres")
    return partes


def _nombres(valor: object, sellada: Campos) -> tuple[Sequence[str], ...]:
    """The names a constancia carries (its attachment's ``nombres``, or *Firmar*'s): ValueError
    for anything but one name (``campo`` of itself) per worker of each contract of the cadena."""
    if not (isinstance(valor, list | tuple) and len(valor) == len(sellada.trabajadores)):
        raise ValueError("nombres")
    for nombres, campos in zip(valor, sellada.trabajadores, strict=True):
        if not (isinstance(nombres, list | EnTexto) and len(nombres) == len(campos) // 3):
            raise ValueError("nombres")
        if not (isinstance(nombres, EnTexto) or set(map(type, nombres)) <= {str}):
            raise ValueError("nombres")
        if not son_campos(nombres):
            raise ValueError("nombres")
    return tuple(valor)


_HUELLAS = ("congelada", "cabecera")
_HEX = re.compile(r"[0-9a-f]{64}")


def _huellas(valor: object) -> tuple[str, str] | None:
    """The attachment's ``huellas`` (absent in a constancia made before): ValueError for
    anything but both SHA-256 in hex."""
    if valor is None:
        return None
    if not isinstance(valor, dict) or set(valor) != set(_HUELLAS):
        raise ValueError("huellas")
    congelada, cabecera = (valor[k] for k in _HUELLAS)
    if not all(isinstance(h, str) and _HEX.fullmatch(h) for h in (congelada, cabecera)):
        raise ValueError("huellas")
    return congelada, cabecera


def _previo(pdf: bytes) -> str | None:
    if not isinstance(pdf, bytes | bytearray) or not pdf.strip():
        return VACIO
    if len(pdf) > _MAX_CONSTANCIA:
        return DEMASIADO_GRANDE
    if pdf.lstrip()[:5] != b"%PDF-":
        return NO_PDF
    return None


def leer_constancia(pdf: bytes) -> ConstanciaLeida:
    """What a constancia's signed revision carries, its PDF signature checked intact (not who
    signed it nor whether that is trusted here: ``verificar_constancia``). ValidationError in
    ``verificar_constancia``'s words otherwise (a stored copy checked by a restore)."""
    from icsoe_desktop.services.pades.validar import FirmaIlegible, leer_firma, validar

    if motivo := _previo(pdf):
        raise ValidationError("constancia_danada", motivo)
    try:
        firma, handle = leer_firma(bytes(pdf))
        datos = _adjunto(firma.revision_firmada)
    except FirmaIlegible as exc:
        raise ValidationError("constancia_danada", ILEGIBLE) from exc
    except Exception as exc:  # a signed revision pyHanko cannot walk
        raise ValidationError("constancia_danada", NO_ES_CONSTANCIA) from exc
    if datos is None:
        raise ValidationError("constancia_danada", NO_ES_CONSTANCIA)
    leida = _leida(datos, firma.base)
    if not validar(handle, [], [], firma.momento).intacta:
        raise ValidationError("constancia_danada", FIRMA_ROTA)
    return leida


def verificar_constancia(
    pdf: bytes,
    confianza: TrustStore,
    en_capacitacion: bool = False,
    certificado_der: bytes | None = None,
    guardada: Callable[[ConstanciaLeida], Guardada | None] | None = None,
    ahora: datetime | None = None,
    sellos: TrustStore | None = None,
) -> Verificacion:
    """Whether ``pdf`` proves who signed what and when (see the module). ``confianza``: this
    installation's e.firma issuers; ``sellos``: its time-stamp authorities (None: none); each
    vouches only for its own kind of certificate. ``guardada``: the stored informativa of the same
    identifier, when this store has one; ``ahora``: this computer's time (aware; None: the
    system's). Never raises for a bad file."""
    # Millions of objects (the annex's fields and names, its pages drawn again) that hold no
    # cycles: the automatic collection would walk them again and again (a sixth of it).
    try:
        with sin_recolector():
            return _verificar_constancia(
                pdf, confianza, en_capacitacion, certificado_der, guardada, ahora, sellos
            )
    finally:
        # Its hundreds of MB of pages read and drawn again, freed in pieces, given back: else
        # each verification's RSS stays on top of the last.
        memoria_libre.devolver()


def _verificar_constancia(
    pdf: bytes,
    confianza: TrustStore,
    en_capacitacion: bool,
    certificado_der: bytes | None,
    guardada: Callable[[ConstanciaLeida], Guardada | None] | None,
    ahora: datetime | None,
    sellos: TrustStore | None,
) -> Verificacion:
    """The constancia read, then judged: the list of what its checks say
    (constancia_comprobaciones.py)."""
    from icsoe_desktop.services.informativa import constancia_comprobaciones as comprobaciones

    leido = _firmada(pdf)
    if isinstance(leido, Verificacion):
        return leido
    firma, handle, leida = leido
    momento = comprobaciones.as_utc(ahora or datetime.now(UTC))
    c = comprobaciones.contexto(
        firma, handle, leida, confianza, sellos, momento, en_capacitacion, certificado_der, guardada
    )
    if not c.veredicto.intacta:
        return Verificacion(False, (FIRMA_ROTA,), leida, firma.cambios_posteriores)
    if c.firma_reescrita:
        motivo = comprobaciones.cambiado(c)
        assert motivo is not None
        return Verificacion(False, (motivo,), leida, firma.cambios_posteriores)
    motivos, comprobable = comprobaciones.motivos(c)
    return Verificacion(
        not motivos,
        tuple(motivos),
        leida,
        firma.cambios_posteriores,
        c.sello_tiempo,
        comprobable,
        c.probada,
        c.posteriores,
        c.practica,
        c.revocacion,
    )


def _firmada(pdf: bytes) -> Verificacion | tuple[FirmaPdf, object, ConstanciaLeida]:
    """The PDF's first signature and what its signed revision carries, or the refusal of a
    file that is no constancia."""
    from icsoe_desktop.services.pades.validar import FirmaIlegible, leer_firma

    if motivo := _previo(pdf):
        return Verificacion(False, (motivo,))
    try:
        firma, handle = leer_firma(bytes(pdf))
    except FirmaIlegible as exc:
        motivo = {"sin_firma": SIN_FIRMA, "alterada": FIRMA_ALTERADA}.get(exc.codigo, ILEGIBLE)
        return Verificacion(False, (motivo,))
    try:
        datos = _adjunto(firma.revision_firmada)
    except Exception:  # a signed revision pyHanko cannot walk
        datos = None
    # A file rewritten whole (qpdf, a «print to PDF») no longer has its signed revision where
    # the signature says: what is read from it is wrong because the signature is broken.
    if datos is None:
        return Verificacion(False, (_rota(handle, firma.momento) or NO_ES_CONSTANCIA,))
    try:
        leida = _leida(datos, firma.base)
    except ValidationError as exc:
        return Verificacion(False, (_rota(handle, firma.momento) or exc.message,))
    return firma, handle, leida


def _rota(handle: object, momento: datetime | None) -> str:
    """``FIRMA_ROTA`` when the signature does not cover the PDF's bytes it names, else ""."""
    from icsoe_desktop.services.pades.validar import validar

    try:
        return "" if validar(handle, [], [], momento).intacta else FIRMA_ROTA
    except Exception:  # pyHanko cannot even evaluate it: the other reason stands
        log.warning("No se pudo evaluar la integridad de la firma", exc_info=True)
        return ""
