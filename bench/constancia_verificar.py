"""Verifying the constancia de firma of a big informativa: CONTRATOS contracts of TRABAJADORES
distinct workers each (bench/datos_reales.py: distinct NSS and CURP, real name distributions,
SBCs spread from the minimum wage up; the e.firma is a test one). Signing it whole is
bench/constancia.py's.

RONDAS rounds in this one process, each printed as it ends: verifying it alone and compared with
the informativa a store keeps as signed, as «Verificar constancia» does when the store holds it;
their CPU, and that CPU normalised to the figures' reference (``REFERENCE`` of
bench/suite_cpu.py measured before and after the rounds: the CPU × ``REFERENCIA_CIFRAS`` / its
CPU now); the round's peak resident memory (VmHWM, reset before each round) and the resident
memory once the round's results are dropped and a collection has run (what the window's timer
does), which must not grow from round to round. Then once: a constancia made before the frozen
copies' SHA-256 (the frozen copy is read and compared with the cadena), and the restore check of
that informativa, reading its frozen copy as a cadena, against reading it whole (``descongelar``
and the cadena written again). With the machine's load.

    python bench/constancia_verificar.py [CONTRATOS TRABAJADORES [RONDAS]]  # default 50 12000 10
"""

from __future__ import annotations

import dataclasses
import gc
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos_reales import trabajadores as reales
from suite_cpu import reference_cpu

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

# The CPU of ``REFERENCE`` (bench/suite_cpu.py) on the days the figures of docs/rendimiento.md
# were taken (the fastest: 0.56–0.58 s).
REFERENCIA_CIFRAS = 0.58


def _memoria(clave: str) -> float:
    """A line of /proc/self/status, in MB (Linux)."""
    for linea in Path("/proc/self/status").read_text().splitlines():
        if linea.startswith(clave + ":"):
            return int(linea.split()[1]) / 1024
    return float("nan")


def _reiniciar_pico() -> None:
    """VmHWM back to the resident memory now (Linux: ``clear_refs`` 5)."""
    with open("/proc/self/clear_refs", "w") as archivo:
        archivo.write("5")


def main() -> None:
    contratos, trabajadores = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (50, 12_000)
    rondas = int(sys.argv[3]) if len(sys.argv) > 3 else 10
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
    del inf, lista, todos  # the workers are the constancia's and the frozen copies' only

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

    print(
        f"{contratos}×{trabajadores:,}: {len(pdf) / 1e6:.2f} MB; CPU sellar+dibujar+firmar "
        f"{escribir:.2f} s (y congelar la informativa {congelar_cpu:.2f} s)",
        flush=True,
    )
    gc.collect()
    antes = _memoria("VmRSS")
    print(f"residente antes de verificar: {antes:.0f} MB", flush=True)
    medidas: dict[str, list[float]] = {}
    residentes = []
    for ronda in range(1, rondas + 1):
        # Paired: the reference measured in the round, the machine's speed moves within a run.
        factor = REFERENCIA_CIFRAS / (referencia := reference_cpu())
        _reiniciar_pico()
        sola, guardada = verificar(pdf, False), verificar(pdf, True)
        gc.collect()  # the results dropped, as the window's collector does
        pico, residente = _memoria("VmHWM"), _memoria("VmRSS")
        residentes.append(residente)
        medidas.setdefault("sola", []).append(sola * factor)
        medidas.setdefault("guardada", []).append(guardada * factor)
        medidas.setdefault("factor", []).append(factor)
        print(
            f"ronda {ronda}: verificar {sola:.2f} s (normalizado {sola * factor:.2f} s), con la "
            f"guardada {guardada:.2f} s ({guardada * factor:.2f} s); referencia "
            f"{referencia:.2f} s; memoria máxima {pico:.0f} MB, residente después "
            f"{residente:.0f} MB; carga {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    factor = statistics.median(medidas.pop("factor"))
    anterior_cpu = verificar(anterior, True)
    restaurar_cpu, entera_cpu = restaurar(False), restaurar(True)
    m = {nombre: statistics.median(valores) for nombre, valores in medidas.items()}
    print(
        f"medianas de {rondas} rondas, normalizadas a una referencia de {REFERENCIA_CIFRAS} s: "
        f"verificar {m['sola']:.2f} s ({min(medidas['sola']):.2f}–{max(medidas['sola']):.2f}), "
        f"con la informativa guardada {m['guardada']:.2f} s ({min(medidas['guardada']):.2f}–"
        f"{max(medidas['guardada']):.2f}); residente antes {antes:.0f} MB y después de cada "
        f"ronda {min(residentes):.0f}–{max(residentes):.0f} MB (primera {residentes[0]:.0f}, "
        f"última {residentes[-1]:.0f}). Una vez, normalizado con la mediana de las rondas: una "
        f"constancia sin las huellas de la copia congelada {anterior_cpu * factor:.2f} s; "
        f"comprobación al restaurar {restaurar_cpu * factor:.2f} s (leyendo la copia entera: "
        f"{entera_cpu * factor:.2f} s); carga {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
