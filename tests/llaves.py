"""The keyring slots of a data folder's keys, as tests read and lose them: each folder keeps its
store key, audit key and recovery code under its own id (services/carpeta_datos.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from icsoe_desktop.services import carpeta_datos, recuperacion_almacen
from icsoe_desktop.services.secrets import SERVICE_PREFIX

ALMACEN = recuperacion_almacen.KEYRING_SCOPE
BITACORA = recuperacion_almacen.KEYRING_SCOPE_BITACORA
LLAVE = recuperacion_almacen.CUENTA_LLAVE
CODIGO = recuperacion_almacen.CUENTA_CODIGO


def cuenta(base: str, data_dir: Path | None = None) -> str:
    """The account of ``base`` for ``data_dir`` (the test's own data folder by default)."""
    return carpeta_datos.cuenta(base, data_dir or Path(os.environ["ICSOE_DATA_DIR"]))


def _archivo() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "keyring-de-prueba.json"


def perder_llaves() -> None:
    """As a Windows profile reset leaves the keyring: without any folder's store key, audit key
    or recovery code (nor the user's, of earlier releases)."""
    try:
        entradas = json.loads(_archivo().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    nombres = {f"{SERVICE_PREFIX}/{ALMACEN}", f"{SERVICE_PREFIX}/{BITACORA}"}
    quedan = {
        clave: valor
        for clave, valor in entradas.items()
        if not (
            clave.split("\n")[0] in nombres
            and clave.split("\n")[1].split(":")[0] in (LLAVE, CODIGO, "codigo_confirmado")
        )
    }
    _archivo().write_text(json.dumps(quedan), encoding="utf-8")
