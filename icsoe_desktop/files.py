"""One way to write a file whole or not at all (exports, lotes, respaldos, acuses, settings), and
one way to read a credential file (certificates, keys, .pfx, a CA's certificate)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from icsoe_desktop.domain.errors import ValidationError

log = logging.getLogger(__name__)


@contextlib.contextmanager
def atomic_write(path: Path, *, keep_suffix: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for the caller to fill. When the block ends
    normally the temporary file is flushed to disk and put in place of ``path`` (an existing
    file is replaced in one step); when it raises (an error, Cancelar) the temporary file is
    removed and ``path`` is left as it was. Same folder, so the final rename never crosses disks;
    a run killed meanwhile leaves it, and the next start removes it (temporales.py).
    ``keep_suffix`` keeps ``path``'s ending on the temporary name, for writers that pick the
    format by it."""
    # Imported here, as MAX_FILE_SIZE below: the sign-in's store key is read beside the login
    # window through this module (services/carpeta_datos.py), which writes nothing then.
    from icsoe_desktop import temporales

    path = Path(path)
    name = f".{path.stem}.parcial{path.suffix}" if keep_suffix else f"{path.name}.parcial"
    temporary = path.with_name(name)
    # Noted while it exists: a run killed meanwhile leaves it, and the next start removes it.
    with temporales.parcial(temporary):
        try:
            yield temporary
            # Flushed before the rename, so a power cut never leaves the new name on empty data.
            with open(temporary, "rb+") as written:
                os.fsync(written.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, whole or not at all."""
    with atomic_write(path) as temporary:
        temporary.write_bytes(data)


def read_credential_file(path: Path | None, what: str, field: str) -> bytes:
    """The bytes of ``what`` at ``path``; a Spanish ValidationError on ``field`` when there is no
    file chosen, it is missing, too large to be a credential, or unreadable."""
    from icsoe_desktop.domain.credentials import MAX_FILE_SIZE

    if path is None or not str(path).strip():
        raise ValidationError("archivo_no_elegido", f"Elige el archivo de {what}.", field)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:  # refuse before reading a huge file into memory
            raise ValidationError(
                "archivo_grande",
                f"El archivo de {what} es demasiado grande: no es un certificado ni una llave.",
                field,
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(
            "archivo_inexistente", f"No se encontró el archivo de {what}: {path}", field
        ) from exc
    except OSError as exc:
        log.warning("No se pudo leer %s: %r", path, exc)
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer el archivo de {what}: {path}", field
        ) from exc


def read_json_object(path: Path, instead: str, max_bytes: int | None = None) -> dict[str, object]:
    """A small JSON file of the app's own (preferences, remembered mappings) as a dict: empty
    when it is missing or unreadable, which is logged with what happens ``instead`` (the file
    is only a convenience: losing it must never stop a window). A damaged one (not JSON, not
    an object, nested past what the parser follows, longer than ``max_bytes``) is also set
    aside as ``<name>.dañado`` for whoever wants to look at it, and the next save starts a new
    one."""
    try:
        with open(path, "rb") as archivo:
            datos = archivo.read(-1 if max_bytes is None else max_bytes + 1)
        if max_bytes is not None and len(datos) > max_bytes:
            return _set_aside(path, ValueError(f"pesa más de {max_bytes} bytes"), instead)
        texto = datos.decode("utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        return _set_aside(path, exc, instead)
    except OSError as exc:
        log.warning("No se pudo leer %s: %s; %s", path, exc, instead)
        return {}
    import json  # not on the way to the login (services/carpeta_datos.py imports this module)

    try:
        todo = json.loads(texto)
    except (json.JSONDecodeError, RecursionError) as exc:
        return _set_aside(path, exc, instead)
    if not isinstance(todo, dict):
        return _set_aside(path, TypeError(f"no es un objeto JSON: {type(todo).__name__}"), instead)
    return todo


def _set_aside(path: Path, why: BaseException, instead: str) -> dict[str, object]:
    aside = path.with_name(f"{path.name}.dañado")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.dañado{number}")
    try:
        os.replace(path, aside)
    except OSError as exc:
        log.warning("%s está dañado (%s) y no se pudo apartar (%s); %s", path, why, exc, instead)
    else:
        log.warning("%s está dañado (%s): se apartó como %s; %s", path, why, aside.name, instead)
    return {}
