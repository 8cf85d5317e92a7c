"""Workers with the shape of a real payroll file, for the benches: distinct NSS (subdelegación,
year of affiliation, year of birth, a sequence, the Luhn digit) and CURP (built from the name and
birth date as RENAPO does, its check digit), names drawn by how often Mexicans carry them (a
handful of surnames and given names cover a large part: HERNANDEZ, GARCIA, MARTINEZ; MARIA,
JUAN, JOSE; the prefixes «ma», «ju», «gar» are common), SBCs spread from the minimum wage up.
``movimientos`` gives those workers' IDSE history as a company's store holds it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
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


def capturistas(n: int, seed: int = 2026) -> Iterator[tuple[str, str, str, str, str, str]]:
    """``n`` distinct capturistas from ``personas``: (CURP, nombre, primer apellido, segundo
    apellido, correo, teléfono); the e-mail made of the name as people make theirs (so many
    share its start: maria.hernandez…), distinct by a number, the phone a Mexican mobile."""
    rng = random.Random(seed + 2)
    dominios = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "nominas.mx")
    for i, (_nss, curp, primero, segundo, nombre, _sbc) in enumerate(personas(n, seed), 1):
        usuario = f"{nombre.split()[0]}.{primero.replace(' ', '')}".lower()
        usuario = usuario.translate(_SIN_ACENTOS_MINUSCULAS)
        correo = f"{usuario}{i}@{rng.choice(dominios)}"
        telefono = f"{rng.choice((55, 33, 81, 222, 442, 999))}{rng.randrange(10**8):08d}"[:10]
        yield curp, nombre, primero, segundo, correo, telefono


_SIN_ACENTOS_MINUSCULAS = str.maketrans("áéíóúüñ", "aeiouun")


# The company's registros patronales, as unequal as real ones: the main plant, a branch, a
# small third (the demo's three, so the importers find them in the store).
PESOS_REGISTRO = (60, 30, 10)
# Movements per worker: an alta (reingreso), then salary changes, sometimes a baja.
HISTORIAS = ((1, 45), (2, 30), (3, 15), (4, 7), (6, 3))


def movimientos(count: int, today: date, seed: int = 2026) -> Iterator[dict[str, object]]:
    """``count`` movimientos rows (dicts for a Core insert into ``movimientos``) of distinct
    ``personas``: each worker's reingreso, then modificaciones of a rising SBC, a baja for
    some of them, in date order within the last three years, all under one registro
    patronal; states as in a working payroll (most approved, the recent ones pending)."""
    from icsoe_desktop.demo.movimientos import DEMO_REGISTROS, ESTADOS_PESO, movimiento_row
    from icsoe_desktop.domain.movimientos import BAJA, MODIFICACION, REINGRESO

    rng = random.Random(seed + 1)
    registros = [r for r, _rfc, _razon in DEMO_REGISTROS]
    estados = [e for e, peso in ESTADOS_PESO for _ in range(peso)]
    largos, pesos = zip(*HISTORIAS, strict=True)
    stamp = datetime.combine(today, time())
    alto = salarios_de(today.year).tope
    hechos = 0
    for numero, (nss, curp, primero, segundo, nombre, sbc) in enumerate(personas(count, seed)):
        registro = rng.choices(registros, PESOS_REGISTRO)[0]
        fechas = [today - timedelta(days=rng.randrange(3 * 365))]
        for _ in range(rng.choices(largos, pesos)[0] - 1):
            siguiente = fechas[-1] + timedelta(days=1 + rng.randrange(200))
            if siguiente > today:  # a history not written yet
                break
            fechas.append(siguiente)
        del fechas[count - hechos :]
        largo = len(fechas)
        baja = largo > 1 and rng.random() < 0.2
        for paso, fecha in enumerate(fechas):
            tipo = REINGRESO if paso == 0 else BAJA if baja and paso == largo - 1 else MODIFICACION
            if paso:
                sbc = min(alto, sbc * (100 + rng.randrange(3, 12)) // 100)
            reciente = (today - fecha).days < 5
            estado = "pendiente" if reciente and rng.random() < 0.7 else rng.choice(estados)
            yield movimiento_row(
                rng,
                registro=registro,
                nss=nss,
                nombres=(primero, segundo, nombre),
                curp=curp,
                tipo=tipo,
                fecha=fecha,
                estado=estado,
                sbc=sbc,
                clave=f"E{numero:07d}",
                stamp=stamp,
            )
            hechos += 1
        if hechos == count:
            return


def crear_movimientos(
    store, count: int, today: date, batch: int = 20_000, filas: Iterable[dict] | None = None
) -> int:
    """Insert ``movimientos(count, today)`` (or ``filas``) and the demo's registros patronales
    through the store's bulk path, as ``demo movimientos`` does; return how many were new."""
    from typing import cast

    from sqlalchemy import Table, insert

    from icsoe_desktop.demo.movimientos import ensure_demo_registros
    from icsoe_desktop.store.models import MovimientoRow
    from icsoe_desktop.store.movimientos import bulk_insert

    ensure_demo_registros(store)
    statement = insert(cast(Table, MovimientoRow.__table__)).prefix_with("OR IGNORE")
    buffer: list[dict[str, object]] = []
    added = 0
    with store.engine.begin() as conn:
        for row in movimientos(count, today) if filas is None else filas:
            buffer.append(row)
            if len(buffer) == batch:
                added += bulk_insert(conn, lambda: conn.execute(statement, buffer).rowcount)
                buffer.clear()
        if buffer:
            added += bulk_insert(conn, lambda: conn.execute(statement, buffer).rowcount)
    return added


PERIODO = "2026-2"


def informativa_con_contratos(services, base: Path, contratos: int) -> tuple[str, list[str]]:
    """The test persona moral enters with its e.firma (written in ``base``/fiel), creates its
    informativa of ``PERIODO`` and ``contratos`` contracts without workers, each with its own
    contratante (through the services). Returns (the informativa's uuid, its contracts')."""
    from icsoe_desktop.domain.informativa.modelo import Periodo
    from tests.icsoe_helpers import enter_contratista

    rfc = enter_contratista(services, base / "datos", base)
    uuid = services.informativas.crear(rfc, rfc, Periodo.de_clave(PERIODO))
    uuids = [contrato(services, uuid, rfc, rfc, n) for n in range(contratos)]
    return uuid, uuids


def contrato(services, informativa: str, rfc: str, actor: str, n: int) -> str:
    """Contract number ``n`` of the informativa of the contratista ``rfc``, with a contratante
    of its own (through the services, as ``actor``). Returns its uuid."""
    from icsoe_desktop.domain.informativa.modelo import Parte
    from icsoe_desktop.services.informativa.captura import ContratoDatos

    contratante, _ = services.informativas.guardar_contratante(
        rfc, actor, Parte(rfc=f"CNT{n:02d}0101A1{n % 10}", nombre=f"Cliente {n} SA de CV")
    )
    datos = ContratoDatos(
        contratante,
        objeto=f"Mantenimiento especializado, sede {n}",
        folio_repse=f"{10_000 + n}/2025",
        descripcion_servicio="Mantenimiento industrial especializado",
        fecha_inicial=date(2026, 5, 1 + n % 28),
        fecha_final=date(2027, 5, 1),
    )
    return services.informativas.guardar_contrato(informativa, actor, datos)
