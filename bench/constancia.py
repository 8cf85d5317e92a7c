"""The constancia de firma of a big informativa: CPU to draw and sign it, CPU to verify it, and
its size, for CONTRATOS contracts of TRABAJADORES workers each (the e.firma is a test one).

    python bench/constancia.py [CONTRATOS TRABAJADORES]      # default 1 50; try 50 12000
"""

from __future__ import annotations

import dataclasses
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.modelo import Trabajador
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa.constancia import (
    escribir_constancia,
    verificar_constancia,
)
from tests import credentials_factory as cf
from tests.icsoe_helpers import CURP_ANA
from tests.informativa_acuse_datos import informativa


def main() -> None:
    contratos, trabajadores = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (1, 50)
    base = informativa()
    modelo = base.contratos[1]
    lista = tuple(
        dataclasses.replace(
            modelo,
            uuid=f"0196a4c2-1f00-7000-8000-{c:012d}",
            trabajadores=tuple(
                Trabajador(f"{c:02d}{t:09d}", CURP_ANA, 30_000 + t % 90_000)
                for t in range(trabajadores)
            ),
            trabajadores_declarados=None,
        )
        for c in range(contratos)
    )
    inf = dataclasses.replace(base, contratos=lista)
    fiel = cf.fiel_moral()
    llave = load_sat_pair(fiel.cer, fiel.key(), cf.PASSWORD).private_key
    firma = datetime.now(timezone(timedelta(hours=-6))).replace(microsecond=0)
    raiz = cf.sat_ca().certificate_der
    inicio = time.process_time()
    cadena = cadena_original(inf, firma)
    sello = sellar(cadena, llave)
    pdf = escribir_constancia(inf, cadena, sello, fiel.cer, [raiz], firma, llave)
    escribir = time.process_time() - inicio
    inicio = time.process_time()
    resultado = verificar_constancia(pdf, TrustStore([read_emisor(raiz, incluido=False)]))
    verificar = time.process_time() - inicio
    assert resultado.ok, resultado.motivo
    print(
        f"{contratos}×{trabajadores:,}: {len(pdf) / 1e6:.2f} MB; CPU sellar+dibujar+firmar "
        f"{escribir:.2f} s, verificar {verificar:.2f} s"
    )


if __name__ == "__main__":
    main()
