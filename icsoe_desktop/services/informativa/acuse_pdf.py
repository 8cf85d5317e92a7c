"""The IMSS acuse de presentación read as a file from outside: a PDF the clerk picks in a folder,
which may be the wrong one, damaged, or built to hang or exhaust a reader.

Reading is bounded: the file's size, its pages, pypdf's own decompression limits, and a time
limit that also answers Cancelar (checked as pypdf's Python code runs: a trace on the reading
thread, so a crafted file cannot keep it past the limit). Every failure is a Spanish
``ValidationError``; nothing pypdf raises reaches the clerk. A PDF that is the app's own
constancia de firma (its attachment, its metadata, its title) is told apart from the acuse. Only
the text a page shows is read: text drawn invisible (an OCR layer over a scanned image, or a
second layer under a visible one) says nothing of whose the acuse is, and is only noted."""

from __future__ import annotations

import io
import logging
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.acuse_imss import llano
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.informativa.texto_visible import texto_visible

log = logging.getLogger(__name__)

# The acuse the portal gives is a page or two; a bigger file is not one (and the row travels
# whole in one sync request, whose body the server caps).
MAX_ACUSE_BYTES = 2 * 1024 * 1024
MAX_PAGINAS = 10
# An acuse's page draws a few dozen lines: its content is a few KB. A page that inflates past
# this is refused before its text is read (reading it would take minutes).
MAX_CONTENIDO = 1024 * 1024
PLAZO_S = 10.0
# How often (in Python calls of the reader) the time limit and Cancelar are looked at.
_CADA = 2_000
# pypdf's modules by their path («…/site-packages/pypdf/_page.py», or «pypdf/_page.py» in
# the bundle).
_DE_PYPDF = re.compile(r"(?:^|[\\/])pypdf[\\/]")

MSG_VACIO = "El archivo «{nombre}» está vacío: descarga de nuevo el acuse del portal del IMSS."
MSG_NO_PDF = (
    "El archivo «{nombre}» no es un PDF: elige el acuse de presentación que descargaste del "
    "portal del IMSS."
)
MSG_GRANDE = "El archivo «{nombre}» pesa más de 2 MB: no es un acuse de presentación del IMSS."
MSG_PAGINAS = (
    "El PDF «{nombre}» tiene {paginas}: un acuse de presentación del IMSS tiene una o "
    "dos. Elige el acuse que descargaste del portal."
)
MSG_CIFRADO = (
    "El PDF «{nombre}» está protegido con contraseña: descarga el acuse del portal del IMSS "
    "sin protegerlo."
)
MSG_DANADO = "El PDF «{nombre}» está dañado o incompleto: descárgalo de nuevo del portal del IMSS."
MSG_CONTENIDO = (
    "El PDF «{nombre}» no parece un acuse de presentación del IMSS: sus páginas son demasiado "
    "grandes. Descárgalo de nuevo del portal del IMSS."
)
MSG_LENTO = (
    "El PDF «{nombre}» no se pudo leer en un tiempo razonable: un acuse del IMSS se lee al "
    "instante. Descárgalo de nuevo del portal del IMSS."
)
MSG_CANCELADO = "Se canceló la lectura de «{nombre}»."


@dataclass(frozen=True)
class AcuseLeido:
    texto: str  # what the pages show; empty: no text (a scanned acuse)
    es_constancia: bool
    oculto: bool = False  # the pages carry text that is not shown (an invisible layer)


class _Detenido(BaseException):
    """Raised inside pypdf by the trace: a BaseException, so that no ``except Exception`` of
    the library swallows it."""

    def __init__(self, cancelado: bool) -> None:
        super().__init__()
        self.cancelado = cancelado


def leer_acuse(
    datos: bytes,
    nombre: str,
    cancelado: Callable[[], bool] | None = None,
    plazo: float = PLAZO_S,
    mensajes: Mapping[str, str] | None = None,
    limites: tuple[int, int] = (MAX_ACUSE_BYTES, MAX_PAGINAS),
) -> AcuseLeido:
    """The acuse's text and whether it is a constancia de firma, or a Spanish message for a
    file that is not a readable, unprotected PDF of an acuse's size. ``mensajes``: the texts
    for another kind of document, by code (``acuse_vacio``…), with the same placeholders;
    ``limites``: its most bytes and pages."""
    try:
        return _leer_vigilado(datos, nombre, cancelado, plazo, limites)
    except ValidationError as exc:
        if mensajes and exc.code in mensajes:
            raise ValidationError(
                exc.code, mensajes[exc.code].format(nombre=nombre), exc.field
            ) from None
        raise


