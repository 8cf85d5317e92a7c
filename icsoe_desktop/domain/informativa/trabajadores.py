"""The checks of the workers of one contract: NSS, CURP, SBC and their repetitions.

Each wrong row becomes a ``Problema`` with its ``renglon`` (the line of the file it came from,
or its place in the list) and a Spanish reason. The fast checks (``nss_ok``, ``curp_ok``) run on
every row; the explaining ones (``check_nss``, ``check_curp``) only on the rows that fail, so a
contract of thousands of workers is checked in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from icsoe_desktop.domain.contacto import check_curp, curp_ok, todas_curp_ok
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss, nss_ok, todos_nss_ok
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.domain.informativa.modelo import Problema, Trabajador

# Stable problem codes of a worker row.
NSS = "nss"
CURP = "curp"
SBC = "sbc"
NSS_REPETIDO = "nss_repetido"
CURP_REPETIDA = "curp_repetida"
CURP_DISTINTA = "curp_distinta"

SIN_CURPS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Salarios:
    """The amounts of one year, in centavos a day."""

    anio: int
    minimo_general: int
    minimo_frontera: int  # zona libre de la frontera norte
    uma: int

    @property
    def tope(self) -> int:
        """LSS art. 28: the SBC is at most 25 UMA."""
        return 25 * self.uma


# Salarios mínimos: resoluciones de la CONASAMI (DOF, vigentes desde el 1 de enero). UMA: INEGI
# (DOF, vigente desde el 1 de febrero; the whole year uses it here, as the period's year does).
SALARIOS: Mapping[int, Salarios] = MappingProxyType(
    {
        s.anio: s
        for s in (
            Salarios(2022, 17287, 26034, 9622),
            Salarios(2023, 20744, 31241, 10374),
            Salarios(2024, 24893, 37489, 10857),
            Salarios(2025, 27880, 41988, 11314),
            # UMA 2026: 117.31, por confirmar contra la publicación del INEGI en el DOF.
            Salarios(2026, 31504, 44087, 11731),
        )
    }
)


def salarios_de(anio: int | None) -> Salarios:
    """The amounts of ``anio``; a year after the table (or None) takes the latest, one before
    it the earliest."""
    if anio is not None and anio in SALARIOS:
        return SALARIOS[anio]
    if anio is not None and anio < min(SALARIOS):
        return SALARIOS[min(SALARIOS)]
    return SALARIOS[max(SALARIOS)]


def pesos(centavos: int) -> str:
    """«$2,932.75»: how an amount reads in a message."""
    signo, centavos = ("-", -centavos) if centavos < 0 else ("", centavos)
    return f"{signo}${centavos // 100:,}.{centavos % 100:02d}"


def sbc_texto(centavos: int) -> str:
    """«2932.75»: the SBC as the IMSS template writes it (two decimals, no thousands)."""
    return f"{centavos // 100}.{centavos % 100:02d}"


# Pesos with a point and up to two decimals (as dinero leaves them); at most 9 digits of pesos.
_SBC_RE = re.compile(r"([0-9]{1,9})(?:\.([0-9]{0,2}))?")
_MUCHOS_DECIMALES = re.compile(r"[0-9]+\.[0-9]{3,}")


def parse_sbc(texto: object, campo: str = "sbc") -> int:
    """The SBC in centavos, typed or from a file as Mexico writes pesos («350.50», «350.5»,
    «$1,234.56», «1,234.56», 1234.5); one whose separators read two ways («1.234,56») is
    refused (domain/importes.py)."""
    limpio = dinero(texto, "El SBC", campo).strip()
    if not limpio:
        raise ValidationError(
            "campo_obligatorio", "Falta el SBC (salario base de cotización).", campo
        )
    if limpio.isascii() and (m := _SBC_RE.fullmatch(limpio)):
        return int(m[1]) * 100 + int((m[2] or "").ljust(2, "0"))
    if "," in limpio:
        why = (
            "lleva una coma fuera de lugar: usa punto decimal y, si quieres, coma de miles "
            "(por ejemplo, 1,234.50)"
        )
    elif limpio.isascii() and _MUCHOS_DECIMALES.fullmatch(limpio):
        why = "tiene más de dos decimales"
    else:
        why = "no es un importe: captura pesos con punto decimal (por ejemplo, 350.50)"
    escrito = str(texto).strip()  # as the clerk wrote it, not as read
    raise ValidationError("sbc_formato", f"El SBC «{escrito}» {why}.", campo)


def _motivo(check: Callable[[str], object], valor: str) -> str | None:
    """The Spanish reason ``check`` gives for ``valor``; None when it accepts it."""
    try:
        check(valor)
    except ValidationError as exc:
        return exc.message
    return None


def revisar_trabajadores(
    trabajadores: Sequence[Trabajador],
    anio: int | None = None,
    curps_conocidas: Mapping[str, str] = SIN_CURPS,
) -> list[Problema]:
    """Every problem of the rows of one contract, in row order. ``anio``: the period's year
    (the SBC's legal range); ``curps_conocidas``: NSS → CURP of the workers the empresa already
    knows (an NSS declared with another CURP is reported)."""
    salarios = salarios_de(anio)
    minimo, tope = salarios.minimo_general, salarios.tope
    problemas: list[Problema] = []
    add = problemas.append
    renglon_de_nss: dict[str, int] = {}
    renglon_de_curp: dict[str, int] = {}
    # Told for all the rows at once when all are valid (as in almost every file): no row's own.
    nss_validos = todos_nss_ok([t.nss for t in trabajadores])
    curps_validas = todas_curp_ok([t.curp for t in trabajadores])
    for lugar, t in enumerate(trabajadores, start=1):
        renglon = lugar if t.renglon is None else t.renglon
        nss, curp, sbc = t.nss, t.curp, t.sbc
        if not (nss_validos or nss_ok(nss)) and (motivo := _motivo(check_nss, nss)):
            add(Problema(NSS, motivo, campo=NSS, renglon=renglon))
        curp_valida = curps_validas or curp_ok(curp)
        if not curp_valida:
            motivo = _motivo(check_curp, curp)
            curp_valida = motivo is None
            if motivo:
                add(Problema(CURP, motivo, campo=CURP, renglon=renglon))
        if sbc < minimo:
            add(
                Problema(
                    SBC,
                    f"El SBC de {pesos(sbc)} es menor que el salario mínimo general de "
                    f"{salarios.anio} ({pesos(minimo)}).",
                    campo=SBC,
                    renglon=renglon,
                )
            )
        elif sbc > tope:
            add(
                Problema(
                    SBC,
                    f"El SBC de {pesos(sbc)} excede el tope de 25 UMA de {salarios.anio} "
                    f"({pesos(tope)}; LSS art. 28).",
                    campo=SBC,
                    renglon=renglon,
                )
            )
        if nss:
            primero = renglon_de_nss.get(nss)
            if primero is None:
                renglon_de_nss[nss] = renglon
            else:
                add(
                    Problema(
                        NSS_REPETIDO,
                        f"El NSS {nss} se repite en los renglones {primero} y {renglon}.",
                        campo=NSS,
                        renglon=renglon,
                    )
                )
        if curp:
            primero = renglon_de_curp.get(curp)
            if primero is None:
                renglon_de_curp[curp] = renglon
            else:
                add(
                    Problema(
                        CURP_REPETIDA,
                        f"La CURP {curp} se repite en los renglones {primero} y {renglon}.",
                        campo=CURP,
                        renglon=renglon,
                    )
                )
        if curps_conocidas and curp_valida:
            conocida = curps_conocidas.get(nss)
            if conocida and conocida != curp:
                add(
                    Problema(
                        CURP_DISTINTA,
                        f"El NSS {nss} está registrado con la CURP {conocida}, no con {curp}.",
                        campo=CURP,
                        renglon=renglon,
                    )
                )
    return problemas
