"""``respaldar`` and ``restaurar``: the server's PostgreSQL database in an encrypted dump.

The server keeps every synced row in clear (``rows.data``: names, NSS, CURP, salaries, the
REPSE PDF), and a plain ``pg_dump`` holds them as they are. ``respaldar`` pipes ``pg_dump``'s
custom format through AES-256-GCM (respaldo_cifrado.py) into the file, chunk by chunk (a
database of any size never sits whole in memory nor in clear on disk): a file named
``X.parcial`` while it is written, ``X`` only whole. ``restaurar`` checks the whole file first
(another key, a file cut short or altered: refused, nothing changed), then pipes it decrypted
into ``pg_restore`` in one transaction, into a database with no tables of the server's (or,
with ``reemplazar``, over them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.sync_server.respaldo_cifrado import Llave, cifrar, comprobar, descifrados

if TYPE_CHECKING:
    from sqlalchemy import Engine

PARCIAL = ".parcial"


def conexion(url: str) -> tuple[str, dict[str, str]]:
    """``url`` (SQLAlchemy's) as libpq reads it, and the environment that carries its password
    (never on the command line, where any user of the server could read it)."""
    from sqlalchemy.engine import make_url

    sql_url = make_url(url)
    if sql_url.get_backend_name() != "postgresql":
        raise ValidationError(
            "respaldo_servidor_sqlite",
            "respaldar y restaurar son para PostgreSQL. Con SQLite, copia su archivo con el "
            "servidor detenido y guárdalo en un disco cifrado.",
        )
    entorno = dict(os.environ)
    if sql_url.password is not None:
        entorno["PGPASSWORD"] = str(sql_url.password)
    libpq = sql_url.set(drivername="postgresql", password=None)
    return libpq.render_as_string(hide_password=False), entorno


def programa(nombre: str, carpeta: Path | None) -> str:
    ruta = str(carpeta / nombre) if carpeta else shutil.which(nombre)
    if ruta is None or not Path(ruta).is_file():
        donde = f"en «{carpeta}»" if carpeta else "en el PATH"
        raise ValidationError(
            "respaldo_servidor_sin_programa",
            f"No se encontró {nombre} {donde}: instala el cliente de PostgreSQL de la misma "
            "versión que el servidor (o una más reciente) o indica su carpeta con --pg-bin.",
        )
    return ruta


def respaldar(url: str, llave: Llave, salida: Path, pg_bin: Path | None = None) -> None:
    """The database at ``url`` dumped into ``salida``, encrypted with ``llave``; a file of that
    name is replaced only once the new one is whole."""
    dsn, entorno = conexion(url)
    comando = [programa("pg_dump", pg_bin), "--format=custom", f"--dbname={dsn}"]
    parcial = salida.with_name(salida.name + PARCIAL)
    with tempfile.TemporaryFile() as errores:
        proceso = subprocess.Popen(
            comando, stdout=subprocess.PIPE, stderr=errores, stdin=subprocess.DEVNULL, env=entorno
        )
        assert proceso.stdout is not None
        try:
            with _escribir(parcial, salida) as destino:
                cifrar(llave, proceso.stdout, destino)
                proceso.stdout.close()
                if proceso.wait() != 0:
                    raise _fallo("pg_dump", "respaldar", errores)
        finally:
            if proceso.poll() is None:
                proceso.kill()
                proceso.wait()


def restaurar(
    engine: Engine,
    url: str,
    llave: Llave,
    archivo: Path,
    pg_bin: Path | None = None,
    reemplazar: bool = False,
) -> None:
    """``archivo`` restored into the database at ``url`` (``engine``'s), in one transaction."""
    dsn, entorno = conexion(url)
    nombre = str(archivo)
    try:
        with archivo.open("rb") as origen:
            comprobar(llave, origen, nombre)  # nothing reaches the database before this
    except OSError as exc:
        raise ValidationError(
            "respaldo_servidor_ilegible", f"No se pudo leer el respaldo «{archivo}»: {exc}."
        ) from exc
    if not reemplazar and _tiene_tablas(engine):
        raise ValidationError(
            "respaldo_servidor_base_ocupada",
            "La base indicada ya tiene las tablas del servidor: restaura en una base vacía "
            "(createdb …) o, para poner el respaldo en lugar de lo que tiene, agrega "
            "--reemplazar. No se cambió nada.",
        )
    comando = [
        programa("pg_restore", pg_bin),
        f"--dbname={dsn}",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        *(["--clean", "--if-exists"] if reemplazar else []),
    ]
    with tempfile.TemporaryFile() as errores:
        proceso = subprocess.Popen(
            comando, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errores, env=entorno
        )
        assert proceso.stdin is not None
        terminado = False
        try:
            with archivo.open("rb") as origen:
                for bloque in descifrados(llave, origen, nombre):
                    proceso.stdin.write(bloque)
            terminado = True
        except BrokenPipeError:
            terminado = True  # pg_restore stopped: its exit code and words say why
        finally:
            if not terminado:
                # The file changed since it was checked: pg_restore ended before it commits.
                proceso.kill()
            with contextlib.suppress(BrokenPipeError):
                proceso.stdin.close()
            codigo = proceso.wait()
        if codigo != 0:
            raise _fallo("pg_restore", "restaurar", errores)


def _tiene_tablas(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())


@contextlib.contextmanager
def _escribir(parcial: Path, final: Path) -> Iterator[BinaryIO]:
    try:
        with open(parcial, "wb") as destino:
            os.chmod(parcial, 0o600)
            yield destino
            destino.flush()
            os.fsync(destino.fileno())
        os.replace(parcial, final)
    except OSError as exc:
        with contextlib.suppress(OSError):
            parcial.unlink()
        raise ValidationError(
            "respaldo_servidor_no_guardado", f"No se pudo escribir «{final}»: {exc}."
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            parcial.unlink()
        raise


def _fallo(programa: str, accion: str, errores: IO[bytes]) -> ValidationError:
    errores.seek(0)
    texto = errores.read().decode("utf-8", "replace").strip()
    lineas = texto.splitlines()[-5:]
    return ValidationError(
        f"respaldo_servidor_{programa.replace('_', '')}",
        f"No se pudo {accion}: {programa} dijo: " + (" ".join(lineas) or "(nada)"),
    )


__all__ = ["PARCIAL", "conexion", "respaldar", "restaurar"]