def _leer_vigilado(
    datos: bytes,
    nombre: str,
    cancelado: Callable[[], bool] | None,
    plazo: float,
    limites: tuple[int, int],
) -> AcuseLeido:
    if not datos:
        raise ValidationError("acuse_vacio", MSG_VACIO.format(nombre=nombre), "acuse")
    if len(datos) > limites[0]:
        raise ValidationError("acuse_grande", MSG_GRANDE.format(nombre=nombre), "acuse")
    if not datos.lstrip()[:5] == b"%PDF-":
        raise ValidationError("acuse_no_pdf", MSG_NO_PDF.format(nombre=nombre), "acuse")
    limite = time.monotonic() + plazo
    llamadas = 0

    parar: _Detenido | None = None

    def vigilar(frame: FrameType, evento: str, _arg: Any) -> None:
        nonlocal llamadas, parar
        if evento != "call":
            return
        llamadas += 1
        if parar is None and llamadas % _CADA == 0:
            if cancelado is not None and cancelado():
                parar = _Detenido(cancelado=True)
            elif time.monotonic() > limite:
                parar = _Detenido(cancelado=False)
        # Raised only in pypdf's own code, at its next call: raised in a callback the
        # interpreter runs in between (a weak reference's, the collector's), it would be
        # ignored there.
        if parar is not None and _DE_PYPDF.search(frame.f_code.co_filename):
            raise parar

    anterior = sys.gettrace()
    sys.settrace(vigilar)
    try:
        return _leer(datos, nombre, limites[1])
    except _Detenido as alto:
        if alto.cancelado:
            raise ValidationError(
                "acuse_cancelado", MSG_CANCELADO.format(nombre=nombre), "acuse"
            ) from None
        log.warning("Acuse %s: lectura detenida al llegar al límite de tiempo", nombre)
        raise ValidationError("acuse_lento", MSG_LENTO.format(nombre=nombre), "acuse") from None
    finally:
        sys.settrace(anterior)


def _leer(datos: bytes, nombre: str, max_paginas: int) -> AcuseLeido:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(datos))
        if reader.is_encrypted:
            raise ValidationError("acuse_cifrado", MSG_CIFRADO.format(nombre=nombre), "acuse")
        paginas = len(reader.pages)
        if paginas > max_paginas:
            raise ValidationError(
                "acuse_paginas",
                MSG_PAGINAS.format(nombre=nombre, paginas=plural(paginas, "página")),
                "acuse",
            )
        for page in reader.pages:
            contenido = page.get_contents()
            if contenido is not None and len(contenido.get_data()) > MAX_CONTENIDO:
                raise ValidationError(
                    "acuse_contenido", MSG_CONTENIDO.format(nombre=nombre), "acuse"
                )
        leidas = [texto_visible(page) for page in reader.pages]
        texto = "\n".join(t for t, _ in leidas)
        oculto = any(o for _, o in leidas)
        return AcuseLeido(texto, _es_constancia(reader, texto), oculto)
    except ValidationError:
        raise
    except (Exception, RecursionError) as exc:
        # A damaged or crafted file makes pypdf raise its own errors and many others
        # (LimitReachedError, KeyError, IndexError, zlib.error…): all mean the same to the clerk.
        log.warning("Acuse ilegible %s: %r", nombre, exc)
        raise ValidationError("acuse_danado", MSG_DANADO.format(nombre=nombre), "acuse") from exc


def _es_constancia(reader: Any, texto: str) -> bool:
    """The app's own constancia de firma: its attachment, its metadata or its title."""
    from icsoe_desktop.services.informativa.constancia import ADJUNTO

    metadatos = reader.metadata or {}
    if "icsoe-desktop" in str(metadatos.get("/Creator", "")):
        return True
    if "constancia de firma" in llano(str(metadatos.get("/Title", ""))):
        return True
    try:
        adjuntos = reader.attachments
    except Exception:  # a damaged name tree: the other marks still tell
        adjuntos = {}
    return ADJUNTO in adjuntos or "constancia de firma de la informativa" in llano(texto)


__all__ = ["MAX_ACUSE_BYTES", "AcuseLeido", "leer_acuse"]
