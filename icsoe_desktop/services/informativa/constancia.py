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
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from icsoe_desktop.domain.credentials import load_certificate
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    cadena_original,
    leer_campos,
    nombres_trabajadores,
    sin_filas,
)
from icsoe_desktop.domain.informativa.modelo import TIPOS, Informativa
from icsoe_desktop.domain.informativa.sello import verificar_sello
from icsoe_desktop.domain.trust import TrustStore
from icsoe_desktop.services import memoria_libre
from icsoe_desktop.services.informativa.constancia_comprobaciones import (
    centro,
    huella,
    revocacion,
)
from icsoe_desktop.services.informativa.constancia_lectura import (
    ADJUNTO,
    EN_ADJUNTO,
    FORMATO,
    HUELLAS,
    VERSION,
    adjunto_firmado,
    firma_rota,
    huella_del_anexo,
    leer_adjunto,
    leer_constancia,
    nombres_validos,
    previo,
)
from icsoe_desktop.services.informativa.constancia_motivos import (
    A_LA_HORA_DEL_EQUIPO,
    A_LA_HORA_DEL_SELLO,
    AL_FIRMAR,
    AUTOFIRMADO,
    CABECERA,
    CADENA_NO_VIGENTE,
    CADENA_REVOCADA,
    CAMBIO,
    CAMBIO_ILEGAL,
    CAMBIOS,
    CAMBIOS_AL_FIRMAR,
    CAMBIOS_POSTERIORES,
    CLAVE_AL_FIRMAR,
    DANADO,
    DEMASIADO_GRANDE,
    EFIRMA_REVOCADA,
    EMISOR_SIN_REVOCACION,
    ESTA_EMPRESA,
    FECHA_DISTINTA,
    FECHA_FUTURA,
    FIRMA_ALTERADA,
    FIRMA_POSTERIOR,
    FIRMA_ROTA,
    ILEGIBLE,
    NO_COMPROBABLE,
    NO_CONFIABLE,
    NO_EFIRMA,
    NO_ES_CONSTANCIA,
    NO_ES_ESTA,
    NO_FIRMADA,
    NO_PDF,
    NO_SE_PUEDE,
    NO_VALIDA,
    NO_VIGENTE,
    NO_VIGENTE_SELLO,
    NOMBRES,
    OTRA_EMPRESA,
    OTRO_CERTIFICADO,
    OTRO_CERTIFICADO_SELLO,
    OTRO_RFC,
    PAGINAS_DISTINTAS,
    PRACTICA,
    REVOCACION_COMPROBADA,
    SE_VE,
    SELLO_AJENO,
    SELLO_CONFIABLE,
    SELLO_DE_EMISOR,
    SELLO_DISTINTO,
    SELLO_INVALIDO,
    SELLO_NO_CONFIABLE,
    SELLO_POSTERIOR,
    SELLO_ROTO,
    SIN_DATOS_REVOCACION,
    SIN_FIRMA,
    SIN_PRUEBA,
    SIN_REVOCACION,
    SOLO_SELLOS,
    TOLERANCIA,
    VACIO,
    VERSION_NUEVA,
    ConstanciaLeida,
    Guardada,
    SelloTiempo,
)
from icsoe_desktop.services.sin_recolector import sin_recolector

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from icsoe_desktop.services.pades.firmar import Adjunto, PdfFirmado
    from icsoe_desktop.services.pades.validar import FirmaPdf, FirmaPosterior, Revocacion

