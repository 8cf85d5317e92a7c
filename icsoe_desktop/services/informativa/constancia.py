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
Verifying proves who signed, what and when:

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
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.credentials import CertificateInfo, load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    Campos,
    EnTexto,
    cadena_original,
    campos_con_filas,
    contenido,
    juntos,
    leer_campos,
    nombres_trabajadores,
    sin_filas,
    son_campos,
    unidos,
)
from icsoe_desktop.domain.informativa.firmada import comprobar, nombres_congelados
from icsoe_desktop.domain.informativa.modelo import TIPOS, Informativa
from icsoe_desktop.domain.informativa.sello import sha256_utf8, verificar_sello
from icsoe_desktop.domain.practica import autoridad_de_practica
from icsoe_desktop.domain.trust import TrustStore
from icsoe_desktop.services import memoria_libre
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

# Every refusal its own words (the manual's «Si algo sale mal» lists them).
VACIO = "El archivo de la constancia está vacío."
NO_PDF = "El archivo no es un PDF."
DEMASIADO_GRANDE = "El archivo es demasiado grande para ser una constancia de firma."
ILEGIBLE = "El PDF está incompleto o dañado: no se puede leer su firma. Cópialo de nuevo."
FIRMA_ALTERADA = (
    "La firma electrónica del PDF fue alterada: su diccionario (los datos de la firma) ya no "
    "se puede leer como una firma, así que no prueba nada."
)
SIN_FIRMA = "El PDF no tiene firma electrónica: no es una constancia de firma de la informativa."
NO_ES_CONSTANCIA = (
    "El PDF está firmado, pero no es una constancia de firma de la informativa ICSOE."
)
DANADO = "La constancia está dañada: sus datos firmados no se pueden leer."
VERSION_NUEVA = "La constancia es de una versión más reciente de la aplicación: actualízala."
FIRMA_ROTA = (
    "La firma electrónica no corresponde al contenido del PDF: la constancia fue alterada "
    "después de firmarse."
)
OTRO_CERTIFICADO_SELLO = "El sello y la firma del PDF no son del mismo certificado."
SELLO_INVALIDO = "El sello digital no corresponde a la cadena original: la constancia fue alterada."
AUTOFIRMADO = (
    "El certificado de la firma es autofirmado: no lo emitió el SAT, cualquiera puede hacer uno "
    "con ese nombre."
)
NO_CONFIABLE = (
    "El certificado de la firma no fue emitido por una autoridad certificadora del SAT "
    "confiable en este equipo."
)
SOLO_SELLOS = (
    "El certificado de la firma lo emitió {emisor}, autoridad confiable en este equipo sólo para "
    "sellos de tiempo, no como emisor de e.firma."
)
NO_EFIRMA = "El certificado de la firma no es una e.firma (FIEL): {tipo}."
NO_VIGENTE = (
    "El certificado de la firma no estaba vigente en la fecha de firma ({fecha}): vigente del "
    "{desde:%d/%m/%Y} al {hasta:%d/%m/%Y}."
)
NO_VIGENTE_SELLO = (
    "El certificado de la firma no estaba vigente a la hora del sello de tiempo ({fecha}), "
    "cuando se firmó: vigente del {desde:%d/%m/%Y} al {hasta:%d/%m/%Y}."
)
CADENA_NO_VIGENTE = (
    "Un certificado de la autoridad que emitió la e.firma no estaba vigente a la hora en que "
    "se comprueba la firma ({fecha})."
)
FECHA_FUTURA = (
    "La fecha de firma ({fecha}) es posterior a la hora de este equipo ({ahora}): la fecha de "
    "firma no es verdadera."
)
NO_COMPROBABLE = (
    "El certificado de la firma ya no está vigente (vigente del {desde:%d/%m/%Y} al "
    "{hasta:%d/%m/%Y}) y la constancia no tiene un sello de tiempo confiable en este equipo que "
    "pruebe que se firmó mientras lo estaba: su fecha de firma ({fecha}) es la del reloj del "
    "equipo de quien firmó."
)
OTRO_RFC = "La e.firma es del RFC {firmante}, no de la contratista {rfc}."
FECHA_DISTINTA = (
    "La fecha de la firma del PDF no es la fecha de firma sellada en la cadena original."
)
PAGINAS_DISTINTAS = "Lo que muestran las páginas no corresponde a los datos firmados."
PRACTICA = (
    "La constancia es de capacitación (de la empresa de práctica, o de una e.firma de práctica "
    "o de pruebas): no tiene validez."
)
OTRO_CERTIFICADO = "La constancia no fue firmada con este certificado."
NO_ES_ESTA = (
    "No es la constancia de esta informativa: la informativa {identificador} guardada en "
    "{donde} se firmó con otro sello."
)
NO_FIRMADA = "La informativa {identificador} de {donde} no está firmada: la constancia no es suya."
CAMBIO = "La informativa guardada en {donde} cambió después de firmarse: ya no es la firmada."
CABECERA = (
    "El encabezado de la informativa guardada en {donde} (la contratista, sus contratos y "
    "contratantes) cambió después de firmarse: ya no es el de la informativa firmada."
)
NOMBRES = (
    "Los nombres de los trabajadores de la constancia no son los de la informativa guardada en "
    "{donde}."
)
# Where the stored informativa is: the open empresa, or another of the installation.
ESTA_EMPRESA, OTRA_EMPRESA = "esta empresa", "la empresa {empresa}"
SELLO_AJENO = (
    "El sello de tiempo no corresponde a esta firma: se tomó de otro documento o de otra firma."
)
SELLO_ROTO = "El sello de tiempo está alterado: su firma no corresponde a su contenido."
SELLO_DISTINTO = (
    "La fecha de firma sellada ({fecha}, la del equipo de quien firmó) difiere en más de "
    "{minutos} minutos de la del sello de tiempo ({sello}): la fecha de firma no es verdadera."
)
SELLO_CONFIABLE = (
    "Sello de tiempo: {fecha}, de {tsa}, autoridad de sellado de tiempo confiable en este "
    "equipo: la constancia ya estaba firmada a esa hora."
)
SELLO_NO_CONFIABLE = (
    "Sello de tiempo: {fecha}, de {tsa}; esa autoridad de sellado de tiempo no es confiable en "
    "este equipo (se agrega en Emisores confiables), así que no prueba la hora."
)
SELLO_DE_EMISOR = (
    "Sello de tiempo: {fecha}, de {tsa}; su autoridad es confiable en este equipo sólo como "
    "emisor de e.firma, no para sellos de tiempo, así que no prueba la hora (si es la de un "
    "servidor de sellos de tiempo, en Emisores confiables quítala y agrégala como «Autoridad de "
    "sellos de tiempo»)."
)
# How far the signer's clock may be from a time-stamp's (or, without one, from this computer's)
# before the signing time it claims is refused.
TOLERANCIA = timedelta(minutes=10)
CAMBIO_ILEGAL = "Se cambió el documento después de firmarlo: {que}."
# What ``CAMBIO_ILEGAL`` names (pades.validar.cambios_ilegales' codes).
CAMBIOS = {
    "firma": "se alteró el diccionario de la firma (se escribió de nuevo con otros datos)",
    "contenido": "se reemplazó el contenido de la página {n}",
    "anotacion": "se agregó una anotación encima de la página {n}",
    "campo": "se agregó un campo que dibuja sobre la página {n}",
    "catalogo": "se agregó o cambió {n} en el catálogo del PDF, que decide lo que se muestra",
    "otro": (
        "se agregaron o cambiaron partes del PDF que no son firmas, sellos de tiempo ni datos "
        "de validación"
    ),
}
FIRMA_POSTERIOR = (
    "Firma agregada después de la constancia (no es parte de lo que firmó la contratista): "
    "{nombre}{fecha}."
)
SELLO_POSTERIOR = "Sello de tiempo del documento, agregado después de la firma: {nombre}{fecha}."
# After ``FIRMA_POSTERIOR`` (or ``SELLO_POSTERIOR``), of one whose visible stamp draws on a page.
SE_VE = (
    " Su firma visible se dibuja sobre la página {n}: es válida en este equipo, pero lo que "
    "muestra no es parte de la constancia."
)
# What the signing update itself changed beyond signing (pades.mostrado.al_firmar's codes).
AL_FIRMAR = "Al firmar se cambió lo que muestra el PDF, más allá de la constancia: {que}."
CAMBIOS_AL_FIRMAR = {
    "/Root": "el PDF apunta a otro catálogo",
    "/Pages": "el catálogo apunta a otras páginas (/Pages)",
    "": "el catálogo o las páginas no se pueden comparar con las de la constancia",
}
CLAVE_AL_FIRMAR = "el catálogo agrega o cambia {clave}, que decide lo que se muestra"
EFIRMA_REVOCADA = "La e.firma fue revocada el {revocada}, antes de {cuando}."
CADENA_REVOCADA = (
    "Un certificado de la autoridad que emitió la e.firma fue revocado el {revocada}, antes de "
    "{cuando}."
)
REVOCACION_COMPROBADA = (
    "Revocación comprobada: la e.firma no estaba revocada a {cuando}, según los datos de "
    "revocación (CRL u OCSP) de su emisor guardados en la constancia."
)
SIN_REVOCACION = "No se pudo comprobar la revocación: {porque}."
EMISOR_SIN_REVOCACION = (
    "el emisor de la e.firma no publica una lista de revocación (CRL) ni un servicio OCSP"
)
SIN_DATOS_REVOCACION = (
    "la constancia no guarda datos de revocación (CRL u OCSP) de su emisor que valgan para "
    "{cuando} (al firmar no se pudieron obtener)"
)
# The time revocation is judged at, in the words above.
A_LA_HORA_DEL_SELLO = "la hora del sello de tiempo ({fecha})"
A_LA_HORA_DEL_EQUIPO = "la hora de este equipo ({fecha}; sin sello de tiempo confiable)"
NO_VALIDA = "La constancia de firma no es válida:"
NO_SE_PUEDE = "No se puede comprobar la constancia de firma:"
SIN_PRUEBA = "sin sello de tiempo confiable en este equipo, esa fecha no está probada"
CAMBIOS_POSTERIORES = (
    "Hay cambios posteriores a la firma: el PDF tiene datos agregados después de firmarse. Lo "
    "firmado está íntegro y es lo que se describe; lo agregado no forma parte de la firma."
)


