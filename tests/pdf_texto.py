"""Reads back the text our PDF writer draws (services/informativa/pdf.py): each line with its page, font,
size and position, so that tests check what a reader of the acuse sees without a PDF library."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLUJO = re.compile(rb"<< /Length (\d+) >>\nstream\n")
_TEXTO = re.compile(rb"BT /(F\d) ([\d.]+) Tf ([\d.]+) ([\d.]+) Td \(")
_ESCAPES = {b"\\": b"\\", b"(": b"(", b")": b")"}


@dataclass(frozen=True)
class Trozo:
    pagina: int  # from 1
    fuente: str  # F1 Helvetica, F2 Helvetica-Bold, F3 Courier
    tamano: float
    x: float
    y: float
    texto: str


def _literal(datos: bytes, inicio: int) -> tuple[bytes, int]:
    """A string literal's bytes from just after its "(", and where it ends."""
    salida, i = bytearray(), inicio
    while datos[i : i + 1] != b")":
        if datos[i : i + 1] == b"\\":
            salida += _ESCAPES[datos[i + 1 : i + 2]]
            i += 2
        else:
            salida += datos[i : i + 1]
            i += 1
    return bytes(salida), i + 1


def paginas(pdf: bytes) -> list[bytes]:
    """The content stream of each page, in order (the only streams without a /Type)."""
    contenidos = []
    for marca in _FLUJO.finditer(pdf):
        contenidos.append(pdf[marca.end() : marca.end() + int(marca.group(1))])
    return contenidos


def trozos(pdf: bytes) -> list[Trozo]:
    encontrados = []
    for numero, contenido in enumerate(paginas(pdf), start=1):
        for marca in _TEXTO.finditer(contenido):
            datos, _fin = _literal(contenido, marca.end())
            fuente, tamano, x, y = marca.group(1).decode(), *map(float, marca.group(2, 3, 4))
            encontrados.append(Trozo(numero, fuente, tamano, x, y, datos.decode("cp1252")))
    return encontrados


def lineas(pdf: bytes) -> list[str]:
    """The text as read: the pieces on one baseline of a page joined (a label and its value)."""
    salida: list[str] = []
    anterior: tuple[int, float] | None = None
    for trozo in trozos(pdf):
        if (trozo.pagina, trozo.y) == anterior:
            salida[-1] += trozo.texto
        else:
            salida.append(trozo.texto)
        anterior = (trozo.pagina, trozo.y)
    return salida


def monoespaciado(pdf: bytes) -> list[str]:
    """The Courier lines (the cadena original and the sello), in order."""
    return [t.texto for t in trozos(pdf) if t.fuente == "F3"]
