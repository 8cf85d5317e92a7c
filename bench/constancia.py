"""The constancia de firma of a big informativa: CPU to draw and sign it, CPU to verify it (alone,
and compared with the informativa a store keeps as signed, as «Verificar constancia» does when
the store holds it), and its size, for CONTRATOS contracts of TRABAJADORES workers each (the
e.firma is a test one).

    python bench/constancia.py [CONTRATOS TRABAJADORES]      # default 1 50; try 50 12000
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original
from icsoe_desktop.domain.informativa.firmada import congelar
from icsoe_desktop.domain.informativa.modelo import FIRMADA, Trabajador
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa.constancia import (
    escribir_constancia,
    verificar_constancia,
)
from icsoe_desktop.services.informativa.firma import _comparar
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
    confianza = TrustStore([read_emisor(raiz, incluido=False)])
    inicio = time.process_time()
    resultado = verificar_constancia(pdf, confianza)
    verificar = time.process_time() - inicio
    assert resultado.ok, resultado.motivo
    # The store's row of that informativa (what FirmaInformativaService.verificar reads).
    fila = (FIRMADA, cadena, sello, congelar(inf, firma), None, inf.contratista.rfc)
    fila += (inf.periodo.clave, inf.tipo)
    inicio = time.process_time()
    resultado = verificar_constancia(pdf, confianza, guardada=lambda c: _comparar(c, [fila], None))
    guardada = time.process_time() - inicio
    assert resultado.ok, resultado.motivo
    print(
        f"{contratos}×{trabajadores:,}: {len(pdf) / 1e6:.2f} MB; CPU sellar+dibujar+firmar "
        f"{escribir:.2f} s, verificar {verificar:.2f} s, verificar con la informativa guardada "
        f"{guardada:.2f} s; carga del equipo {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
