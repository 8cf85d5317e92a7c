"""Reading a constancia: its attachment (``ADJUNTO``) in the signed revision, the workers a
version 4 annex shows, and what the file must be before its signature is read. What it reads
is described in constancia.py; a refusal is a ``ValidationError`` in the verification's words."""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from icsoe_desktop.domain.credentials import load_certificate
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.informativa.cadena import (
    Campos,
    EnTexto,
    campos_con_filas,
    juntos,
    leer_campos,
    son_campos,
    unidos,
)
from icsoe_desktop.domain.informativa.sello import sha256_utf8
from icsoe_desktop.services.informativa.constancia_motivos import (
    DANADO,
    DEMASIADO_GRANDE,
    FIRMA_ROTA,
    ILEGIBLE,
    NO_ES_CONSTANCIA,
    NO_PDF,
    PAGINAS_DISTINTAS,
    VACIO,
    VERSION_NUEVA,
    ConstanciaLeida,
)

if TYPE_CHECKING:
    from icsoe_desktop.services.informativa.constancia_pdf import Leidos

log = logging.getLogger(__name__)

FORMATO, VERSION = "ICSOE-CONSTANCIA", 4
# The versions before, still verified: without the workers' names; with the workers' fields
# in the attachment too (still written when the annex could not be read back: ``EN_ADJUNTO``).
_SIN_NOMBRES, EN_ADJUNTO = 2, 3
ADJUNTO = "constancia-icsoe.json"
_MAX_CONSTANCIA = 256_000_000  # 50 contracts of 12,000 workers: ~23 MB


def adjunto_firmado(revision: bytes) -> bytes | None:
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


def leer_adjunto(datos: bytes, paginas: bytes) -> ConstanciaLeida:
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
    """``leer_adjunto`` but for how a fault is reported: any exception of the attachment read."""
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
        sellada = replace(sellada, nombres=nombres_validos(nombres, sellada))
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
    if version not in (_SIN_NOMBRES, EN_ADJUNTO, VERSION):
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


def nombres_validos(valor: object, sellada: Campos) -> tuple[Sequence[str], ...]:
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


HUELLAS = ("congelada", "cabecera")
_HEX = re.compile(r"[0-9a-f]{64}")


def _huellas(valor: object) -> tuple[str, str] | None:
    """The attachment's ``huellas`` (absent in a constancia made before): ValueError for
    anything but both SHA-256 in hex."""
    if valor is None:
        return None
    if not isinstance(valor, dict) or set(valor) != set(HUELLAS):
        raise ValueError("huellas")
    congelada, cabecera = (valor[k] for k in HUELLAS)
    if not all(isinstance(h, str) and _HEX.fullmatch(h) for h in (congelada, cabecera)):
        raise ValueError("huellas")
    return congelada, cabecera


def previo(pdf: bytes) -> str | None:
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

    if motivo := previo(pdf):
        raise ValidationError("constancia_danada", motivo)
    try:
        firma, handle = leer_firma(bytes(pdf))
        datos = adjunto_firmado(firma.revision_firmada)
    except FirmaIlegible as exc:
        raise ValidationError("constancia_danada", ILEGIBLE) from exc
    except Exception as exc:  # a signed revision pyHanko cannot walk
        raise ValidationError("constancia_danada", NO_ES_CONSTANCIA) from exc
    if datos is None:
        raise ValidationError("constancia_danada", NO_ES_CONSTANCIA)
    leida = leer_adjunto(datos, firma.base)
    if not validar(handle, [], [], firma.momento).intacta:
        raise ValidationError("constancia_danada", FIRMA_ROTA)
    return leida


def firma_rota(handle: object, momento: datetime | None) -> str:
    """``FIRMA_ROTA`` when the signature does not cover the PDF's bytes it names, else ""."""
    from icsoe_desktop.services.pades.validar import validar

    try:
        return "" if validar(handle, [], [], momento).intacta else FIRMA_ROTA
    except Exception:  # pyHanko cannot even evaluate it: the other reason stands
        log.warning("No se pudo evaluar la integridad de la firma", exc_info=True)
        return ""
