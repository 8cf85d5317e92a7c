"""What a signed PDF shows beyond what its first signature signed, judged stricter than
pyHanko's difference analysis, which leaves two gaps: it does not look inside the signed
revision (the signer's own update may also point the catalog at other pages or add a display
key), and it admits, after signing, a new signature field whose appearance covers a page,
signed or not.

- The signing update (``al_firmar``) may change in the catalog only what signing needs: the
  form holding the signature's own field (``/AcroForm``), ``/Perms``, the DSS, the attached
  file (``/Names`` → ``/EmbeddedFiles``, ``/AF``), XMP metadata and the version; every other
  key (``/Pages``, ``/OpenAction``, ``/OCProperties``, ``/PageLabels``…) must be the base
  revision's own, and the only annotation it may hang on a page is the signature's own widget,
  drawing nothing (the app draws its constancia on the pages: a stamp of any kind is not its).
- After the signed revision (``encima``): every annotation on a page that draws is listed,
  with the later signature whose visible stamp it is, when it is one; the caller accepts only
  the stamps of later signatures it finds valid.

What draws is whatever can appear on screen *or in print*: NoView hides an annotation from
the screen, not from the printer (Print), and ToggleNoView or optional content (/OC) can show
it again; only Hidden, or a rectangle of no area, keeps it off both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils.generic import DictionaryObject, IndirectObject, Reference
from pyhanko.pdf_utils.reader import PdfFileReader

# What signing adds to the catalog (pyHanko: the field's form, the DSS, the attachment, XMP).
_PARA_FIRMAR = frozenset(
    {"/AcroForm", "/Perms", "/DSS", "/Names", "/AF", "/Metadata", "/Version", "/Extensions"}
)
# The form's keys that hold fields and their defaults (``/XFA``, ``/NeedAppearances`` draw).
_DEL_FORMULARIO = frozenset({"/Fields", "/SigFlags", "/DA", "/DR"})
_OCULTA, _IMPRESA, _SIN_VISTA = 2, 4, 32  # annotation flags: Hidden, Print, NoView
_PROFUNDIDAD = 64  # of a page tree or a field's parents: deeper is a loop

# What ``al_firmar`` finds: a catalog key (its name); a field drawing on a page, the signature's
# own or another (its ``Encima``); an annotation on a page (its number, from 1).
CATALOGO, CAMPO, ANOTACION = "catalogo", "campo", "anotacion"
SU_FIRMA = "su_firma"  # the signature's own widget, drawing (its ``Encima``)


def paginas(nodo: Any, profundidad: int = 0) -> list[Any]:
    """The pages (dictionaries) under a page tree node, in order."""
    nodo = nodo.get_object()
    if nodo.get("/Type") == "/Page" or "/Kids" not in nodo:
        return [nodo]
    if profundidad > _PROFUNDIDAD:
        raise ValueError("árbol de páginas")
    return [p for hijo in nodo["/Kids"] for p in paginas(hijo, profundidad + 1)]


def dibuja(anotacion: Any) -> bool:
    """Whether a viewer or a printer may draw ``anotacion``: it has an area and is not hidden
    (with or without an appearance of its own: viewers make some; NoView still prints, or
    shows toggled). A rectangle or flags that cannot be read: it may."""
    try:
        rect = anotacion["/Rect"]
        x1, y1, x2, y2 = (float(rect[i]) for i in range(4))
    except Exception:
        return True
    return x1 != x2 and y1 != y2 and not _banderas(anotacion) & _OCULTA


def _banderas(anotacion: Any) -> int:
    """An annotation's flags; none when they cannot be read (then it draws, hidden from
    nothing)."""
    valor = _valor(anotacion, "/F")
    return valor if isinstance(valor, int) else 0


def es_campo(anotacion: Any) -> bool:
    return bool(_valor(anotacion, "/Subtype") == "/Widget")


def _campo(anotacion: Any) -> Any:
    """The form field a widget belongs to (itself when merged): the first with a type."""
    campo = anotacion
    for _ in range(_PROFUNDIDAD):
        if "/FT" in campo or "/Parent" not in campo:
            return campo
        campo = campo["/Parent"].get_object()
    return campo


def firma_del_campo(anotacion: Any) -> Reference | None:
    """The signature dictionary a widget's signature field holds (its /V), if any."""
    campo = _campo(anotacion)
    valor = campo.raw_get("/V") if "/V" in campo else None
    if _valor(campo, "/FT") == "/Sig" and isinstance(valor, IndirectObject):
        return valor.reference
    return None


