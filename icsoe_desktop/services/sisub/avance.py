"""The progress of the SISUB's long actions (Preparar, Exportar) told in hundredths of the whole,
each part of the work a share of the bar, as the work moves: a period of tens of thousands of
workers moves the bar, it does not wait on one step."""

from __future__ import annotations

from collections.abc import Callable

PASOS = 100


class Avance:
    """``avance(hechos, PASOS)`` told only when a whole hundredth moves (never more than PASOS
    times); each part of the work reports through its share (``tramo``)."""

    def __init__(self, avance: Callable[[int, int], None] | None) -> None:
        self._avance, self._dicho = avance or sin_avance, 0

    def tramo(self, desde: int, hasta: int) -> Callable[[int, int], None]:
        """``avance(hechos, total)`` of one part, moving the bar from ``desde`` to ``hasta``."""

        def avance(hechos: int, total: int) -> None:
            punto = desde + (hasta - desde) * min(hechos, total) // max(total, 1)
            if punto > self._dicho:
                self._dicho = punto
                self._avance(punto, PASOS)

        return avance


def sin_avance(_hechos: int, _total: int) -> None:
    pass
