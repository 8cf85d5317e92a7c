"""Realistic made-up movements (``demo movimientos --count N``, screenshots, benchmarks): valid
NSS and CURP, the company's registros patronales, states spread as in a working payroll."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import cast

from sqlalchemy import Table, insert, select

from icsoe_desktop.domain.contacto import curp_check_digit
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.movimientos import BAJA, MODIFICACION, REINGRESO
from icsoe_desktop.services.movimientos.servicio import Progress
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import MovimientoRow, RegistroPatronal, new_uuid
from icsoe_desktop.store.movimientos import bulk_insert

DEMO_REGISTROS = (
    ("Y5412345106", "ABC010101AB1", "NOMINAS DEL CENTRO SA DE CV"),
    ("B1234567105", "ABC010101AB1", "NOMINAS DEL CENTRO SA DE CV"),
    ("NO191919191", "ABC010101AB1", "NOMINAS DEL CENTRO SA DE CV"),
)
NOMBRES = (
    "CLAUDIA",
    "OSCAR",
    "XOCHITL",
    "JOSE",
    "KARLA",
    "FERNANDO",
    "MARIA GUADALUPE",
    "JUAN",
    "ANA SOFIA",
    "LUIS ANGEL",
    "VERONICA",
    "MIGUEL",
    "DIANA",
    "JORGE",
    "PATRICIA",
    "RAUL",
)
APELLIDOS = (
    "HERNANDEZ",
    "GARCIA",
    "MARTINEZ",
    "LOPEZ",
    "GONZALEZ",
    "PEREZ",
    "RODRIGUEZ",
    "SANCHEZ",
    "RAMIREZ",
    "CRUZ",
    "FLORES",
    "GOMEZ",
    "MUÑOZ",
    "NUÑEZ",
    "ORTIZ",
    "CASTILLO",
    "PEÑA",
)
ESTADOS_PESO = (
    ("aprobado", 60),
    ("pendiente", 15),
    ("enviado", 10),
    ("recibido", 7),
    ("rechazado", 8),
)
CAUSAS_RECHAZO = (
    "NSS no vigente en el registro patronal",
    "Fecha de movimiento fuera de plazo",
    "El trabajador ya tiene un reingreso con esa fecha",
    "Salario menor al mínimo",
)
ENTIDADES = ("DF", "JC", "NL", "MC", "PL", "GT", "VZ")


@cache
def _palabra_valida(inicio: str) -> bool:
    """Whether a CURP may start with these four letters (RENAPO's list of words, as stdnum
    checks it): asked once per word, not per row (stdnum's whole check is ~0.2 ms)."""
    from stdnum.mx import curp

    muestra = f"{inicio}000101HDFXXX0"
    return curp.is_valid(muestra + curp_check_digit(muestra))


def _curp(rng: random.Random, first: str, second: str, name: str, born: date, sex: str) -> str:
    vowel = next((c for c in first[1:] if c in "AEIOU"), "X")
    consonant = lambda w: next((c for c in w[1:] if c not in "AEIOUÑ "), "X")  # noqa: E731
    base = (
        f"{first[0]}{vowel}{second[0] if second else 'X'}{name[0]}{born:%y%m%d}{sex}"
        f"{rng.choice(ENTIDADES)}{consonant(first)}{consonant(second or 'XX')}{consonant(name)}"
        f"{'0' if born.year < 2000 else 'A'}"
    ).replace("Ñ", "X")
    if not _palabra_valida(base[:4]):
        base = base[0] + "X" + base[2:]  # RENAPO's rule for a word on its list (CAGA → CXGA)
    return base + curp_check_digit(base)


def ensure_demo_registros(store: Store) -> list[str]:
    with store.session() as session:
        known = set(session.scalars(select(RegistroPatronal.registro)))
        for registro, rfc, razon in DEMO_REGISTROS:
            if registro not in known:
                session.add(RegistroPatronal(registro=registro, rfc=rfc, razon_social=razon))
    return [r for r, _rfc, _razon in DEMO_REGISTROS]


def demo_rows(count: int, today: date, seed: int = 2026):
    """Yield ``count`` movement rows (dicts for a Core insert), unique by construction."""
    rng = random.Random(seed)
    estados = [e for e, weight in ESTADOS_PESO for _ in range(weight)]
    registros = [r for r, _rfc, _razon in DEMO_REGISTROS]
    stamp = datetime.combine(today, time())
    for i in range(count):
        first, second = rng.choice(APELLIDOS), rng.choice(APELLIDOS)
        name = rng.choice(NOMBRES)
        sex = rng.choice("HM")
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        tipo = rng.choices((REINGRESO, MODIFICACION, BAJA), (45, 35, 20))[0]
        fecha = today - timedelta(days=rng.randrange(3 * 365))
        estado = rng.choice(estados)
        sbc = rng.randrange(27_899, 250_000)  # from about the minimum wage upwards, in centavos
        yield movimiento_row(
            rng,
            registro=registros[i % len(registros)],
            nss=_unique_nss(i),  # the row number in the NSS: unique whatever is drawn
            nombres=(first, second, name),
            curp=_curp(rng, first, second, name, born, sex),
            tipo=tipo,
            fecha=fecha,
            estado=estado,
            sbc=sbc,
            clave=f"E{i:07d}",
            stamp=stamp,
            tipo_trabajador=rng.choice("1112") if tipo != BAJA else "",
            tipo_salario=rng.choice("0001") if tipo != BAJA else "",
        )


def movimiento_row(
    rng: random.Random,
    *,
    registro: str,
    nss: str,
    nombres: tuple[str, str, str],
    curp: str,
    tipo: str,
    fecha: date,
    estado: str,
    sbc: int,
    clave: str,
    stamp: datetime,
    tipo_trabajador: str = "1",
    tipo_salario: str = "0",
) -> dict[str, object]:
    """One movement row (a dict for a Core insert): a baja carries no salary nor worker type,
    a reingreso its UMF; dates of emission, receipt and answer follow the state."""
    baja = tipo == BAJA
    first, second, name = nombres
    return {
        "uuid": new_uuid(),
        "registro_patronal": registro,
        "nss": nss,
        "primer_apellido": first,
        "segundo_apellido": second,
        "nombre": name,
        "curp": curp,
        "tipo": tipo,
        "fecha": fecha,
        "sbc": None if baja else sbc,
        "salario": None if baja else sbc * 100 // 105,
        "tipo_trabajador": "" if baja else tipo_trabajador,
        "tipo_salario": "" if baja else tipo_salario,
        "jornada": "" if baja else "0",
        "umf": f"{rng.randrange(1, 99):03d}" if tipo == REINGRESO else "",
        "causa_baja": rng.choice("12226") if baja else "",
        "clave_trabajador": clave,
        "guia": "",
        "estado": estado,
        "fecha_emision": None if estado == "pendiente" else fecha + timedelta(days=1),
        "fecha_recibido": (
            fecha + timedelta(days=1) if estado in ("recibido", "aprobado", "rechazado") else None
        ),
        "fecha_aprobacion": fecha + timedelta(days=2) if estado == "aprobado" else None,
        "fecha_rechazo": fecha + timedelta(days=2) if estado == "rechazado" else None,
        "causa_rechazo": rng.choice(CAUSAS_RECHAZO) if estado == "rechazado" else "",
        "created_at": stamp,
        "updated_at": stamp,
        "version": 1,
        "deleted": False,
    }


def _unique_nss(i: int) -> str:
    nss10 = f"{(12_000_000_00 + i * 7_919) % 10**10:010d}"
    return nss10 + nss_check_digit(nss10)


def create_demo_movimientos(
    store: Store, count: int, today: date, progress: Progress | None = None, batch: int = 20_000
) -> int:
    """Insert ``count`` demo movements (and the demo registros patronales) in batches; return
    how many were new (running it again adds nothing)."""
    ensure_demo_registros(store)
    table = cast(Table, MovimientoRow.__table__)
    buffer: list[dict] = []
    read = added = 0
    statement = insert(table).prefix_with("OR IGNORE")
    with store.engine.begin() as conn:
        for row in demo_rows(count, today):
            buffer.append(row)
            read += 1
            if len(buffer) == batch or read == count:
                added += bulk_insert(conn, lambda: conn.execute(statement, buffer).rowcount)
                buffer.clear()
                if progress:
                    progress(read, count)
    return added
