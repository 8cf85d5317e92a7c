"""A pack's index, to be opened: ``indice.xlsx`` read from the client's ZIP and written beside
it (``evidencia_…_AAAAMM_indice.xlsx``), whole or not at all, so the clerk opens in Excel the
same workbook the client gets. Read no further than an index may weigh: a ZIP that claims a
huge member (or is not the pack) is refused in Spanish, nothing written."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services.evidencias.paquete import INDICE

# The index of ~13,000 receipts weighs about 1 MB: far more is not an index.
MAX_INDICE_BYTES = 64 * 1024 * 1024


def ruta_indice(paquete: Path) -> Path:
    """Where the index of ``paquete`` is written: beside it, named after it."""
    return paquete.with_name(f"{paquete.stem}_indice.xlsx")


def extraer_indice(paquete: Path) -> Path:
    """The pack's ``indice.xlsx`` written beside it (replacing one written before); its path."""
    paquete = Path(paquete)
    try:
        with zipfile.ZipFile(paquete) as zf:
            try:
                info = zf.getinfo(INDICE)
            except KeyError:
                raise ValidationError(
                    "paquete_sin_indice",
                    f"«{paquete.name}» no tiene índice ({INDICE}): no es un paquete de evidencias "
                    "de esta aplicación. Arma el paquete de nuevo.",
                    "paquete",
                ) from None
            if info.file_size > MAX_INDICE_BYTES:
                raise ValidationError(
                    "paquete_sin_indice",
                    f"El índice de «{paquete.name}» es demasiado grande para ser el de un "
                    "paquete de evidencias. Arma el paquete de nuevo.",
                    "paquete",
                )
            with zf.open(info) as miembro:
                datos = miembro.read(MAX_INDICE_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # EOFError: a ZIP cut short
        raise ValidationError(
            "paquete_danado",
            f"«{paquete.name}» está dañado o no es un ZIP: arma el paquete de nuevo.",
            "paquete",
        ) from exc
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer «{paquete.name}»: {motivo_os(exc)}.", "paquete"
        ) from exc
    destino = ruta_indice(paquete)
    try:
        write_bytes_atomic(destino, datos)
    except OSError as exc:
        raise ValidationError(
            "indice_no_guardado",
            f"No se pudo guardar «{destino.name}»: {motivo_os(exc)}. Si está abierto en Excel, "
            "ciérralo e intenta de nuevo.",
            "paquete",
        ) from exc
    return destino


__all__ = ["MAX_INDICE_BYTES", "extraer_indice", "ruta_indice"]
