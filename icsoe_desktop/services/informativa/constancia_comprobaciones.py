"""The checks of a constancia's verification, one per concern, each returning its motive (the
Spanish reason it gives the user) or None; the verdict (``constancia.verificar_constancia``) is
the list of their motives, in ``COMPROBACIONES``' order.

A check reads the ``Contexto``: the signature read, what its signed revision carries, pyHanko's
verdict and what the caller gave, with what more than one check needs worked out once before
them (the later changes and signatures, the time-stamp). The motives before it are given too:
revocation is judged, and the stored copies are taken as the signature names them, only for a
constancia nothing refused so far.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.credentials import load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.cadena import contenido
from icsoe_desktop.domain.informativa.firmada import comprobar, nombres_congelados
from icsoe_desktop.domain.informativa.sello import verificar_sello
from icsoe_desktop.domain.practica import autoridad_de_practica
from icsoe_desktop.domain.trust import TrustStore

# cm.X: a motive's Spanish text, or a type the motives speak of (constancia_motivos.py).
from icsoe_desktop.services.informativa import constancia_motivos as cm

if TYPE_CHECKING:
    from icsoe_desktop.services.pades.mostrado import Encima
    from icsoe_desktop.services.pades.validar import (
        Cambio,
        FirmaPdf,
        FirmaPosterior,
        Revocacion,
        SelloLeido,
        Validacion,
    )

log = logging.getLogger(__name__)

_XREF = re.compile(rb"\nxref\n0 (\d+)\n")

# ``CAMBIOS``' codes, with the page, count or field each names; ``DIBUJO``: a later signature's
# stamp not accepted, described.
Cambios = list["Cambio"]
DIBUJO = "dibujo"


@dataclass
class Contexto:
    """What the checks look at. ``revocacion``: what the revocation check judged (None: not
    judged, something refused the constancia before it)."""

    firma: FirmaPdf
    handle: object
    leida: cm.ConstanciaLeida
    confianza: TrustStore
    sellos: TrustStore | None
    ahora: datetime  # aware
    en_capacitacion: bool
    certificado_der: bytes | None
    guardada: Callable[[cm.ConstanciaLeida], cm.Guardada | None] | None
    anclas: list[bytes]
    intermedios: list[bytes]
    veredicto: Validacion
    practica: bool
    posteriores: tuple[FirmaPosterior, ...] = ()
    cambios: Cambios = field(default_factory=list)
    sello_tiempo: cm.SelloTiempo | None = None
    revocacion: Revocacion | None = None

    @property
    def fecha(self) -> datetime:
        """The signing time the cadena seals (the signer's clock)."""
        return self.leida.fecha_firma

    @property
    def probada(self) -> datetime | None:
        """The signing time a trusted time-stamp proves."""
        sello = self.sello_tiempo
        return sello.momento if sello is not None and self.veredicto.probado else None

    @property
    def firma_reescrita(self) -> bool:
        """The signature dictionary was written again after signing: its date, byte ranges and
        revision are the later ones, so nothing else read from it is about the signature made."""
        return any(codigo == "firma" for codigo, _ in self.cambios)


def contexto(
    firma: FirmaPdf,
    handle: object,
    leida: cm.ConstanciaLeida,
    confianza: TrustStore,
    sellos: TrustStore | None,
    ahora: datetime,
    en_capacitacion: bool = False,
    certificado_der: bytes | None = None,
    guardada: Callable[[cm.ConstanciaLeida], cm.Guardada | None] | None = None,
) -> Contexto:
    """The signature judged by pyHanko against this installation's anchors; when it is intact,
    the later changes and, unless they wrote the signature again, its time-stamp."""
    from icsoe_desktop.services.pades.validar import validar

    ruta = confianza.chain(firma.certificado, list(firma.otros))
    practica = leida.sellada.capacitacion or any(map(autoridad_de_practica, ruta))
    anclas = [ruta[-1].der] if ruta else []
    intermedios = [e.der for e in ruta[:-1]] + list(firma.otros)
    veredicto = validar(
        handle, anclas, intermedios, ahora, _contexto_sello(firma.sello_tiempo, sellos)
    )
    c = Contexto(
        firma,
        handle,
        leida,
        confianza,
        sellos,
        ahora,
        en_capacitacion,
        certificado_der,
        guardada,
        anclas,
        intermedios,
        veredicto,
        practica,
    )
    if veredicto.intacta:
        c.posteriores, c.cambios = _cambios(c)
        if not c.firma_reescrita:
            c.sello_tiempo = _sello_tiempo(c)
    return c


def _contexto_sello(
    leido: SelloLeido | None, sellos: TrustStore | None
) -> tuple[list[bytes], list[bytes], datetime] | None:
    """The time-stamp's anchors, intermediates and time: its TSA checked against the
    time-stamp authorities only."""
    if leido is None:
        return None
    ruta_tsa = sellos.chain(leido.certificado, list(leido.otros)) if sellos else []
    return (
        [ruta_tsa[-1].der] if ruta_tsa else [],
        [e.der for e in ruta_tsa[:-1]] + list(leido.otros),
        leido.momento,
    )


def _cambios(c: Contexto) -> tuple[tuple[FirmaPosterior, ...], Cambios]:
    """The later signatures and what changed after signing: pyHanko's difference analysis and,
    stricter than it, whatever draws on a page after signing (on screen or in print) but the
    stamp of a later signature valid here and clean by its own difference analysis (named), even
    in an update pyHanko admits."""
    from icsoe_desktop.services.pades.validar import cambios_ilegales

    encontrados: Cambios = []
    if c.veredicto.cambios_ilegales:
        encontrados = list(cambios_ilegales(c.handle))
    posteriores, dibujan = _encima(c.firma, c.handle, c.confianza, c.ahora)
    encontrados += [d for d in dibujan if d not in encontrados]
    if ("otro", 0) in encontrados and len(encontrados) > 1:
        encontrados.remove(("otro", 0))  # named otherwise
    return posteriores, encontrados


def _sello_tiempo(c: Contexto) -> cm.SelloTiempo | None:
    """The signature time-stamp as checked, when it is over this signature and intact."""
    leido, sello = c.firma.sello_tiempo, c.veredicto.sello
    if leido is None or sello is None or not (sello.sobre_la_firma and sello.integro):
        return None
    return cm.SelloTiempo(
        centro(leido.momento),
        leido.tsa,
        sello.confiable,
        not sello.confiable and c.confianza.verifies(leido.certificado, list(leido.otros)),
    )


# --- the checks, in the verdict's order ------------------------------------------------------


def cambiado(c: Contexto, previos: Sequence[str] = ()) -> str | None:
    """What changed after signing that neither pyHanko nor the app admits, named."""
    if not c.cambios:
        return None
    return cm.CAMBIO_ILEGAL.format(que="; ".join(_cambio(codigo, n) for codigo, n in c.cambios))


def _sello_de_tiempo(c: Contexto, previos: Sequence[str]) -> str | None:
    """The signature time-stamp: over this signature, intact, within ``TOLERANCIA`` of the
    sealed signing time."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora

    sello = c.veredicto.sello
    if c.firma.sello_tiempo is None or sello is None:
        return None
    if not sello.sobre_la_firma:
        return cm.SELLO_AJENO
    if not sello.integro:
        return cm.SELLO_ROTO
    assert c.sello_tiempo is not None
    if abs(c.sello_tiempo.momento - c.fecha) <= cm.TOLERANCIA:
        return None
    return cm.SELLO_DISTINTO.format(
        fecha=fecha_hora(c.fecha),
        minutos=int(cm.TOLERANCIA.total_seconds() // 60),
        sello=fecha_hora(c.sello_tiempo.momento),
    )


def _practica(c: Contexto, previos: Sequence[str]) -> str | None:
    """A practice constancia outside the modo de capacitación."""
    return cm.PRACTICA if c.practica and not c.en_capacitacion else None


def _sello_digital(c: Contexto, previos: Sequence[str]) -> str | None:
    """The sello is the cadena's, by the certificate that signed the PDF."""
    leida = c.leida
    if leida.certificado_der != c.firma.certificado:
        return cm.OTRO_CERTIFICADO_SELLO
    if not verificar_sello(leida.cadena, leida.sello, leida.certificado_der):
        return cm.SELLO_INVALIDO
    return None


def _emisor(c: Contexto, previos: Sequence[str]) -> str | None:
    """The certificate chains to an e.firma issuer of this installation (not to itself, nor
    through a time-stamp authority only)."""
    if c.leida.info.emisor_der == _sujeto(c.firma.certificado):
        return cm.AUTOFIRMADO
    if c.veredicto.confiable:
        return None
    otros = list(c.firma.otros)
    de_sellos = c.sellos.chain(c.firma.certificado, otros) if c.sellos else []
    return cm.SOLO_SELLOS.format(emisor=de_sellos[-1].nombre) if de_sellos else cm.NO_CONFIABLE


def _efirma(c: Contexto, previos: Sequence[str]) -> str | None:
    """An e.firma, not a CSD."""
    info = c.leida.info
    if info.tipo == "FIEL":
        return None
    tipo = "es un Certificado de Sello Digital (CSD)" if info.tipo == "CSD" else info.tipo
    return cm.NO_EFIRMA.format(tipo=tipo)


def _vigencia(c: Contexto) -> tuple[datetime, datetime]:
    info = c.leida.info
    return as_utc(info.valido_desde), as_utc(info.valido_hasta)


def _vigente(c: Contexto, previos: Sequence[str]) -> str | None:
    """The certificate was valid when it signed: at the proven time, else by the signer's own
    clock (never in the future)."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora

    info, fecha, probada = c.leida.info, c.fecha, c.probada
    desde, hasta = _vigencia(c)
    vigencia = {"desde": info.valido_desde, "hasta": info.valido_hasta}
    if probada is not None:  # a trusted TSA says when: the certificate judged then
        if desde <= probada <= hasta:
            return None
        return cm.NO_VIGENTE_SELLO.format(fecha=fecha_hora(probada), **vigencia)
    if fecha > c.ahora + cm.TOLERANCIA:
        return cm.FECHA_FUTURA.format(fecha=fecha_hora(fecha), ahora=fecha_hora(centro(c.ahora)))
    if not desde <= fecha <= hasta:  # the signer's own clock contradicts the certificate
        return cm.NO_VIGENTE.format(fecha=fecha_hora(fecha), **vigencia)
    return None


def _cadena_vigente(c: Contexto, previos: Sequence[str]) -> str | None:
    """Every certificate of the path was valid when the e.firma was judged valid."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora

    desde, hasta = _vigencia(c)
    veredicto = c.veredicto
    if not (desde <= (c.probada or c.ahora) <= hasta) or veredicto.vigente:
        return None
    if not veredicto.confiable:
        return None
    return cm.CADENA_NO_VIGENTE.format(fecha=fecha_hora(centro(veredicto.momento or c.ahora)))


def _revocada(c: Contexto, previos: Sequence[str]) -> str | None:
    """Not revoked then, by the DSS (judged, into ``c.revocacion``, only for a trusted path
    valid then that nothing refused so far)."""
    from icsoe_desktop.services.pades import validar as pades

    veredicto = c.veredicto
    if not (veredicto.confiable and veredicto.vigente) or previos:
        return None
    momento = veredicto.momento or c.ahora
    c.revocacion = pades.revocacion(c.handle, c.anclas, c.intermedios, momento)
    if c.revocacion.estado != pades.REVOCADA:
        return None
    return revocacion(c.revocacion, c.probada is not None)


def _rfc(c: Contexto, previos: Sequence[str]) -> str | None:
    """The e.firma is the contratista's."""
    rfc, contratista = c.leida.info.rfc, c.leida.informativa.contratista.rfc
    if rfc == contratista:
        return None
    return cm.OTRO_RFC.format(firmante=rfc or "desconocido", rfc=contratista)


def _fecha(c: Contexto, previos: Sequence[str]) -> str | None:
    """The PDF signature's time is the one the cadena seals."""
    momento = c.firma.momento
    return cm.FECHA_DISTINTA if momento is None or momento != c.fecha else None


def _paginas(c: Contexto, previos: Sequence[str]) -> str | None:
    """The signed pages are the ones the sealed data draw, plus the signature's update."""
    from icsoe_desktop.services.informativa.constancia_pdf import dibujar

    leida = c.leida
    try:
        dibujo = dibujar(
            leida.sellada,
            leida.cadena,
            leida.sello,
            leida.info.no_certificado,
            leida.info.nombre,
            c.firma.base,
            leida.caracteres,
            leida.leidos,
        )
    except Exception:  # sealed data the writer cannot draw: no page of ours shows them
        log.warning("No se pudieron dibujar los datos sellados", exc_info=True)
        dibujo = b""
    return None if _paginas_selladas(c.firma, dibujo) else cm.PAGINAS_DISTINTAS


def _mostrado(c: Contexto, previos: Sequence[str]) -> str | None:
    """The signing update changed what the PDF shows only as signing needs (pades/mostrado.py)."""
    if not c.firma.al_firmar:
        return None
    que = "; ".join(_al_firmar(codigo, valor) for codigo, valor in c.firma.al_firmar)
    return cm.AL_FIRMAR.format(que=que)


def _certificado(c: Contexto, previos: Sequence[str]) -> str | None:
    """Signed with the certificate the caller names, when it names one."""
    if c.certificado_der is None:
        return None
    try:
        propio = load_certificate(c.certificado_der).certificado_der
    except DomainError as error:
        return error.message
    return cm.OTRO_CERTIFICADO if propio != c.leida.certificado_der else None


def _guardada(c: Contexto, previos: Sequence[str]) -> str | None:
    """The store's informativa of the same identifier, when it holds one: signed with this
    cadena and sello, its frozen copies and names still what was signed."""
    leida = c.leida
    if c.guardada is None or (guardado := c.guardada(leida)) is None:
        return None
    donde = guardado.donde
    if guardado.cadena is None:
        return cm.NO_FIRMADA.format(identificador=leida.identificador, donde=donde)
    if (guardado.cadena, guardado.sello) != (leida.cadena, leida.sello):
        return cm.NO_ES_ESTA.format(identificador=leida.identificador, donde=donde)
    # Only once the constancia proved valid: a forgery never vouches for a copy.
    nombradas = not previos and _copias_nombradas(leida, guardado)
    revision = c.firma.revision_firmada if nombradas else None
    motivo = _alterada(leida, guardado, nombradas) or _nombres_ajenos(leida, guardado, revision)
    return None if motivo is None else motivo.format(donde=donde)


Comprobacion = Callable[[Contexto, Sequence[str]], str | None]

# The version of the checks below: raised whenever one is added or made stricter, so that the
# constancias of rows already presentada are verified again (constancias_guardadas.py).
VERSION_COMPROBACIONES = 2

COMPROBACIONES: tuple[Comprobacion, ...] = (
    cambiado,
    _sello_de_tiempo,
    _practica,
    _sello_digital,
    _emisor,
    _efirma,
    _vigente,
    _cadena_vigente,
    _revocada,
    _rfc,
    _fecha,
    _paginas,
    _mostrado,
    _certificado,
    _guardada,
)


def motivos(c: Contexto) -> tuple[list[str], bool]:
    """The motives of every check, in order, and whether the constancia can be judged: when
    none refused it but only the signer's clock says its certificate was valid then, the one
    motive is ``NO_COMPROBABLE`` (and False)."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora

    encontrados: list[str] = []
    for comprobacion in COMPROBACIONES:
        if (motivo := comprobacion(c, encontrados)) is not None:
            encontrados.append(motivo)
    if encontrados or not _solo_el_reloj(c):
        return encontrados, True
    info = c.leida.info
    vigencia = {"desde": info.valido_desde, "hasta": info.valido_hasta}
    return [cm.NO_COMPROBABLE.format(fecha=fecha_hora(c.fecha), **vigencia)], False


def _solo_el_reloj(c: Contexto) -> bool:
    """Nothing proves when it was signed, the signer's clock puts it within the certificate's
    validity, but the certificate is no longer valid now."""
    desde, hasta = _vigencia(c)
    return (
        c.probada is None
        and not c.fecha > c.ahora + cm.TOLERANCIA
        and desde <= c.fecha <= hasta
        and not desde <= c.ahora <= hasta
    )


# --- what the checks share -------------------------------------------------------------------


def huella(datos: bytes) -> str:
    """SHA-256, in hex."""
    return hashlib.sha256(datos).hexdigest()


def revocacion(revocacion: Revocacion, probada: bool) -> str:
    """What the verdict says of the revocation judged (``probada``: at a trusted token's time)."""
    from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora
    from icsoe_desktop.services.pades import validar as pades

    a_la_hora = cm.A_LA_HORA_DEL_SELLO if probada else cm.A_LA_HORA_DEL_EQUIPO
    cuando = a_la_hora.format(fecha=fecha_hora(centro(revocacion.momento)))
    if revocacion.estado == pades.REVOCADA:
        assert revocacion.fecha is not None
        texto = cm.EFIRMA_REVOCADA if revocacion.propia else cm.CADENA_REVOCADA
        return texto.format(revocada=fecha_hora(centro(revocacion.fecha)), cuando=cuando)
    if revocacion.estado == pades.COMPROBADA:
        return cm.REVOCACION_COMPROBADA.format(cuando=cuando)
    sin_servicio = revocacion.estado == pades.SIN_SERVICIO
    porque = cm.EMISOR_SIN_REVOCACION if sin_servicio else cm.SIN_DATOS_REVOCACION
    return cm.SIN_REVOCACION.format(porque=porque.format(cuando=cuando))


def _cambio(codigo: str, n: int | str | Encima) -> str:
    from icsoe_desktop.services.pades.mostrado import Encima

    if isinstance(n, Encima):
        return cm.CAMPO_DIBUJA.format(campo=_nombre_campo(n), n=n.pagina, como=_como(n))
    if codigo == DIBUJO:
        return str(n)
    if codigo in ("paginas+", "paginas-"):
        verbo = (
            ("se agregó", "se agregaron") if codigo == "paginas+" else ("se quitó", "se quitaron")
        )
        return f"{verbo[0]} una página" if n == 1 else f"{verbo[1]} {n} páginas"
    return cm.CAMBIOS.get(codigo, cm.CAMBIOS["otro"]).format(n=n)


def _nombre_campo(dibujo: Encima) -> str:
    return cm.CAMPO_NOMBRE.format(nombre=dibujo.nombre) if dibujo.nombre else cm.CAMPO_SIN_NOMBRE


def _como(dibujo: Encima) -> str:
    """How a field flagged not to show on screen still draws (``CAMPO_DIBUJA``'s ``como``)."""
    if not dibujo.sin_vista:
        return ""
    return cm.SOLO_IMPRESO if dibujo.impresa else cm.SIN_VISTA


def _al_firmar(codigo: str, valor: object) -> str:
    from icsoe_desktop.services.pades.mostrado import SU_FIRMA, Encima

    if codigo == "catalogo":
        clave = str(valor)
        return cm.CAMBIOS_AL_FIRMAR.get(clave) or cm.CLAVE_AL_FIRMAR.format(clave=clave)
    if isinstance(valor, Encima):
        if codigo == SU_FIRMA:
            return cm.SU_FIRMA_DIBUJA.format(
                campo=_nombre_campo(valor), n=valor.pagina, como=_como(valor)
            )
        return _cambio(codigo, valor)
    return _cambio(codigo, str(valor))


def _encima(
    firma: FirmaPdf, handle: object, confianza: TrustStore, ahora: datetime
) -> tuple[tuple[FirmaPosterior, ...], Cambios]:
    """The later signatures (each signer's RFC read), those whose visible stamp draws on a page
    and that are valid here and clean by their own difference analysis with that page; and
    what else draws on a page after signing (``CAMBIOS``' codes, ``DIBUJO``)."""
    from icsoe_desktop.services.pades import validar as pades

    posteriores = [
        p if p.sello else replace(p, rfc=_rfc_de(p.certificado)) for p in firma.posteriores
    ]
    if not firma.cambios_posteriores:
        return tuple(posteriores), []
    try:
        encima = pades.encima(handle)
    except Exception as exc:  # a page tree too broken to walk: pyHanko judges it
        log.info("Páginas no recorribles: %r", exc)
        return tuple(posteriores), []
    dibujan: Cambios = []
    for dibujo in encima:
        cual = next(
            (
                i
                for i, p in enumerate(posteriores)
                if dibujo.firma is not None and p.referencia == dibujo.firma.idnum
            ),
            None,
        )
        cambio: Cambio
        if cual is None:
            cambio = ("campo", dibujo) if dibujo.campo else ("anotacion", dibujo.pagina)
        else:
            posterior = posteriores[cual]
            estado = None if posterior.sello else _posterior_valida(posterior, confianza, ahora)
            if estado == pades.VALIDA:
                if not posterior.pagina:
                    posteriores[cual] = replace(posterior, pagina=dibujo.pagina)
                continue
            cambio = (DIBUJO, _sello_encima(dibujo, posterior, estado))
        if cambio not in dibujan:
            dibujan.append(cambio)
    return tuple(posteriores), dibujan


def _sello_encima(dibujo: Encima, posterior: FirmaPosterior, estado: str | None) -> str:
    """Why the stamp of a later signature (``estado``: as ``posterior_valida`` judged it) or of
    a document time-stamp (None) that draws on a page is not accepted."""
    from icsoe_desktop.services.pades.validar import CAMBIADA

    campo, como = _nombre_campo(dibujo), _como(dibujo)
    if posterior.sello:
        tsa = posterior.nombre or cm.CAMPO_SIN_NOMBRE
        return cm.SELLO_ENCIMA.format(tsa=tsa, campo=campo, n=dibujo.pagina, como=como)
    porque = cm.FIRMA_CAMBIADA if estado == CAMBIADA else cm.FIRMA_NO_VALIDA
    return cm.FIRMA_ENCIMA.format(
        quien=firmante(posterior), campo=campo, n=dibujo.pagina, como=como, porque=porque
    )


def firmante(posterior: FirmaPosterior) -> str:
    """A later signer as the verdict names it: its name and its RFC."""
    nombre = posterior.nombre or "sin nombre"
    if posterior.rfc:
        return cm.RFC_POSTERIOR.format(nombre=nombre, rfc=posterior.rfc)
    return cm.SIN_RFC_POSTERIOR.format(nombre=nombre)


def _rfc_de(der: bytes) -> str:
    """The RFC a certificate carries, read as an e.firma's is ("": none, or unreadable)."""
    try:
        return load_certificate(der).rfc
    except DomainError:
        return ""


def _posterior_valida(posterior: FirmaPosterior, confianza: TrustStore, ahora: datetime) -> str:
    """How a later signature stands here (``pades.posterior_valida``): of an e.firma issuer's,
    intact, trusted now, and clean by its own difference analysis."""
    from icsoe_desktop.services.pades.validar import NO_VALIDA, posterior_valida

    # No certificate read (b""): no path.
    ruta = confianza.chain(posterior.certificado, list(posterior.otros))
    if not ruta:
        return NO_VALIDA
    intermedios = [e.der for e in ruta[:-1]] + list(posterior.otros)
    return posterior_valida(posterior, [ruta[-1].der], intermedios, ahora)


def _alterada(leida: cm.ConstanciaLeida, guardada: cm.Guardada, nombradas: bool) -> str | None:
    """Why the stored informativa, signed with the constancia's cadena and sello, is no longer
    what was signed (``CAMBIO``, ``CABECERA``), or None. ``nombradas``: the constancia proved
    valid (its SHA-256 are the contratista's) and the frozen copies are byte for byte the ones
    they name: not read; any other must say what the cadena seals."""
    congelada, cabecera = guardada.congelada, guardada.cabecera
    if not congelada:
        # Signed before the frozen copies were kept: read from its cadena, the constancia's
        # (a header copy without a whole one was not written by the app).
        return cm.CAMBIO if guardada.firmada_at is None else (cm.CABECERA if cabecera else None)
    if nombradas:
        return None
    try:
        comprobada = comprobar(congelada, cabecera)
    except ValidationError:  # what was signed can no longer be read: not the same
        return cm.CAMBIO
    if (comprobada.contenido, comprobada.firmada.isoformat()) != (
        contenido(leida.cadena),
        leida.fecha_firma.isoformat(),
    ):
        return cm.CAMBIO
    return None if comprobada.cabecera else cm.CABECERA


def _copias_nombradas(leida: cm.ConstanciaLeida, guardada: cm.Guardada) -> bool:
    """Whether the stored frozen copies are byte for byte the ones the constancia's signature
    names (their SHA-256)."""
    firmadas, congelada, cabecera = leida.huellas, guardada.congelada, guardada.cabecera
    return (
        firmadas is not None
        and congelada is not None
        and huella(congelada) == firmadas[0]
        and (cabecera is None or huella(cabecera) == firmadas[1])
    )


def _nombres_ajenos(
    leida: cm.ConstanciaLeida, guardada: cm.Guardada, revision: bytes | None
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
        return cm.CAMBIO
    return None if guardados == leida.sellada.nombres else cm.NOMBRES


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


def as_utc(momento: datetime) -> datetime:
    return momento.replace(tzinfo=UTC) if momento.tzinfo is None else momento


def centro(momento: datetime) -> datetime:
    return hora_del_centro(momento.astimezone(UTC).replace(tzinfo=None))
