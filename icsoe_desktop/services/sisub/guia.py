"""The office's copy of the INFONAVIT guide («archivos de guía», .xls from the Portal
Empresarial) read for its layout: the header row of each sheet, through the one intake
(services/archivos/lectura.py: bounded, any order of columns, title rows above the header),
each sheet taken for the CSV whose fields it names the most. A column no field of the app
fills is kept in its place, written empty, and named. The layouts read are kept per empresa
(``sisub_guias.json`` beside its settings) for the next periods."""

from __future__ import annotations

import json
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.sisub.layout import (
    COLUMNAS,
    CONTRATOS,
    SUJETO,
    TITULOS_ARCHIVO,
    TRABAJADORES,
    Layout,
    incluido,
)
from icsoe_desktop.files import atomic_write, read_json_object
from icsoe_desktop.services.archivos import lectura

ARCHIVO = "sisub_guias.json"
_MINIMO = 3  # fields a sheet must name to be a guide's
MSG_NO_ES_GUIA = (
    "«{nombre}» no parece una guía del SISUB: ninguna de sus hojas tiene los títulos de los "
    "archivos del sujeto obligado, de los contratos o del detalle de trabajadores."
)

ESQUEMAS: dict[str, lectura.Esquema] = {
    archivo: lectura.Esquema(tuple(lectura.Campo(c.campo, c.titulo, c.alias) for c in columnas))
    for archivo, columnas in COLUMNAS.items()
}


def _layout(leida: lectura.Lectura, archivo: str) -> Layout:
    return Layout(
        archivo,
        tuple(leida.columnas),
        tuple(leida.mapeo.get(c) for c in leida.columnas),
        de_guia=True,
    )


def _hojas(path: Path) -> tuple[str | None, ...]:
    primera = lectura.leer(path, ESQUEMAS[TRABAJADORES])
    visibles = primera.eleccion.visibles
    return tuple(visibles) if visibles else (None,)


def leer_guia(path: Path) -> dict[str, Layout]:
    """Per CSV (``SUJETO``, ``CONTRATOS``, ``TRABAJADORES``) the layout a sheet of the guide
    gives it; a ValidationError when no sheet is one."""
    encontrados: dict[str, tuple[int, Layout]] = {}
    for hoja in _hojas(path):
        mejor: tuple[int, float, Layout] | None = None
        for archivo, esquema in ESQUEMAS.items():
            leida = lectura.leer(path, esquema, hoja=hoja)
            if leida.fila_encabezado == lectura.SIN_ENCABEZADO:
                continue
            llenas = sum(1 for c in leida.mapeo.values() if c)
            proporcion = llenas / len(esquema.campos)
            if llenas >= _MINIMO and (mejor is None or (llenas, proporcion) > mejor[:2]):
                mejor = (llenas, proporcion, _layout(leida, archivo))
        if mejor is not None:
            llenas, _p, layout = mejor
            if layout.archivo not in encontrados or llenas > encontrados[layout.archivo][0]:
                encontrados[layout.archivo] = (llenas, layout)
    if not encontrados:
        raise ValidationError("guia_no_sisub", MSG_NO_ES_GUIA.format(nombre=path.name), "guia")
    return {archivo: layout for archivo, (_n, layout) in encontrados.items()}


class Guias:
    """The layouts an empresa's guide gave, kept in its folder."""

    def __init__(self, carpeta: Path) -> None:
        self._path = carpeta / ARCHIVO

    def layouts(self) -> dict[str, Layout]:
        """Per CSV, the office's guide's layout when one was read, else the built-in one."""
        guardado = read_json_object(self._path, "se usa el formato incluido del SISUB")
        layouts = {archivo: incluido(archivo) for archivo in (SUJETO, CONTRATOS, TRABAJADORES)}
        for archivo in layouts:
            valor = guardado.get(archivo)
            if not isinstance(valor, dict):
                continue
            titulos, campos = valor.get("titulos"), valor.get("campos")
            conocidos = {c.campo for c in COLUMNAS[archivo]}
            if (
                isinstance(titulos, list)
                and isinstance(campos, list)
                and len(titulos) == len(campos)
                and all(isinstance(t, str) for t in titulos)
                and all(c is None or c in conocidos for c in campos)
            ):
                layouts[archivo] = Layout(archivo, tuple(titulos), tuple(campos), de_guia=True)
        return layouts

    def guardar(self, nuevos: dict[str, Layout]) -> None:
        guardado = read_json_object(self._path, "se escribe de nuevo")
        for archivo, layout in nuevos.items():
            guardado[archivo] = {"titulos": list(layout.titulos), "campos": list(layout.campos)}
        with atomic_write(self._path) as tmp:
            tmp.write_text(json.dumps(guardado, ensure_ascii=False, indent=1), encoding="utf-8")


def texto_sin_llenar(layouts: dict[str, Layout]) -> list[str]:
    """«Detalle de trabajadores: la columna «Clave de ubicación» no se puede llenar»."""
    return [
        f"{TITULOS_ARCHIVO[a]}: la columna «{t}» no se puede llenar; se deja vacía."
        for a, layout in layouts.items()
        for t in layout.sin_llenar
    ]