# Its own, and the words and types of constancia_motivos.py, which callers take from here.
__all__ = [
    "ADJUNTO",
    "AL_FIRMAR",
    "AUTOFIRMADO",
    "A_LA_HORA_DEL_EQUIPO",
    "A_LA_HORA_DEL_SELLO",
    "CABECERA",
    "CADENA_NO_VIGENTE",
    "CADENA_REVOCADA",
    "CAMBIO",
    "CAMBIOS",
    "CAMBIOS_AL_FIRMAR",
    "CAMBIOS_POSTERIORES",
    "CAMBIO_ILEGAL",
    "CLAVE_AL_FIRMAR",
    "DANADO",
    "DEMASIADO_GRANDE",
    "EFIRMA_REVOCADA",
    "EMISOR_SIN_REVOCACION",
    "ESTA_EMPRESA",
    "FECHA_DISTINTA",
    "FECHA_FUTURA",
    "FIRMA_ALTERADA",
    "FIRMA_POSTERIOR",
    "FIRMA_ROTA",
    "FORMATO",
    "ILEGIBLE",
    "NOMBRES",
    "NO_COMPROBABLE",
    "NO_CONFIABLE",
    "NO_EFIRMA",
    "NO_ES_CONSTANCIA",
    "NO_ES_ESTA",
    "NO_FIRMADA",
    "NO_PDF",
    "NO_SE_PUEDE",
    "NO_VALIDA",
    "NO_VIGENTE",
    "NO_VIGENTE_SELLO",
    "OTRA_EMPRESA",
    "OTRO_CERTIFICADO",
    "OTRO_CERTIFICADO_SELLO",
    "OTRO_RFC",
    "PAGINAS_DISTINTAS",
    "PRACTICA",
    "RAZON",
    "REVOCACION_COMPROBADA",
    "SALIDA_CAMBIOS",
    "SALIDA_NO_COMPROBABLE",
    "SALIDA_NO_VALIDA",
    "SALIDA_PRACTICA",
    "SALIDA_VALIDA",
    "SELLO_AJENO",
    "SELLO_CONFIABLE",
    "SELLO_DE_EMISOR",
    "SELLO_DISTINTO",
    "SELLO_INVALIDO",
    "SELLO_NO_CONFIABLE",
    "SELLO_POSTERIOR",
    "SELLO_ROTO",
    "SE_VE",
    "SIN_DATOS_REVOCACION",
    "SIN_FIRMA",
    "SIN_PRUEBA",
    "SIN_REVOCACION",
    "SOLO_SELLOS",
    "TOLERANCIA",
    "VACIO",
    "VERSION",
    "VERSION_NUEVA",
    "ConstanciaLeida",
    "Guardada",
    "SelloTiempo",
    "SinFirmar",
    "Verificacion",
    "escribir_constancia",
    "huella_del_anexo",
    "leer_constancia",
    "preparar_constancia",
    "verificar_constancia",
]

log = logging.getLogger(__name__)

RAZON = "Constancia de firma de la informativa ICSOE"

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
    # The time-stamp authorities it was judged with (fecha_firma.huella_autoridades; "": not
    # said): ``fecha_probada`` holds only under those.
    autoridades_sello: str = ""

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
        from icsoe_desktop.services.informativa.constancia_comprobaciones import firmante
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
            nombre = (posterior.nombre or "sin nombre") if posterior.sello else firmante(posterior)
            linea = texto.format(nombre=nombre, fecha=fecha)
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
    return (
        preparar_constancia(
            cadena, sello, certificado_der, fecha_firma, nombres_trabajadores(inf), congeladas
        )
        .firmar(emisores, clave_privada, sello_tiempo)
        .pdf
    )


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
    ) -> PdfFirmado:
        """The signed constancia, with its time-stamp token's time when it has one.
        ``sello_tiempo``: the time-stamp server's URL; its failure raises
        ``pades.firmar.SelloDeTiempoFallido``, and a token further than ``tolerancia`` from the
        signing time (``TOLERANCIA``: a verification would refuse it)
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
    sellada = replace(sellada, nombres=nombres_validos(nombres, sellada))
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
        datos |= {"version": EN_ADJUNTO, "cadena": cadena, "nombres": list(map(list, nombres))}
    del sellada  # each worker's fields, not kept while the attachment is written
    if congeladas is not None:
        datos["huellas"] = dict(zip(HUELLAS, map(huella, congeladas), strict=True))
    datos_firmados = adjunto(
        ADJUNTO,
        json.dumps(datos, ensure_ascii=True, sort_keys=True, indent=1).encode("ascii"),
        "application/json",
        "Datos firmados: cadena original (sus trabajadores, en el anexo), sello digital, "
        "certificado y nombres de los trabajadores",
    )
    return SinFirmar(paginas, datos_firmados, info.certificado_der, fecha_firma)


# --- verifying --------------------------------------------------------------------------------


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

    if motivo := previo(pdf):
        return Verificacion(False, (motivo,))
    try:
        firma, handle = leer_firma(bytes(pdf))
    except FirmaIlegible as exc:
        motivo = {"sin_firma": SIN_FIRMA, "alterada": FIRMA_ALTERADA}.get(exc.codigo, ILEGIBLE)
        return Verificacion(False, (motivo,))
    try:
        datos = adjunto_firmado(firma.revision_firmada)
    except Exception:  # a signed revision pyHanko cannot walk
        datos = None
    # A file rewritten whole (qpdf, a «print to PDF») no longer has its signed revision where
    # the signature says: what is read from it is wrong because the signature is broken.
    if datos is None:
        return Verificacion(False, (firma_rota(handle, firma.momento) or NO_ES_CONSTANCIA,))
    try:
        leida = leer_adjunto(datos, firma.base)
    except ValidationError as exc:
        return Verificacion(False, (firma_rota(handle, firma.momento) or exc.message,))
    return firma, handle, leida