@dataclass(frozen=True)
class ConstanciaLeida:
    """What a constancia's signed revision carries."""

    cadena: str = field(repr=False)
    sello: str = field(repr=False)
    certificado_der: bytes = field(repr=False)
    info: CertificateInfo = field(repr=False)
    sellada: Campos = field(repr=False)
    # SHA-256 (hex) of the frozen copy and of its header copy the store kept at signing.
    huellas: tuple[str, str] | None = field(default=None, repr=False)
    # Version 4: the characters that read the annex's names (the workers read from its rows),
    # and where each page's content is (drawing them again takes those bytes).
    caracteres: str | None = field(default=None, repr=False)
    leidos: Leidos | None = field(default=None, repr=False, compare=False)

    @property
    def informativa(self) -> Informativa:
        """What was signed; its contracts without their workers (``sellada.trabajadores``)."""
        return self.sellada.informativa

    @property
    def fecha_firma(self) -> datetime:
        assert self.sellada.firmada is not None
        return self.sellada.firmada

    @property
    def identificador(self) -> str:
        """RFC, periodo, tipo and internal identifier (its uuid; not the IMSS's folio): how
        the informativa is named anywhere."""
        inf = self.informativa
        return (
            f"{inf.contratista.rfc} {inf.periodo.clave} {TIPOS.get(inf.tipo, inf.tipo)} {inf.uuid}"
        )