def al_firmar(
    lector: PdfFileReader, revision: int, firma: Reference
) -> tuple[tuple[str, Any], ...]:
    """What the update of ``revision`` (the one signed by the signature dictionary ``firma``)
    changed beyond what signing needs, as (``CATALOGO``, key) and (``CAMPO`` | ``ANOTACION``,
    page)."""
    base = lector.get_historical_resolver(revision - 1)
    firmada = lector.get_historical_resolver(revision)
    if base.root_ref != firmada.root_ref:
        return ((CATALOGO, "/Root"),)
    antes, ahora = base.root, firmada.root
    hallado: list[tuple[str, Any]] = []
    for clave in sorted(set(antes) | set(ahora)):
        if clave in _PARA_FIRMAR or _crudo(antes, clave) == _crudo(ahora, clave):
            continue
        hallado.append((CATALOGO, clave))
    if "/Names" in ahora and not _solo_adjuntos(antes.get("/Names"), ahora["/Names"]):
        hallado.append((CATALOGO, "/Names"))
    if "/AcroForm" in ahora and not _solo_su_campo(antes.get("/AcroForm"), ahora["/AcroForm"]):
        hallado.append((CATALOGO, "/AcroForm"))
    if hallado:
        return tuple(hallado)
    # Only the pages the update redefines can hold annotations it added (the page tree is the
    # base's): thousands of pages are not read.
    for ref in sorted(lector.xrefs.explicit_refs_in_revision(revision), key=lambda r: r.idnum):
        try:
            previa = lector.get_object(ref, revision=revision - 1)  # type: ignore[no-untyped-call]  # pyHanko
        except Exception:  # a new object
            continue
        pagina = lector.get_object(ref, revision=revision)  # type: ignore[no-untyped-call]  # pyHanko
        if not isinstance(pagina, DictionaryObject) or _valor(pagina, "/Type") != "/Page":
            continue
        viejas = {a.reference for a in _lista(previa.get("/Annots"))}
        for anotacion in _lista(pagina.get("/Annots")):
            objeto = anotacion.get_object()
            if anotacion.reference in viejas:
                continue
            propia = es_campo(objeto) and firma_del_campo(objeto) == firma
            if propia and not dibuja(objeto):
                continue  # the signature's own invisible widget
            numero = max(_numero(antes.raw_get("/Pages"), ref), 0)
            if es_campo(objeto):
                hallado.append((SU_FIRMA if propia else CAMPO, descrita(objeto, numero)))
            else:
                hallado.append((ANOTACION, numero))
            break
    return tuple(hallado)


def _numero(arbol: Any, ref: Reference, profundidad: int = 0) -> int:
    """The number (from 1) of the page ``ref`` under the page tree node ``arbol`` (0: not
    under it; negative: minus the pages under it)."""
    visto = 0
    for hijo in _lista(arbol.get_object().get("/Kids")):
        nodo = hijo.get_object()
        if _valor(nodo, "/Type") == "/Page" or "/Kids" not in nodo:
            visto += 1
            if hijo.reference == ref:
                return visto
        elif profundidad < _PROFUNDIDAD:
            debajo = _numero(hijo, ref, profundidad + 1)
            if debajo > 0:
                return visto + debajo
            visto -= debajo
    return -visto


def _solo_adjuntos(antes: Any, ahora: Any) -> bool:
    """Whether the name tree dictionary ``ahora`` differs from ``antes`` (None: none) only in
    its attached files."""
    antes = antes.get_object() if antes is not None else {}
    ahora = ahora.get_object()
    claves = (set(antes) | set(ahora)) - {"/EmbeddedFiles"}
    return all(_crudo(antes, k) == _crudo(ahora, k) for k in claves)


def _solo_su_campo(antes: Any, ahora: Any) -> bool:
    """Whether the form ``ahora`` is ``antes`` (None: none) plus signature fields, and holds
    nothing that draws (XFA, appearances to be made)."""
    ahora = ahora.get_object()
    if set(ahora) - _DEL_FORMULARIO:
        return False
    previos = {c.reference for c in _lista(antes.get_object().get("/Fields"))} if antes else set()
    return all(
        c.reference in previos or _valor(c.get_object(), "/FT") == "/Sig"
        for c in _lista(ahora.get("/Fields"))
    )


@dataclass(frozen=True)
class Encima:
    """An annotation that draws on a page."""

    pagina: int  # from 1
    campo: bool  # a form field's widget
    firma: Reference | None  # the signature dictionary its field holds, if any
    nombre: str = ""  # its field's full name ("" for an annotation, or none)
    sin_vista: bool = False  # flagged NoView: off the screen, not off the printer
    impresa: bool = False  # flagged Print


def descrita(anotacion: Any, pagina: int) -> Encima:
    """``anotacion`` (drawing on page ``pagina``) as ``encima`` lists it."""
    campo = es_campo(anotacion)
    banderas = _banderas(anotacion)
    return Encima(
        pagina,
        campo,
        firma_del_campo(anotacion) if campo else None,
        nombre_del_campo(anotacion) if campo else "",
        bool(banderas & _SIN_VISTA),
        bool(banderas & _IMPRESA),
    )


def nombre_del_campo(anotacion: Any) -> str:
    """A widget's field's full name: its /T and its parents', joined by dots."""
    partes: list[str] = []
    nodo = anotacion
    for _ in range(_PROFUNDIDAD):
        nombre = _valor(nodo, "/T")
        if isinstance(nombre, str) and nombre:
            partes.append(nombre)
        if "/Parent" not in nodo:
            break
        nodo = nodo["/Parent"].get_object()
    return ".".join(reversed(partes))


def encima(lector: PdfFileReader) -> tuple[Encima, ...]:
    """Every annotation that draws on a page of ``lector``'s latest revision, one per page and
    kind of annotation at most (the first: what is reported), a signature's stamp each."""
    hallado: list[Encima] = []
    for numero, pagina in enumerate(paginas(lector.root["/Pages"]), start=1):
        vistas: set[object] = set()
        for anotacion in _lista(pagina.get("/Annots")):
            objeto = anotacion.get_object()
            if not dibuja(objeto):
                continue
            dibujo = descrita(objeto, numero)
            clave = dibujo.firma or dibujo.campo
            if clave not in vistas:
                vistas.add(clave)
                hallado.append(dibujo)
    return tuple(hallado)


def _valor(diccionario: Any, clave: str) -> Any:
    """A dictionary's value, a reference followed, None when absent."""
    try:
        return diccionario[clave]  # not ``get``: a DictionaryObject's leaves references
    except (KeyError, TypeError):  # absent, or no dictionary
        return None


def _crudo(diccionario: Any, clave: str) -> Any:
    """A dictionary's value as written (a reference not followed), None when absent."""
    return dict.get(diccionario, clave)


def _lista(valor: Any) -> list[Any]:
    valor = valor.get_object() if valor is not None else None
    return [v for v in valor if isinstance(v, IndirectObject)] if valor else []
