"""Workers with the shape of a real payroll file, for the benches: distinct NSS (subdelegación,
year of affiliation, year of birth, a sequence, the Luhn digit) and CURP (built from the name and
birth date as RENAPO does, its check digit), names drawn by how often Mexicans carry them (a
handful of surnames and given names cover a large part: HERNANDEZ, GARCIA, MARTINEZ; MARIA,
JUAN, JOSE; the prefixes «ma», «ju», «gar» are common), SBCs spread from the minimum wage up.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from icsoe_desktop.demo.movimientos import _curp
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.informativa.trabajadores import salarios_de

# Relative frequencies (per thousand people, rounded) of the most common surnames and given names.
APELLIDOS = {
    "HERNANDEZ": 40, "GARCIA": 33, "MARTINEZ": 29, "LOPEZ": 26, "GONZALEZ": 25,
    "PEREZ": 21, "RODRIGUEZ": 20, "SANCHEZ": 19, "RAMIREZ": 17, "CRUZ": 13, "FLORES": 12,
    "GOMEZ": 12, "MORALES": 9, "VAZQUEZ": 9, "JIMENEZ": 9, "REYES": 9, "DIAZ": 8,
    "TORRES": 8, "GUTIERREZ": 8, "RUIZ": 7, "MENDOZA": 7, "AGUILAR": 7, "ORTIZ": 6,
    "MORENO": 6, "CASTILLO": 6, "ROMERO": 6, "ALVAREZ": 6, "MENDEZ": 5, "CHAVEZ": 5,
    "RIVERA": 5, "JUAREZ": 5, "RAMOS": 5, "DOMINGUEZ": 4, "HERRERA": 4, "MEDINA": 4,
    "CASTRO": 4, "VARGAS": 4, "GUZMAN": 4, "VELAZQUEZ": 4, "MUÑOZ": 4, "ROJAS": 4,
    "DE LA CRUZ": 3, "CONTRERAS": 3, "SALAZAR": 3, "LUNA": 3, "ORTEGA": 3, "SANTIAGO": 3,
    "GUERRERO": 3, "ESTRADA": 3, "BAUTISTA": 3, "CORTES": 3, "SOTO": 3, "ALVARADO": 3,
    "ESPINOZA": 3, "LARA": 3, "AVILA": 3, "RIOS": 3, "CERVANTES": 3, "SILVA": 3,
    "DELGADO": 3, "VEGA": 3, "MARQUEZ": 2, "SANDOVAL": 2, "CARRILLO": 2, "LEON": 2,
    "MEJIA": 2, "SOLIS": 2, "ROSAS": 2, "IBARRA": 2, "VALDEZ": 2, "NUÑEZ": 2, "CAMPOS": 2,
    "SANTOS": 2, "CAMACHO": 2, "NAVARRO": 2, "PEÑA": 2, "MALDONADO": 2, "ROSALES": 2,
    "ACOSTA": 2, "MIRANDA": 2, "TREJO": 2, "VALENCIA": 2, "NAVA": 2, "PACHECO": 2,
    "HUERTA": 2, "PADILLA": 2, "MOLINA": 2, "GALLEGOS": 1, "GARZA": 1, "MARIN": 1,
    "JUAN": 1, "MACIAS": 1, "GALINDO": 1, "ZAPATA": 1, "MATA": 1, "ORDOÑEZ": 1,
    "ÁVALOS": 1, "OROZCO": 1, "QUINTERO": 1, "ZÚÑIGA": 1, "BECERRA": 1, "YAÑEZ": 1,
}  # fmt: skip
NOMBRES = {
    "MARIA GUADALUPE": 25, "JUAN": 22, "JOSE LUIS": 18, "MARIA": 18, "JOSE": 17,
    "ROSA MARIA": 9, "FRANCISCO": 9, "MIGUEL ANGEL": 9, "MARIA DE LOURDES": 8,
    "JUAN CARLOS": 8, "ANTONIO": 8, "PEDRO": 7, "ALEJANDRO": 7, "MANUEL": 7, "JESUS": 7,
    "GABRIELA": 6, "ANA MARIA": 6, "JUANA": 6, "MARGARITA": 6, "VERONICA": 6,
    "PATRICIA": 6, "ELIZABETH": 5, "MARIO": 5, "RICARDO": 5, "FERNANDO": 5, "ROBERTO": 5,
    "LETICIA": 5, "MARTHA": 5, "DANIEL": 5, "JORGE": 5, "ALEJANDRA": 5, "SERGIO": 4,
    "RAUL": 4, "LUIS": 4, "ARTURO": 4, "CLAUDIA": 4, "SILVIA": 4, "ADRIANA": 4,
    "JAVIER": 4, "GERARDO": 4, "MARCO ANTONIO": 4, "MARIBEL": 3, "MARCELA": 3,
    "MARIANA": 3, "JULIO CESAR": 3, "JULIETA": 3, "JULIAN": 3, "ARMANDO": 3,
    "ENRIQUE": 3, "EDUARDO": 3, "RAFAEL": 3, "HUGO": 3, "ALBERTO": 3, "OSCAR": 3,
    "CARMEN": 3, "DIANA": 3, "KARLA": 3, "LAURA": 3, "SANDRA": 3, "MONICA": 3, "YOLANDA": 3,
    "XOCHITL": 1, "ÑAKI": 1, "IÑIGO": 1, "JOSÉ ÁNGEL": 1, "MARÍA JOSÉ": 1, "ZOÉ": 1,
}  # fmt: skip


def _elegir(rng: random.Random, tabla: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(tabla), list(tabla.values()), k=k)


def personas(
    n: int, seed: int = 2026, anio: int = 2026
) -> Iterator[tuple[str, str, str, str, str, int]]:
    """``n`` distinct workers: (NSS, CURP, primer apellido, segundo apellido, nombre, SBC in
    centavos within ``anio``'s legal range)."""
    rng = random.Random(seed)
    salarios = salarios_de(anio)
    alto = min(salarios.tope, 8 * salarios.minimo_general)
    vistos_nss: set[str] = set()
    vistos_curp: set[str] = set()
    hechos = 0
    while hechos < n:
        lote = min(4096, 2 * (n - hechos) + 16)
        primeros, segundos = _elegir(rng, APELLIDOS, lote), _elegir(rng, APELLIDOS, lote)
        nombres = _elegir(rng, NOMBRES, lote)
        for primero, segundo, nombre in zip(primeros, segundos, nombres, strict=True):
            nacido = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
            afiliado = min(nacido.year + 18 + rng.randrange(15), 2025)
            base = (
                f"{rng.randrange(1, 100):02d}{afiliado % 100:02d}{nacido.year % 100:02d}"
                f"{rng.randrange(10_000):04d}"
            )
            nss = base + nss_check_digit(base)
            sin_acento = (primero, segundo, nombre)
            sin_acento = tuple(s.translate(_SIN_ACENTOS) for s in sin_acento)
            curp = _curp(rng, *sin_acento, nacido, rng.choice("HM"))
            if nss in vistos_nss or curp in vistos_curp:
                continue
            vistos_nss.add(nss)
            vistos_curp.add(curp)
            # Most near the minimum wage, a long tail of higher salaries.
            sbc = min(alto, int(salarios.minimo_general * (1 + rng.expovariate(1.2))))
            yield nss, curp, primero, segundo, nombre, sbc
            hechos += 1
            if hechos == n:
                return


_SIN_ACENTOS = str.maketrans("ÁÉÍÓÚÜ", "AEIOUU")


def trabajadores(n: int, seed: int = 2026, anio: int = 2026) -> list[Trabajador]:
    """``personas`` as the informativa's workers (with the name the CURP was made of)."""
    return [
        Trabajador(nss, curp, sbc, f"{nombre} {primero} {segundo}", renglon=i)
        for i, (nss, curp, primero, segundo, nombre, sbc) in enumerate(personas(n, seed, anio), 1)
    ]


PERIODO = "2026-2"


def informativa_con_contratos(services, base: Path, contratos: int) -> tuple[str, list[str]]:
    """The test persona moral enters with its e.firma (written in ``base``/fiel), creates its
    informativa of ``PERIODO`` and ``contratos`` contracts without workers, each with its own
    contratante (through the services). Returns (the informativa's uuid, its contracts')."""
    from icsoe_desktop.domain.informativa.modelo import Parte, Periodo
    from icsoe_desktop.services.informativa.captura import ContratoDatos
    from tests.icsoe_helpers import enter_contratista

    rfc = enter_contratista(services, base / "datos", base)
    uuid = services.informativas.crear(rfc, rfc, Periodo.de_clave(PERIODO))
    uuids = []
    for n in range(contratos):
        contratante, _ = services.informativas.guardar_contratante(
            rfc, rfc, Parte(rfc=f"CNT{n:02d}0101A1{n % 10}", nombre=f"Cliente {n} SA de CV")
        )
        datos = ContratoDatos(
            contratante,
            objeto=f"Mantenimiento especializado, sede {n}",
            folio_repse=f"{10_000 + n}/2025",
            descripcion_servicio="Mantenimiento industrial especializado",
            fecha_inicial=date(2026, 5, 1 + n % 28),
            fecha_final=date(2027, 5, 1),
        )
        uuids.append(services.informativas.guardar_contrato(uuid, rfc, datos))
    return uuid, uuids
