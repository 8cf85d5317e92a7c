"""The INFONAVIT's non-business days this installation uses for the SISUB's deadlines: the list
the app carries (domain/sisub/plazos.py) with the years the company's sync server serves over
it, kept in ``inhabiles_infonavit.json`` in the data dir as the last sync received them (the
same for every empresa: the list is the INFONAVIT's). A file that cannot be read, or is not
such a list, leaves the app's list alone, logged."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from icsoe_desktop.domain.sisub.plazos import INHABILES_INFONAVIT, Lista, a_datos, lista_de, vigente
from icsoe_desktop.files import read_json_object, write_bytes_atomic

log = logging.getLogger(__name__)

ARCHIVO = "inhabiles_infonavit.json"
_SIN_ELLA = "se usan los días inhábiles que trae la aplicación"


def cargada(ruta: Path) -> Lista:
    """The years received from the server (none: an empty list)."""
    datos = read_json_object(ruta, _SIN_ELLA)
    try:
        return lista_de(datos.get("inhabiles", {}))
    except ValueError as exc:
        log.warning("%s no es una lista de días inhábiles (%s); %s", ruta, exc, _SIN_ELLA)
        return {}


def lista(data_dir: Path) -> Lista:
    """What the deadlines use: the app's years, those received over them."""
    return vigente(cargada(data_dir / ARCHIVO))


def guardar(ruta: Path, recibida: Lista) -> bool:
    """``recibida`` kept (whole: a year the server no longer serves is dropped); whether it
    changed what was kept."""
    if recibida == cargada(ruta):
        return False
    texto = json.dumps({"inhabiles": a_datos(recibida)}, ensure_ascii=False, indent=1)
    write_bytes_atomic(ruta, texto.encode("utf-8"))
    return True


__all__ = ["ARCHIVO", "INHABILES_INFONAVIT", "cargada", "guardar", "lista"]
