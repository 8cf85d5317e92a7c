"""The rules of the Lineamientos (DOF 13/04/2022, ACDO.AS2.HCT.300322/68.P.DIR) the informativa
follows, as data: several are known from one secondary source only (docs/diseno/icsoe.md,
«The informativa's rules»: the facts marked unverified), so a reading that turns out wrong is a
change of this table, not of the code that reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    CORRECCION,
    MESES,
    NORMAL,
    Periodo,
)


@dataclass(frozen=True)
class Lineamientos:
    # Inconsistency 2 («sin descripción del servicio u obra»): flagged on these tipos only; a
    # Sin información has no contract and a Sin efectos or Actualización does not repeat them
    # (IMSS monthly list of inconsistencies, «Normal y Corrección»).
    tipos_con_descripcion: frozenset[str] = frozenset({NORMAL, CORRECCION})
    # Lineamientos 5.6: at most this many complementarias per period, Actualización not
    # counted (its limit comes from settings.toml [informativa] max_complementarias).
    complementarias_sin_limite: frozenset[str] = frozenset({ACTUALIZACION})
    # Lineamientos 5.9: Corrección and Sin efectos at any time; Actualización only in these
    # months, and only for the period just before the one in course. Whether the portal has
    # enabled Sin efectos and Actualización is unverified: both stay offered.
    meses_actualizacion: frozenset[int] = frozenset({5, 9, 1})
    # Lineamientos 5.3: the last day runs until 23:59 Central Mexico time.
    hora_limite: time = time(23, 59)


LINEAMIENTOS = Lineamientos()


def actualizacion_permitida(
    periodo: Periodo, hoy: date, reglas: Lineamientos = LINEAMIENTOS
) -> bool:
    """A Complementaria de Actualización of ``periodo`` may be filed on ``hoy`` (Central Mexico
    date): a month of ``meses_actualizacion``, for the period just before the one in course."""
    return hoy.month in reglas.meses_actualizacion and Periodo.de_fecha(hoy).anterior() == periodo


def meses_actualizacion_texto(reglas: Lineamientos = LINEAMIENTOS) -> str:
    """«mayo, septiembre o enero»: in the order of the year's filings."""
    orden = sorted(reglas.meses_actualizacion, key=lambda m: (m - 5) % 12)
    meses = [MESES[m - 1] for m in orden]
    return " o ".join([", ".join(meses[:-1]), meses[-1]]) if len(meses) > 1 else "".join(meses)


def cuenta_para_el_limite(tipo: str, reglas: Lineamientos = LINEAMIENTOS) -> bool:
    return tipo not in reglas.complementarias_sin_limite


def vence_texto(reglas: Lineamientos = LINEAMIENTOS) -> str:
    """«a las 23:59, hora del centro»: when the last day ends."""
    return f"a las {reglas.hora_limite:%H:%M}, hora del centro"


__all__ = [
    "LINEAMIENTOS",
    "Lineamientos",
    "actualizacion_permitida",
    "cuenta_para_el_limite",
    "meses_actualizacion_texto",
    "vence_texto",
]
