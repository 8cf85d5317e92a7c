"""The columns a clerk told the import assistant, remembered per empresa for files of the same
shape (same header), so next month's file goes straight in: ``importaciones.json`` in the
empresa's folder, beside its ``settings.toml``.

Each import is the one its importer registered (``importaciones.py``). A guide is kept by the
import's key and the shape of the header (``Lectura.forma``); a file read without a header has
no shape, so its guide is not kept. A file that cannot be read (damaged,
edited by hand) only means the assistant asks again (noted in the log).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.files import atomic_write, read_json_object
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import Importacion
from icsoe_desktop.services.archivos.lectura import SIN_ENCABEZADO, Guia, Lectura
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store

ARCHIVO = "importaciones.json"


def leer(
    importacion: Importacion,
    path: Path,
    guia: Guia | None = None,
    fila_encabezado: int | None = None,
) -> Lectura | None:
    """``path`` as the intake reads it for ``importacion`` (with ``guia``, or under the header
    row ``fila_encabezado`` mapped by name), to show it in the assistant; None when it is not a
    table to read by columns or cannot be read (the import itself then says what is wrong)."""
    try:
        if not importacion.lee_por_columnas(path):
            return None
        esquema = importacion.esquema
        return lectura.leer(path, esquema, fila_encabezado=fila_encabezado, guia=guia)
    except ValidationError:
        return None


class MapeosService:
    def __init__(self, carpeta: Path, store: Store, audit: AuditService, permisos: Permisos):
        self._path = carpeta / ARCHIVO
        self._store, self._audit, self._permisos = store, audit, permisos

    def recordada(self, importacion: Importacion, leida: Lectura) -> Guia | None:
        """The guide remembered for a file shaped as ``leida``'s (its header on whichever of
        the first rows it is now), or None."""
        guardadas = self._leer().get(importacion.clave)
        if not isinstance(guardadas, dict):
            return None
        for forma, fila in leida.formas().items():
            campos = guardadas.get(forma)
            if isinstance(campos, list) and all(isinstance(c, str | None) for c in campos):
                return Guia(fila, tuple(campos))
        return None

    def recordada_para(
        self, importacion: Importacion, path: Path, hoja: str | None = None
    ) -> Guia | None:
        """The guide remembered for the shape of the file at ``path`` (the command line's:
        it imports unattended as the clerk once said), or None; with ``hoja`` (--hoja), for
        that sheet of the workbook, and at least that sheet."""
        solo_hoja = Guia.de_hoja(hoja) if hoja is not None else None
        leida = leer(importacion, path, solo_hoja)
        guia = self.recordada(importacion, leida) if leida is not None else None
        if hoja is None or guia is None:
            return guia or solo_hoja
        return replace(guia, hoja=hoja)

    def recordar(self, actor: str | None, importacion: Importacion, leida: Lectura) -> bool:
        """Keep ``leida``'s columns for the files of its shape (audited); False when it has no
        header to know the files by."""
        self._permisos.exigir(actor, importacion.accion, leida.archivo)
        if leida.fila_encabezado == SIN_ENCABEZADO:
            return False
        todo = self._leer()
        de_la_importacion = todo.get(importacion.clave)
        if not isinstance(de_la_importacion, dict):
            de_la_importacion = todo[importacion.clave] = {}
        de_la_importacion[leida.forma] = list(leida.guia.campos)
        texto = json.dumps(todo, ensure_ascii=False, indent=1, sort_keys=True)
        with atomic_write(self._path) as temporary:
            temporary.write_text(texto, encoding="utf-8")
        usadas = ", ".join(f"{c} → {f}" for c, f in leida.mapeo.items() if f)
        with self._store.session() as session:
            self._audit.record(session, actor, "importacion_columnas", leida.archivo, usadas)
        return True

    def _leer(self) -> dict[str, Any]:
        return read_json_object(self._path, "el asistente volverá a preguntar")
