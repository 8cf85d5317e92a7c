"""Whether the drift check may trust the sums the store keeps: they hold only for the file whose
writes the triggers saw. A file that is not that one (a ``.dump`` read into a new file, a file
rebuilt from a damaged one, a restore, a copy from another machine) is recounted from its rows
(``recuento.py``) at its next sync, before anything is sent or verified.

The file's identity: its file number on the disk and a random number the app writes in its
header (``PRAGMA user_version``, which ``.dump`` does not copy), recorded outside the file
twice, as the audit chain's last link is (``services/empresas/bitacora.py``): in the catalog
and in the OS keyring (a copy the catalog's file cannot bring along). Another file's rows are
all the recount trusts (its states without a row may be rows it lost). A file with nothing
recorded has its sums compared with its rows, as at the weekly recount, before its identity is
recorded (the first sync since the check exists, a file without a header number); but a store
with the number the app wrote as it created it is a file whose every row was written with the
sums' triggers in place (a new store's first sync, a byte copy of one): trusted as its own.

The sums of a file that is its own can still be wrong (rows inserted with the triggers dropped
by hand): a full recount every week catches the rest (``recuento.py``)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.store.db import Store, numero_de_archivo

log = logging.getLogger(__name__)

KEYRING_SCOPE = "archivo_sincronizado"
PROPIO, OTRO, SIN_REGISTRO = "propio", "otro", "sin_registro"


class IdentidadArchivo:
    def __init__(
        self, store: Store, secrets: SecretsService, catalogo: Store | None, clave: str
    ) -> None:
        """``clave``: what names this store in the catalog and the keyring (one keyring may
        serve several data folders)."""
        self._store = store
        self._secrets = secrets
        self._catalogo = EstadoSync(catalogo) if catalogo is not None else None
        self._clave = clave
        self._confirmada = ""  # the identity last found recorded: not read again meanwhile

    @staticmethod
    def para(store: Store, secrets: SecretsService) -> IdentidadArchivo:
        """In the keyring alone, named by the store's path (a sync service made without the
        installation's catalog)."""
        return IdentidadArchivo(store, secrets, None, str(Path(store.path).resolve()))

    def _numero(self) -> int:
        with self._store.engine.connect() as connection:
            return int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)

    def numerado(self) -> bool:
        """Whether the file has a header number: the app writes one as it creates a store
        (``store/db.py``) or records its identity; a file another program rebuilt (``.dump``
        read into a new file) has none."""
        return self._numero() != 0

    def actual(self) -> str:
        """This file's identity: "file number:header number"."""
        return f"{os.stat(self._store.path).st_ino}:{self._numero()}"

    def _registradas(self) -> list[str]:
        found = []
        if self._catalogo is not None:
            found.append(self._catalogo.leer(self._llave))
        if self._secrets.available():
            found.append(self._secrets.get(KEYRING_SCOPE, self._clave) or "")
        return found

    @property
    def _llave(self) -> str:
        return f"identidad_archivo#{self._clave}"

    def comparar(self) -> str:
        """PROPIO: the file is the one whose identity was recorded (everywhere it was); OTRO:
        another file (a data folder brought from another machine too: its catalog's record is
        of a file number there); SIN_REGISTRO: none recorded (a new store, the first sync since
        the check exists, a store file alone copied into a new installation)."""
        actual = self.actual()
        if actual == self._confirmada:  # (the file cannot change under this process's eyes
            return PROPIO  # but by a restore or a repair, which give it another file number)
        registradas = [r for r in self._registradas() if r]
        if not registradas:
            return SIN_REGISTRO
        if all(r == actual for r in registradas):
            self._confirmada = actual
            return PROPIO
        log.warning(
            "Archivo %s distinto del registrado (%s, registrado %s): se recuentan sus sumas",
            self._store.path.name,
            actual,
            registradas,
        )
        return OTRO

    def registrar(self) -> None:
        """This file's identity recorded (once its sums were counted from its rows); a file
        without its own header number gets one."""
        if not self.numerado():
            with self._store.engine.begin() as connection:
                connection.exec_driver_sql(f"PRAGMA user_version = {numero_de_archivo()}")
        actual = self.actual()
        if self._catalogo is not None:
            self._catalogo.escribir(**{self._llave: actual})
        self._confirmada = actual
        if self._secrets.available():
            try:
                self._secrets.set(KEYRING_SCOPE, self._clave, actual)
            except DomainError:  # the catalog keeps it; a recount more at worst
                log.warning("No se guardó en el llavero la identidad de %s", self._store.path)


__all__ = ["KEYRING_SCOPE", "OTRO", "PROPIO", "SIN_REGISTRO", "IdentidadArchivo"]
