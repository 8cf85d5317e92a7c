"""What the constancia's reading, its checks and its verdict share: the words of every refusal
(the manual's «Si algo sale mal» lists them) and what a constancia's signed revision carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from icsoe_desktop.domain.credentials import CertificateInfo
from icsoe_desktop.domain.informativa.cadena import Campos
from icsoe_desktop.domain.informativa.modelo import TIPOS, Informativa

if TYPE_CHECKING:
    from icsoe_desktop.services.informativa.constancia_pdf import Leidos

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
    "catalogo": "se agregó o cambió {n} en el catálogo del PDF, que decide lo que se muestra",
    "otro": (
        "se agregaron o cambiaron partes del PDF que no son firmas, sellos de tiempo ni datos "
        "de validación"
    ),
}
# A field that draws on a page (the code "campo", its pades.mostrado.Encima), named; ``como``:
# ``SOLO_IMPRESO`` or ``SIN_VISTA`` when it is flagged not to show on screen, else "".
CAMPO_DIBUJA = "se agregó el campo {campo}, que dibuja sobre la página {n}{como}"
CAMPO_NOMBRE, CAMPO_SIN_NOMBRE = "«{nombre}»", "sin nombre"
SOLO_IMPRESO = " al imprimirse, aunque no se vea en pantalla"
SIN_VISTA = " aunque está marcado para no verse en pantalla"
# The visible stamp of a later signature (or document time-stamp) that is not accepted.
FIRMA_ENCIMA = (
    "la firma visible que agregó después {quien} (campo {campo}) dibuja sobre la página "
    "{n}{como}, y {porque}"
)
FIRMA_NO_VALIDA = "esa firma no es válida en este equipo"
FIRMA_CAMBIADA = (
    "el documento se cambió después de esa firma más allá de lo que ella admite (su firma "
    "visible se dibujó de nuevo, por ejemplo)"
)
SELLO_ENCIMA = (
    "el sello de tiempo del documento de {tsa} (campo {campo}) dibuja sobre la página {n}{como}; "
    "un sello de tiempo no es una e.firma (cualquiera puede pedirlo) y no puede mostrar nada "
    "sobre la constancia"
)
FIRMA_POSTERIOR = (
    "Firma agregada después de la constancia (no es parte de lo que firmó la contratista): "
    "{nombre}{fecha}."
)
# After a later signer's name (in ``FIRMA_POSTERIOR`` and ``FIRMA_ENCIMA``).
RFC_POSTERIOR = "{nombre}, RFC {rfc}"
SIN_RFC_POSTERIOR = "{nombre}, sin RFC en su certificado"
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
SU_FIRMA_DIBUJA = (
    "la firma misma (su campo {campo}) dibuja sobre la página {n}{como}; la aplicación firma "
    "sin dibujar nada sobre sus páginas, así que no es su constancia"
)
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
