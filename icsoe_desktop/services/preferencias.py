"""How each IDSE user left the windows (the widths they gave the grid's columns, the empresas
whose missing certificates they asked not to be told of again), kept for them on this
installation: ``preferencias.json`` in the data dir, beside ``settings.toml``.

Nothing here is business data: it is never synced nor backed up, and a file that cannot be read
(damaged, edited by hand) only brings the windows' own widths back, with a note in the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.files import atomic_write, read_json_object

log = logging.getLogger(__name__)
ARCHIVO = "preferencias.json"
ANCHO_MINIMO, ANCHO_MAXIMO = 8, 4000  # px: what a column of a window can be
MSG_ANCHO = "El ancho de la columna «{columna}» debe ser un número entre {minimo} y {maximo}."


# The empresas (by id) whose missing certificates a user asked not to be told of again.
SIN_AVISO_CERTIFICADOS = "sin_aviso_certificados"


class PreferenciasService:
    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / ARCHIVO

    def anchos(self, usuario: str, vista: str) -> dict[str, int]:
        """The widths ``usuario`` gave the columns of ``vista`` (by column name); {} if none."""
        usuario_prefs = self._leer().get(_clave(usuario))
        guardados = usuario_prefs.get(vista) if isinstance(usuario_prefs, dict) else None
        if not isinstance(guardados, dict):
            return {}
        return {
            columna: ancho
            for columna, ancho in guardados.items()
            if isinstance(columna, str) and _valido(ancho)
        }

    def guardar_anchos(self, usuario: str, vista: str, anchos: Mapping[str, int]) -> None:
        """Remember these widths (they replace the ones kept for ``vista``)."""
        for columna, ancho in anchos.items():
            if not _valido(ancho):
                raise ValidationError(
                    "ancho_invalido",
                    MSG_ANCHO.format(columna=columna, minimo=ANCHO_MINIMO, maximo=ANCHO_MAXIMO),
                    "ancho",
                )
        todo = self._leer()
        self._de(todo, usuario)[vista] = dict(sorted(anchos.items()))
        self._escribir(todo)

    def avisar_certificados(self, usuario: str, empresa_id: int) -> bool:
        """Whether ``usuario`` still wants to be told, at sign-in, of this empresa's registros
        patronales without a certificate (an empresa that uses only ICSOE never sends to IDSE)."""
        usuario_prefs = self._leer().get(_clave(usuario))
        callados = (
            usuario_prefs.get(SIN_AVISO_CERTIFICADOS) if isinstance(usuario_prefs, dict) else []
        )
        return not (isinstance(callados, list) and empresa_id in callados)

    def callar_certificados(self, usuario: str, empresa_id: int) -> None:
        """«No volver a preguntar para esta empresa»."""
        todo = self._leer()
        usuario_prefs = self._de(todo, usuario)
        callados = usuario_prefs.get(SIN_AVISO_CERTIFICADOS)
        callados = callados if isinstance(callados, list) else []
        usuario_prefs[SIN_AVISO_CERTIFICADOS] = sorted({*callados, empresa_id})
        self._escribir(todo)

    @staticmethod
    def _de(todo: dict[str, Any], usuario: str) -> dict[str, Any]:
        usuario_prefs = todo.get(_clave(usuario))
        if not isinstance(usuario_prefs, dict):
            usuario_prefs = todo[_clave(usuario)] = {}
        return usuario_prefs

    def _escribir(self, todo: dict[str, Any]) -> None:
        texto = json.dumps(todo, ensure_ascii=False, indent=1, sort_keys=True)
        with atomic_write(self._path) as temporary:
            temporary.write_text(texto, encoding="utf-8")

    def _leer(self) -> dict[str, Any]:
        return read_json_object(self._path, "se usan los anchos de cada ventana")


def _clave(usuario: str) -> str:
    return usuario.strip().lower()  # usuarios are e-mail addresses: one per person


def _valido(ancho: object) -> bool:
    return type(ancho) is int and ANCHO_MINIMO <= ancho <= ANCHO_MAXIMO
