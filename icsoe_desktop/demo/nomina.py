"""Made-up receipts of a weekly payroll in the store (the screenshots): workers with valid NSS
and CURP, each serving one or two of three clients. Written straight into the tables, as the
import would leave them; no XML, no seal."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import ReciboNomina

CLIENTES = ("CMA050505KL3", "TRA991231QR7", "ALI080808AB1")


def create_demo_recibos(
    store: Store,
    primer_lunes: date,
    semanas: int,
    trabajadores: int,
    clientes_rfc: Sequence[str] = CLIENTES,
    semilla: int = 2026,
) -> int:
    """``semilla``: demo_trabajadores' (the same workers as a contract made with it)."""
    from icsoe_desktop.demo.data import demo_trabajadores

    rng = random.Random(91 * semilla)  # each seed its own UUIDs
    gente = demo_trabajadores(trabajadores, primer_lunes.year, semilla)
    clientes = {
        t.curp: rng.sample(list(clientes_rfc), min(rng.choice((1, 1, 2)), len(clientes_rfc)))
        for t in gente
    }
    hechos = 0
    with store.session() as session:
        conn = session.connection()
        for semana in range(semanas):
            inicio = primer_lunes + timedelta(weeks=semana)
            fin = inicio + timedelta(days=6)
            for t in gente:
                hechos += 1
                sueldo = t.sbc * 7
                suyos = clientes[t.curp]
                partes = [100_000] if len(suyos) == 1 else [60_000, 40_000]
                fecha = datetime.combine(fin + timedelta(days=1), datetime.min.time())
                conn.execute(
                    insert(ReciboNomina),
                    {
                        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "created_at": fecha,
                        "updated_at": fecha,
                        "version": 1,
                        "deleted": False,
                        "cfdi": "4.0",
                        "fecha": fecha,
                        "fecha_pago": fin + timedelta(days=1),
                        "fecha_inicial": inicio,
                        "fecha_final": fin,
                        "dias_pagados": 7_000,
                        "tipo_nomina": "O",
                        "periodicidad": "02",
                        "nss": t.nss,
                        "curp": t.curp,
                        "rfc": t.curp[:10] + "AB1",
                        "nombre": t.nombre,
                        "registro_patronal": "Y5412345105",
                        "sbc": t.sbc,
                        "sdi": t.sbc,
                        "total": sueldo,
                        "total_percepciones": sueldo,
                        "total_deducciones": 0,
                        "total_otros_pagos": 0,
                        "no_certificado": "00001000000512345678",
                        "sello_sat": 1,
                        # The children, written from it by the store's trigger
                        "detalle": json.dumps(
                            {
                                "p": [["001", sueldo, 0]],
                                "s": [list(x) for x in zip(suyos, partes, strict=True)],
                            }
                        ),
                    },
                )
    return hechos
