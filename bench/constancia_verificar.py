"""Verifying the constancia de firma of a big informativa: CONTRATOS contracts of TRABAJADORES
distinct workers each (bench/datos_reales.py: distinct NSS and CURP, real name distributions,
SBCs spread from the minimum wage up; the e.firma is a test one). Signing it whole is
bench/constancia.py's.

Paired in one run, medians of RONDAS interleaved rounds: verifying it alone; compared with the
informativa a store keeps as signed, as «Verificar constancia» does when the store holds it, for
a constancia that carries its frozen copies' SHA-256 (what *Firmar* writes) and for one made
before (no SHA-256: the frozen copy is read and compared with the cadena); and the restore check
of that informativa, reading its frozen copy as a cadena, against reading it whole
(``descongelar`` and the cadena written again). With the machine's load.

    python bench/constancia_verificar.py [CONTRATOS TRABAJADORES [RONDAS]]  # default 50 12000 3
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos_reales import trabajadores as reales

from icsoe_desktop.domain.credentials import load_sat_pair
from icsoe_desktop.domain.informativa.cadena import cadena_original, con_firma
from icsoe_desktop.domain.informativa.firmada import (
    comprobar,
    congelar,
    descongelar,
    sin_trabajadores,
)
from icsoe_desktop.domain.informativa.modelo import FIRMADA
from icsoe_desktop.domain.informativa.sello import sellar
from icsoe_desktop.domain.trust import TrustStore, read_emisor
from icsoe_desktop.services.informativa.constancia import (
    escribir_constancia,
    verificar_constancia,
)
from icsoe_desktop.services.informativa.firma import _comparar
from tests import credentials_factory as cf
from tests.informativa_acuse_datos import informativa


def main() -> None:
    contratos, trabajadores = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (50, 12_000)
    rondas = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    base = informativa()
    modelo = base.contratos[1]
    todos = reales(contratos * trabajadores, anio=base.periodo.anio)
    lista = tuple(
        dataclasses.replace(
            modelo,
            uuid=f"0196a4c2-1f00-7000-8000-{c:012d}",
            trabajadores=tuple(
                dataclasses.replace(t, renglon=None)
                for t in todos[c * trabajadores : (c + 1) * trabajadores]
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
    congeladas = congelar(inf, firma), congelar(sin_trabajadores(inf), firma)
    congelar_cpu = time.process_time() - inicio
    inicio = time.process_time()
    cadena = cadena_original(inf, firma)
    sello = sellar(cadena, llave)
    pdf = escribir_constancia(
        inf, cadena, sello, fiel.cer, [raiz], firma, llave, congeladas=congeladas
    )
    escribir = time.process_time() - inicio
    anterior = escribir_constancia(inf, cadena, sello, fiel.cer, [raiz], firma, llave)
    confianza = TrustStore([read_emisor(raiz, incluido=False)])
    # The store's row of that informativa (what FirmaInformativaService.verificar reads), with
    # the constancia *Firmar* kept.
    fila = (FIRMADA, cadena, sello, *congeladas, None, inf.contratista.rfc)
    fila += (inf.periodo.clave, inf.tipo)

    def verificar(constancia: bytes, con_guardada: bool) -> float:
        guardada = lambda c: _comparar(c, [(*fila, constancia)], None)  # noqa: E731
        inicio = time.process_time()
        resultado = verificar_constancia(
            constancia, confianza, guardada=guardada if con_guardada else None
        )
        transcurrido = time.process_time() - inicio
        assert resultado.ok, resultado.motivo
        return transcurrido

    def restaurar(entera: bool) -> float:
        """The restore check of the frozen copies (services/respaldo/backup.py), and the
        same done by reading the whole copy back and writing its cadena again."""
        inicio = time.process_time()
        if entera:
            leida = descongelar(congeladas[0])
            firmadas = {cadena_original(leida.informativa, leida.firmada, c) for c in (False, True)}
        else:
            comprobada = comprobar(*congeladas)
            assert comprobada.cabecera
            firmadas = {
                con_firma(comprobada.contenido, comprobada.firmada, c) for c in (False, True)
            }
        transcurrido = time.process_time() - inicio
        assert cadena in firmadas
        return transcurrido

    medidas: dict[str, list[float]] = {}
    for _ in range(rondas):
        for nombre, medir in (
            ("sola", lambda: verificar(pdf, False)),
            ("guardada", lambda: verificar(pdf, True)),
            ("anterior", lambda: verificar(anterior, True)),
            ("restaurar", lambda: restaurar(False)),
            ("restaurar entera", lambda: restaurar(True)),
        ):
            medidas.setdefault(nombre, []).append(medir())
    m = {nombre: statistics.median(valores) for nombre, valores in medidas.items()}
    print(
        f"{contratos}×{trabajadores:,}: {len(pdf) / 1e6:.2f} MB; CPU sellar+dibujar+firmar "
        f"{escribir:.2f} s (y congelar la informativa {congelar_cpu:.2f} s); medianas de "
        f"{rondas} rondas: verificar {m['sola']:.2f} s, verificar con la informativa guardada "
        f"{m['guardada']:.2f} s (una constancia sin las huellas de la copia congelada: "
        f"{m['anterior']:.2f} s), comprobación al restaurar {m['restaurar']:.2f} s (leyendo la "
        f"copia entera: {m['restaurar entera']:.2f} s); carga del equipo {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
