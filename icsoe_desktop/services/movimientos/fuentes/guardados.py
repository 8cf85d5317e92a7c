"""The first source: what is kept of a find (hallados.py) while the store does not change —
its panel terms (a count under any filter in microseconds) and its ids in an order (a page
at any position is a slice of them)."""

from __future__ import annotations

from array import array
from collections.abc import Callable

from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.fuentes.comun import (
    Conteo,
    Filas,
    Pagina,
    Todos,
    filas,
    rebanada,
)
from icsoe_desktop.store.db import Store


class Guardados:
    guarda = ("los términos de una búsqueda", "los ids de una búsqueda en un orden")

    def __init__(
        self, store: Store, kept: hallados.Hallados, todos: Callable[[Todos], array[int]]
    ) -> None:
        self._store = store
        self._hallados = kept
        self._todos = todos  # every id of a find, kept once read (the door's)

    def mantener(self) -> None:
        """Nothing: its values are read when asked (some in the background, hallados.py)."""

    def contar(self, pregunta: Conteo, vigencia: int) -> int | None:
        """A find's count from its panel terms, if kept under the question's ``vigencia``."""
        kept = self._hallados.resumen_guardado(pregunta.found, vigencia)
        return None if kept is None else kept.contar(pregunta.filtro.busqueda())

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A find's page as a slice of its ids in this order, if kept under ``vigencia``."""
        ids = self._hallados.ids_guardados(pregunta.llave(), vigencia)
        return None if ids is None else self._de(ids, pregunta)

    def en_lectura(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A find's page as a slice of its ids in this order while the scroll bar's keys are
        being read (waited for)."""
        if not self._hallados.ids_en_lectura(pregunta.llave()):
            return None
        ids = self._todos(Todos(pregunta.filtro, pregunta.orden, pregunta.total))
        return self._de(ids, pregunta)

    def _de(self, ids: array[int], pregunta: Pagina) -> Filas | None:
        page = rebanada(ids, pregunta)
        return None if page is None else filas(self._store, page, pregunta.orden)
