"""The kept sums and counts recounted from the rows when they cannot be trusted, at the start
of a sync (before the push reads the unsent counts and the drift check compares the sums): a
file that is not the one recorded (``identidad.py``), a file with nothing recorded yet and no
header number (one the app created has it: trusted, a store's first sync reads none of its
rows), and once a week any file (sums wrong in the recorded file itself). The work is
``store/recuento.py``'s."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.services.sync.estado import EstadoSync
from icsoe_desktop.services.sync.identidad import OTRO, PROPIO, SIN_REGISTRO, IdentidadArchivo
from icsoe_desktop.store import recuento as recuento_filas
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.plain import StoreError
from icsoe_desktop.store.sync_tables import sums_tables

log = logging.getLogger(__name__)

RECOUNT_EVERY = timedelta(days=7)  # a full recount of the kept sums from the rows
RECOUNT_PACE = 1.0  # the weekly recount pauses as long as it works: half a core at most
RECONTADO = (
    "Las sumas que este equipo guarda de sus datos no eran las de sus renglones (el archivo "
    "de la base de datos no es el que esta instalación registró: una copia, una restauración "
    "o un rescate); se volvieron a contar desde los renglones."
)


class Recuento:
    def __init__(
        self, store: Store, estado: EstadoSync, clock: Clock, identidad: IdentidadArchivo
    ) -> None:
        self._store = store
        self._estado = estado
        self._clock = clock
        self._identidad = identidad

    def antes_de_sincronizar(self) -> bool | None:
        """The kept sums counted again from the rows when the file is not the one recorded,
        or, read only and paced (``RECOUNT_PACE``), compared with the rows once a week and
        counted again when they differ. Whether they differed; None when they could not be
        counted (the store busy with another writer, an import), so not to be trusted yet.
        A file with no identity recorded is compared as at the weekly recount, its states
        trusted, and its identity recorded; but one with the header number the app wrote as
        it created the store (a new store's first sync) is trusted as its own, as within a week
        of its last recount."""
        if self._store.solo_lectura:  # its audit log was altered: neither written nor trusted
            return None
        now = self._clock()
        tables = sums_tables()
        identidad = self._identidad.comparar()
        if identidad == PROPIO:
            last = self._estado.leer("recuento_at")
            if last and now - datetime.fromisoformat(last) < RECOUNT_EVERY:
                return False
        if identidad == SIN_REGISTRO and self._identidad.numerado():
            self._identidad.registrar()
            self._estado.escribir(recuento_at=now.isoformat())
            return False
        if identidad != OTRO:
            with self._store.session() as session:
                connection = session.connection()
                connection.exec_driver_sql("BEGIN")  # one snapshot: rows and sums together
                differing = recuento_filas.differing(connection, tables, RECOUNT_PACE)
            if not differing:
                if identidad == SIN_REGISTRO:
                    self._identidad.registrar()
                self._estado.escribir(recuento_at=now.isoformat())
                return False
        try:
            with self._store.session(immediate=True) as session:
                found = recuento_filas.recount(session.connection(), tables, identidad == OTRO)
        except StoreError as exc:
            if exc.code != "base_datos_ocupada":
                raise
            log.warning("Sumas sin recontar (base de datos ocupada): se verifica después")
            return None
        self._identidad.registrar()
        self._estado.escribir(recuento_at=now.isoformat())
        return bool(found.distintas or found.perdidos)


__all__ = ["RECONTADO", "RECOUNT_EVERY", "RECOUNT_PACE", "Recuento"]