@dataclass(frozen=True)
class Guardada:
    """The informativa of the same identifier in this store, as signed (None: not signed), with
    its row's frozen copies (None: signed before they were kept)."""

    cadena: str | None
    sello: str | None
    congelada: bytes | None = field(default=None, repr=False)
    cabecera: bytes | None = field(default=None, repr=False)
    firmada_at: datetime | None = None
    empresa: str | None = None  # another empresa of the installation holds it (its label)
    constancia: bytes | None = field(default=None, repr=False)  # the one *Firmar* kept

    @property
    def donde(self) -> str:
        return ESTA_EMPRESA if self.empresa is None else OTRA_EMPRESA.format(empresa=self.empresa)


@dataclass(frozen=True)
class SelloTiempo:
    """A constancia's signature time-stamp, as checked."""

    momento: datetime  # in Central Mexico time
    tsa: str
    confiable: bool  # its TSA chains to this installation's time-stamp authorities
    solo_efirma: bool = False  # not confiable, but its TSA chains to an e.firma issuer here


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
            lineas.append(_revocacion(self.revocacion, self.fecha_probada is not None))
        for posterior in self.posteriores:
            texto = SELLO_POSTERIOR if posterior.sello else FIRMA_POSTERIOR
            fecha = (
                "" if posterior.momento is None else f", {fecha_hora(_centro(posterior.momento))}"
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
        datos["huellas"] = dict(zip(_HUELLAS, map(_huella, congeladas), strict=True))
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
        leido = json.loads(datos.decode("ascii"))
        if leido["formato"] != FORMATO:
            raise ValueError("formato")
        version = leido["version"]
        if type(version) is int and version > VERSION:
            raise ValidationError("constancia_version", VERSION_NUEVA)
        if version not in (_SIN_NOMBRES, _EN_ADJUNTO, VERSION):
            raise ValueError("version")
        caracteres, nombres, leidos = None, leido.get("nombres"), None
        if version == VERSION:
            if {"cadena", "nombres"} & set(leido) or not _HEX.fullmatch(str(leido["sha256"])):
                raise ValueError("sha256")
            caracteres = _caracteres(leido["caracteres"])
            campos, en_anexo, leidos = _del_anexo(str(leido["sin_filas"]), paginas, caracteres)
            cadena = unidos(campos)
            if huella_del_anexo(cadena, [en_anexo]) != leido["sha256"]:
                raise ValidationError("constancia_paginas", PAGINAS_DISTINTAS)
            sellada = leer_campos(cadena, campos=campos)  # not split out of it again
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
    except ValidationError as exc:
        if exc.code in ("constancia_version", "constancia_paginas"):
            raise
        raise ValidationError("constancia_danada", DANADO) from exc
    except (ValueError, TypeError, KeyError, binascii.Error, DomainError) as exc:
        raise ValidationError("constancia_danada", DANADO) from exc
    return ConstanciaLeida(
        cadena, sello, info.certificado_der, info, sellada, huellas, caracteres, leidos
    )


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


def _huella(datos: bytes) -> str:
    return hashlib.sha256(datos).hexdigest()


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


_XREF = re.compile(rb"\nxref\n0 (\d+)\n")


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
    from icsoe_desktop.services.informativa.constancia_pdf import dibujar, fecha_hora
    from icsoe_desktop.services.pades import validar as pades
    from icsoe_desktop.services.pades.validar import (
        FirmaIlegible,
        cambios_ilegales,
        leer_firma,
        validar,
    )

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
    ruta = confianza.chain(firma.certificado, list(firma.otros))
    practica = leida.sellada.capacitacion or any(map(autoridad_de_practica, ruta))
    anclas = [ruta[-1].der] if ruta else []
    intermedios = [e.der for e in ruta[:-1]] + list(firma.otros)
    leido = firma.sello_tiempo
    contexto_sello = None
    if leido is not None:  # its TSA checked against the time-stamp authorities only
        ruta_tsa = sellos.chain(leido.certificado, list(leido.otros)) if sellos else []
        contexto_sello = (
            [ruta_tsa[-1].der] if ruta_tsa else [],
            [e.der for e in ruta_tsa[:-1]] + list(leido.otros),
            leido.momento,
        )
    ahora = _as_utc(ahora or datetime.now(UTC))
    veredicto = validar(handle, anclas, intermedios, ahora, contexto_sello)
    if not veredicto.intacta:
        return Verificacion(False, (FIRMA_ROTA,), leida, firma.cambios_posteriores)
    motivos: list[str] = []
    encontrados: list[tuple[str, int | str]] = []
    if veredicto.cambios_ilegales:  # pyHanko's difference analysis: refused, naming what
        encontrados = list(cambios_ilegales(handle))
    # Stricter than pyHanko: whatever draws on a page after signing, but a valid later
    # signature's stamp (named), even in an update pyHanko admits.
    posteriores, dibujan = _encima(firma, handle, confianza, sellos, ahora)
    encontrados += [d for d in dibujan if d not in encontrados]
    if ("otro", 0) in encontrados and len(encontrados) > 1:
        encontrados.remove(("otro", 0))  # named otherwise
    if encontrados:
        que = "; ".join(_cambio(codigo, n) for codigo, n in encontrados)
        motivos.append(CAMBIO_ILEGAL.format(que=que))
        if any(codigo == "firma" for codigo, _ in encontrados):
            # Its date, byte ranges and revision are now what was written later: nothing
            # else read from it would be about the signature made.
            return Verificacion(False, tuple(motivos), leida, firma.cambios_posteriores)
    sello_tiempo = None
    fecha = leida.fecha_firma
    if leido is not None and veredicto.sello is not None:
        if not veredicto.sello.sobre_la_firma:
            motivos.append(SELLO_AJENO)
        elif not veredicto.sello.integro:
            motivos.append(SELLO_ROTO)
        else:
            sello_tiempo = SelloTiempo(
                _centro(leido.momento),
                leido.tsa,
                veredicto.sello.confiable,
                not veredicto.sello.confiable
                and confianza.verifies(leido.certificado, list(leido.otros)),
            )
            if abs(sello_tiempo.momento - fecha) > TOLERANCIA:
                motivos.append(
                    SELLO_DISTINTO.format(
                        fecha=fecha_hora(fecha),
                        minutos=int(TOLERANCIA.total_seconds() // 60),
                        sello=fecha_hora(sello_tiempo.momento),
                    )
                )
    probada = sello_tiempo.momento if sello_tiempo and veredicto.probado else None
    info, inf = leida.info, leida.informativa
    if practica and not en_capacitacion:
        motivos.append(PRACTICA)
    if leida.certificado_der != firma.certificado:
        motivos.append(OTRO_CERTIFICADO_SELLO)
    elif not verificar_sello(leida.cadena, leida.sello, leida.certificado_der):
        motivos.append(SELLO_INVALIDO)
    if info.emisor_der == _sujeto(firma.certificado):
        motivos.append(AUTOFIRMADO)
    elif not veredicto.confiable:
        de_sellos = sellos.chain(firma.certificado, list(firma.otros)) if sellos else []
        motivos.append(
            SOLO_SELLOS.format(emisor=de_sellos[-1].nombre) if de_sellos else NO_CONFIABLE
        )
    if info.tipo != "FIEL":
        tipo = "es un Certificado de Sello Digital (CSD)" if info.tipo == "CSD" else info.tipo
        motivos.append(NO_EFIRMA.format(tipo=tipo))
    desde, hasta = _as_utc(info.valido_desde), _as_utc(info.valido_hasta)
    vigencia = {"desde": info.valido_desde, "hasta": info.valido_hasta}
    comprobable = True
    if probada is not None:  # a trusted TSA says when: the certificate judged then
        if not desde <= probada <= hasta:
            motivos.append(NO_VIGENTE_SELLO.format(fecha=fecha_hora(probada), **vigencia))
    elif fecha > ahora + TOLERANCIA:
        motivos.append(
            FECHA_FUTURA.format(fecha=fecha_hora(fecha), ahora=fecha_hora(_centro(ahora)))
        )
    elif not desde <= fecha <= hasta:  # the signer's own clock contradicts the certificate
        motivos.append(NO_VIGENTE.format(fecha=fecha_hora(fecha), **vigencia))
    elif not desde <= ahora <= hasta:  # only the signer's clock says it was valid then
        comprobable = False
    if desde <= (probada or ahora) <= hasta and not veredicto.vigente and veredicto.confiable:
        momento = _centro(veredicto.momento or ahora)
        motivos.append(CADENA_NO_VIGENTE.format(fecha=fecha_hora(momento)))
    revocacion = None
    if veredicto.confiable and veredicto.vigente and not motivos:
        revocacion = pades.revocacion(handle, anclas, intermedios, veredicto.momento or ahora)
        if revocacion.estado == pades.REVOCADA:
            motivos.append(_revocacion(revocacion, probada is not None))
    if info.rfc != inf.contratista.rfc:
        motivos.append(OTRO_RFC.format(firmante=info.rfc or "desconocido", rfc=inf.contratista.rfc))
    if firma.momento is None or firma.momento != fecha:
        motivos.append(FECHA_DISTINTA)
    try:
        dibujo = dibujar(
            leida.sellada,
            leida.cadena,
            leida.sello,
            info.no_certificado,
            info.nombre,
            firma.base,
            leida.caracteres,
            leida.leidos,
        )
    except Exception:  # sealed data the writer cannot draw: no page of ours shows them
        log.warning("No se pudieron dibujar los datos sellados", exc_info=True)
        dibujo = b""
    if not _paginas_selladas(firma, dibujo):
        motivos.append(PAGINAS_DISTINTAS)
    if firma.al_firmar:
        que = "; ".join(_al_firmar(codigo, valor) for codigo, valor in firma.al_firmar)
        motivos.append(AL_FIRMAR.format(que=que))
    if certificado_der is not None:
        try:
            propio = load_certificate(certificado_der).certificado_der
        except DomainError as error:
            motivos.append(error.message)
        else:
            if propio != leida.certificado_der:
                motivos.append(OTRO_CERTIFICADO)
    if guardada is not None and (guardado := guardada(leida)) is not None:
        donde = guardado.donde
        if guardado.cadena is None:
            motivos.append(NO_FIRMADA.format(identificador=leida.identificador, donde=donde))
        elif (guardado.cadena, guardado.sello) != (leida.cadena, leida.sello):
            motivos.append(NO_ES_ESTA.format(identificador=leida.identificador, donde=donde))
        else:
            # Only once the constancia proved valid: a forgery never vouches for a copy.
            nombradas = not motivos and _copias_nombradas(leida, guardado)
            revision = firma.revision_firmada if nombradas else None
            if motivo := _alterada(leida, guardado, nombradas) or _nombres_ajenos(
                leida, guardado, revision
            ):
                motivos.append(motivo.format(donde=donde))
    if not motivos and not comprobable:
        motivos.append(NO_COMPROBABLE.format(fecha=fecha_hora(fecha), **vigencia))
    else:
        comprobable = True
    return Verificacion(
        not motivos,
        tuple(motivos),
        leida,
        firma.cambios_posteriores,
        sello_tiempo,
        comprobable,
        probada,
        posteriores,
        practica,
        revocacion,
    )


def _rota(handle: object, momento: datetime | None) -> str:
    """``FIRMA_ROTA`` when the signature does not cover the PDF's bytes it names, else ""."""
    from icsoe_desktop.services.pades.validar import validar

    try:
        return "" if validar(handle, [], [], momento).intacta else FIRMA_ROTA
    except Exception:  # pyHanko cannot even evaluate it: the other reason stands
        log.warning("No se pudo evaluar la integridad de la firma", exc_info=True)
        return ""


def _revocacion(revocacion: Revocacion, probada: bool) -> str:
    """What the verdict says of the revocation judged (``probada``: at a trusted token's time)."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora
    from icsoe_desktop.services.pades import validar as pades

    a_la_hora = A_LA_HORA_DEL_SELLO if probada else A_LA_HORA_DEL_EQUIPO
    cuando = a_la_hora.format(fecha=fecha_hora(_centro(revocacion.momento)))
    if revocacion.estado == pades.REVOCADA:
        assert revocacion.fecha is not None
        texto = EFIRMA_REVOCADA if revocacion.propia else CADENA_REVOCADA
        return texto.format(revocada=fecha_hora(_centro(revocacion.fecha)), cuando=cuando)
    if revocacion.estado == pades.COMPROBADA:
        return REVOCACION_COMPROBADA.format(cuando=cuando)
    sin_servicio = revocacion.estado == pades.SIN_SERVICIO
    porque = EMISOR_SIN_REVOCACION if sin_servicio else SIN_DATOS_REVOCACION
    return SIN_REVOCACION.format(porque=porque.format(cuando=cuando))


def _cambio(codigo: str, n: int | str) -> str:
    if codigo in ("paginas+", "paginas-"):
        verbo = (
            ("se agregó", "se agregaron") if codigo == "paginas+" else ("se quitó", "se quitaron")
        )
        return f"{verbo[0]} una página" if n == 1 else f"{verbo[1]} {n} páginas"
    return CAMBIOS.get(codigo, CAMBIOS["otro"]).format(n=n)


def _al_firmar(codigo: str, valor: object) -> str:
    if codigo == "catalogo":
        clave = str(valor)
        return CAMBIOS_AL_FIRMAR.get(clave) or CLAVE_AL_FIRMAR.format(clave=clave)
    return _cambio(codigo, str(valor))


def _encima(
    firma: FirmaPdf,
    handle: object,
    confianza: TrustStore,
    sellos: TrustStore | None,
    ahora: datetime,
) -> tuple[tuple[FirmaPosterior, ...], list[tuple[str, int | str]]]:
    """The later signatures, those whose visible stamp draws on a page and that are valid
    here with that page; and what else draws on a page after signing (``CAMBIOS``' codes)."""
    from icsoe_desktop.services.pades import validar as pades

    posteriores = list(firma.posteriores)
    if not firma.cambios_posteriores:
        return tuple(posteriores), []
    try:
        encima = pades.encima(handle)
    except Exception as exc:  # a page tree too broken to walk: pyHanko judges it
        log.info("Páginas no recorribles: %r", exc)
        return tuple(posteriores), []
    dibujan: list[tuple[str, int | str]] = []
    for dibujo in encima:
        cual = next(
            (
                i
                for i, p in enumerate(posteriores)
                if dibujo.firma is not None and p.referencia == dibujo.firma.idnum
            ),
            None,
        )
        if cual is not None and _posterior_valida(posteriores[cual], confianza, sellos, ahora):
            if not posteriores[cual].pagina:
                posteriores[cual] = replace(posteriores[cual], pagina=dibujo.pagina)
            continue
        cambio = ("campo" if dibujo.campo else "anotacion", dibujo.pagina)
        if cambio not in dibujan:
            dibujan.append(cambio)
    return tuple(posteriores), dibujan


def _posterior_valida(
    posterior: FirmaPosterior, confianza: TrustStore, sellos: TrustStore | None, ahora: datetime
) -> bool:
    """Whether a later signature is valid here: a signature of an e.firma issuer's, a
    document time-stamp of a time-stamp authority's, intact and trusted now."""
    from icsoe_desktop.services.pades.validar import posterior_valida

    if not posterior.certificado:
        return False
    anclas = sellos if posterior.sello else confianza
    ruta = anclas.chain(posterior.certificado, list(posterior.otros)) if anclas else []
    if not ruta:
        return False
    intermedios = [e.der for e in ruta[:-1]] + list(posterior.otros)
    return posterior_valida(posterior, [ruta[-1].der], intermedios, ahora)


def _alterada(leida: ConstanciaLeida, guardada: Guardada, nombradas: bool) -> str | None:
    """Why the stored informativa, signed with the constancia's cadena and sello, is no longer
    what was signed (``CAMBIO``, ``CABECERA``), or None. ``nombradas``: the constancia proved
    valid (its SHA-256 are the contratista's) and the frozen copies are byte for byte the ones
    they name: not read; any other must say what the cadena seals."""
    congelada, cabecera = guardada.congelada, guardada.cabecera
    if not congelada:
        # Signed before the frozen copies were kept: read from its cadena, the constancia's
        # (a header copy without a whole one was not written by the app).
        return CAMBIO if guardada.firmada_at is None else (CABECERA if cabecera else None)
    if nombradas:
        return None
    try:
        comprobada = comprobar(congelada, cabecera)
    except ValidationError:  # what was signed can no longer be read: not the same
        return CAMBIO
    if (comprobada.contenido, comprobada.firmada.isoformat()) != (
        contenido(leida.cadena),
        leida.fecha_firma.isoformat(),
    ):
        return CAMBIO
    return None if comprobada.cabecera else CABECERA


def _copias_nombradas(leida: ConstanciaLeida, guardada: Guardada) -> bool:
    """Whether the stored frozen copies are byte for byte the ones the constancia's signature
    names (their SHA-256)."""
    firmadas, congelada, cabecera = leida.huellas, guardada.congelada, guardada.cabecera
    return (
        firmadas is not None
        and congelada is not None
        and _huella(congelada) == firmadas[0]
        and (cabecera is None or _huella(cabecera) == firmadas[1])
    )


def _nombres_ajenos(
    leida: ConstanciaLeida, guardada: Guardada, revision: bytes | None
) -> str | None:
    """``NOMBRES`` when the constancia carries names and the stored copy signed with its cadena
    names the workers otherwise: the cadena and the SHA-256 leave the names to the PDF's
    signature, so a second PDF signed with the same e.firma could carry others. Not read
    (hundreds of thousands) when the constancia, proved valid beside the very frozen copies
    its signature names (``revision``: its signed revision), is byte for byte the one the
    store kept at *Firmar*, which wrote its names and theirs from the same rows."""
    if leida.sellada.nombres is None or not guardada.congelada:
        return None
    conservada = guardada.constancia
    # Compared through a view: no copy of tens of MB.
    if revision is not None and conservada and memoryview(conservada)[: len(revision)] == revision:
        return None
    try:
        guardados = nombres_congelados(guardada.congelada)
    except ValidationError:  # what was signed can no longer be read: not the same
        return CAMBIO
    return None if guardados == leida.sellada.nombres else NOMBRES


def _paginas_selladas(firma: FirmaPdf, dibujo: bytes) -> bool:
    """The signed revision is the pages the sealed data draw plus one update (the signature's)
    that redefines none of their objects but the catalog and /Info."""
    if firma.revisiones != 2 or firma.base != dibujo:
        return False
    marca = _XREF.search(dibujo)
    if marca is None:
        return False
    propios = int(marca.group(1))
    permitidos = {firma.raiz, firma.info}
    return all(n >= propios or n in permitidos for n in firma.objetos_cambiados)


def _sujeto(der: bytes) -> bytes:
    from icsoe_desktop.domain.credentials.certificates import raw_certificate

    try:
        return raw_certificate(der).subject_der
    except Exception:  # read once already by load_certificate: never expected
        return b""


def _as_utc(momento: datetime) -> datetime:
    return momento.replace(tzinfo=UTC) if momento.tzinfo is None else momento


def _centro(momento: datetime) -> datetime:
    return hora_del_centro(momento.astimezone(UTC).replace(tzinfo=None))
