"""The SISUB of a staffing firm: CONTRATOS contracts started in mayo–agosto 2026, TRABAJADORES
workers spread over them (on their informativa's lists), each paid weekly through the period
with a receipt naming its contract's client (about 200,000 receipts, the store filled
directly). Timed: *Preparar* (``SisubService.preparar``: the contracts in force, every
receipt read with its perceptions, the rows per worker and bimestre written) and *Exportar*
(``SisubArchivosService.exportar``: Revisar, with the bimestres' SUA and SIPARE payments attached
as evidence read and compared, then the three CSVs), against a floor that only
reads the same receipts with their perceptions and clients (sqlite3, no rules, no writes), in
the same run. Prints each CPU time (goals: preparar ≤ 10 s, exportar ≤ 5 s on the figures'
reference), the ratio to the floor, the process's peak memory in each (goal ≤ 400 MB) and the
machine's load.

Then the same three actions from the SISUB window (``SisubDialog``, offscreen, its buttons
clicked; each done by a process of its own, services/sisub/aparte.py), each timed from the
click until the window shows its result, against the service call alone in the same state (the
ratio: what the window adds: starting that process, reading the report back into its grids),
and the longest the window's thread went without answering meanwhile (a timer ticking every
5 ms: goal ≤ 50 ms), told apart: the thread's own work in that gap and its wait for a
processor (Linux: its schedstat; on a loaded machine the longest gaps are that wait), beside
the longest with the window at rest right after for as long (the machine's load alone), and
the longest the thread worked between two ticks (what the window itself does); each
``--veces`` times, the medians printed. The message boxes the actions end in are counted, not
shown.

    python bench/sisub.py [--contratos 50] [--trabajadores 12000] [--semanas 17] [--veces 3]
        [--sin-ventana]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from datos_reales import contrato, personas  # noqa: E402

# After the path above: the package of this tree, not one installed elsewhere.
from icsoe_desktop.store import cifrado  # noqa: E402


def _clock() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def preparar(base: Path, contratos: int, trabajadores: int, semanas: int) -> tuple[str, int]:
    """The store filled: returns the contratista's RFC and how many receipts."""
    from icsoe_desktop.domain.informativa.modelo import Domicilio, Periodo
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services
    from tests import nomina_cfdi as nc
    from tests.icsoe_helpers import enter_contratista

    data = base / "datos"
    data.mkdir()
    services = open_services(data, _clock)
    try:
        services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab", CLI_ACTOR)
        services.nombrar_empresa()
        rfc = enter_contratista(services, data, base)
        informativa = services.informativas.crear(rfc, rfc, Periodo(2026, 2))
        uuids = [contrato(services, informativa, rfc, rfc, n) for n in range(contratos)]
        gente = list(personas(trabajadores, anio=2026))
        por_contrato = -(-trabajadores // contratos)
        for n, uuid in enumerate(uuids):
            parte = gente[n * por_contrato : (n + 1) * por_contrato]
            filas = [
                (nss, curp, f"{sbc / 100:.2f}", f"{nombre} {a} {b}")
                for nss, curp, a, b, nombre, sbc in parte
            ]
            services.informativa_trabajadores.agregar_varios(uuid, rfc, _trabajadores(filas))
        sitio = Domicilio("Av. Industrias", "1200", "", "Industrial", "97288", "Mérida", "Yucatán")
        reporte = services.sisub.preparar(rfc, rfc, "2026-2").uuid
        for n, uuid in enumerate(uuids):
            services.sisub.guardar_contrato(reporte, uuid, rfc, f"S-{n:03d}", sitio)
        # Its REPSE registration, after the contracts (their services are the bench's own):
        # Revisar refuses an export without it.
        services.repse.registrar(rfc, rfc, "AR12345/2024", date(2024, 3, 15), ["Mantenimiento"])
        almacen = Path(services.store.path)
    finally:
        services.close()
    # The report prepared above had no receipts: its rows are cleared, so the one timed
    # starts from none.
    return rfc, _recibos(almacen, gente, contratos, por_contrato, semanas)


def _trabajadores(filas: list[tuple[str, str, str, str]]) -> list:
    from icsoe_desktop.domain.informativa.modelo import Trabajador

    return [
        Trabajador(nss, curp, round(float(sbc) * 100), nombre) for nss, curp, sbc, nombre in filas
    ]


def _recibos(almacen: Path, gente: list, contratos: int, por_contrato: int, semanas: int) -> int:
    from icsoe_desktop.store import plain
    from tests import nomina_cfdi as nc

    lunes = date(2026, 5, 4)
    n = 0
    conn = plain.connect(almacen)  # the store's SQL functions, which its triggers call
    try:
        for semana in range(semanas):
            inicio = lunes + timedelta(weeks=semana)
            fin = inicio + timedelta(days=6)
            filas = []
            for i, (nss, curp, _a, _b, nombre, sbc) in enumerate(gente):
                k = i // por_contrato
                cliente = f"CNT{k:02d}0101A1{k % 10}"
                n += 1
                detalle = {"p": [["001", sbc * 7, 0]], "s": [[cliente, 100_000]]}
                if i % 10 == 0:
                    detalle["p"].append(["019", 35_000, 35_000])
                if i % 7 == 0:  # a worker with an INFONAVIT loan: its deducción 010
                    detalle["v"] = 20_000
                filas.append(
                    (
                        n,
                        "4.0",
                        "2026-05-01 00:00:00",
                        fin.isoformat(),
                        inicio.isoformat(),
                        fin.isoformat(),
                        7000,
                        "O",
                        "02",
                        nss,
                        curp,
                        "XAXX010101000",
                        nombre,
                        nc.REGISTRO_PATRONAL,
                        sbc,
                        sbc,
                        0,
                        0,
                        0,
                        0,
                        nc.NO_CSD,
                        1,
                        json.dumps(detalle, separators=(",", ":")),
                        f"{n:08X}-0000-4000-8000-000000000000",
                        "2026-05-01 00:00:00",
                        "2026-05-01 00:00:00",
                        1,
                        0,
                    )
                )
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO nomina_recibos VALUES ({', '.join('?' * 28)})", filas)
            conn.execute("COMMIT")
        conn.execute("DELETE FROM sisub_trabajadores")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    del contratos
    return n


def piso(almacen: Path) -> float:
    """CPU seconds to read the period's receipts with their clients and perceptions."""
    inicio = time.thread_time()
    with cifrado.conectar(almacen) as conn:
        filas = conn.execute(
            "SELECT r.id, r.nss, r.fecha_final, r.sbc, s.rfc, s.porcentaje FROM nomina_recibos r "
            "JOIN nomina_subcontrataciones s ON s.recibo_id = r.id "
            "WHERE r.fecha_final BETWEEN '2026-05-01' AND '2026-08-31'"
        ).fetchall()
        ids = [f[0] for f in filas]
        for k in range(0, len(ids), 30_000):
            parte = ids[k : k + 30_000]
            conn.execute(
                f"SELECT recibo_id, tipo, gravado + exento FROM nomina_percepciones "
                f"WHERE recibo_id IN ({', '.join('?' * len(parte))})",
                parte,
            ).fetchall()
    conn.close()
    return time.thread_time() - inicio


@dataclass
class Pausa:
    """The longest gap between two ticks of the window's timer, and what the window's thread
    did in it: ``cpu`` its own work (s), ``cola`` the time it waited for a processor (s; Linux:
    its schedstat; else None); ``rafaga`` its longest own work between two ticks of the whole
    stretch (s)."""

    hueco: float = 0.0
    cpu: float = 0.0
    cola: float | None = None
    rafaga: float = 0.0


def _en_cola() -> float | None:
    """Seconds this thread has waited for a processor since it started (Linux), else None."""
    try:
        with open("/proc/thread-self/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


class _Latido:
    """The longest gap between two ticks of a 5 ms timer on the window's thread (``pausa``),
    told apart: the window's own work in it, and its wait for a processor (the machine's
    load)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.pausa = Pausa()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tic)
        self._antes = (time.perf_counter(), time.thread_time(), _en_cola())

    def _tic(self) -> None:
        ahora = (time.perf_counter(), time.thread_time(), _en_cola())
        hueco, cpu = ahora[0] - self._antes[0], ahora[1] - self._antes[1]
        cola = None if ahora[2] is None or self._antes[2] is None else ahora[2] - self._antes[2]
        rafaga = max(self.pausa.rafaga, cpu)
        if hueco > self.pausa.hueco:
            self.pausa = Pausa(hueco, cpu, cola, rafaga)
        self.pausa.rafaga = rafaga
        self._antes = ahora

    @property
    def maximo(self) -> float:
        return self.pausa.hueco

    def __enter__(self) -> _Latido:
        self.pausa = Pausa()
        self._antes = (time.perf_counter(), time.thread_time(), _en_cola())
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._tic()  # a click that blocked to the end: the gap up to now
        self._timer.stop()


def _hasta(condicion: object, limite_s: float = 600) -> None:
    from PySide6.QtWidgets import QApplication

    fin = time.perf_counter() + limite_s
    while not condicion():  # type: ignore[operator]
        QApplication.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > fin:
            raise TimeoutError("la ventana no terminó")


@dataclass(frozen=True)
class Vez:
    """One click of an action: the service call alone just before (s), the click until the
    window shows its result (s), the window's longest stall meanwhile, and its longest stall
    at rest right after for as long (at least 2 s)."""

    servicio: float
    ventana: float
    pausa: Pausa
    reposo: Pausa


def ventana(services, rfc: str, uuid: str, salida: Path, veces: int) -> dict[str, list[Vez]]:
    """Per action (Preparar, Revisar, Exportar), ``veces`` times (``Vez``); at rest nothing
    runs: what the machine's load alone costs the window over the same time."""
    from PySide6.QtWidgets import QApplication, QFileDialog

    from icsoe_desktop.gui.informativa import sisub as ventana_sisub
    from icsoe_desktop.gui.kit import msgbox
    from icsoe_desktop.gui.kit.operaciones import en_curso
    from icsoe_desktop.gui.style import apply_style

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    cajas: list[str] = []
    msgbox.information = lambda _p, texto, _t="": cajas.append(texto)  # type: ignore[assignment]
    msgbox.warning = lambda _p, texto, _t="": cajas.append(texto)  # type: ignore[assignment]
    QFileDialog.getExistingDirectory = lambda *_a, **_k: str(salida)  # type: ignore[assignment]
    dialogo = ventana_sisub.SisubDialog(services, rfc, rfc)
    dialogo.show()
    _hasta(lambda: en_curso() == 0)
    filas: dict[str, list[Vez]] = {}
    acciones = (
        ("preparar", dialogo.preparar, lambda: services.sisub.preparar(rfc, rfc, "2026-2")),
        ("revisar", dialogo.revisar, lambda: services.sisub.revisar(uuid, rfc)),
        (
            "exportar",
            dialogo.exportar,
            lambda: services.sisub_archivos.exportar(uuid, rfc, salida / "solo"),
        ),
    )
    for _vez in range(veces):
        for nombre, boton, solo in acciones:
            inicio = time.perf_counter()
            solo()
            servicio = time.perf_counter() - inicio
            _hasta(lambda: en_curso() == 0)  # the window's read of what the call announced
            vistas = len(cajas)
            with _Latido() as latido:
                inicio = time.perf_counter()
                boton.click()
                if nombre == "preparar":
                    _hasta(lambda: en_curso() == 0)
                else:
                    _hasta(lambda vistas=vistas: len(cajas) > vistas)
                desde_ventana = time.perf_counter() - inicio
            pausa = latido.pausa
            _hasta(lambda: en_curso() == 0)
            with _Latido() as latido:
                fin = time.perf_counter() + max(2.0, desde_ventana)
                _hasta(lambda fin=fin: time.perf_counter() > fin)
            filas.setdefault(nombre, []).append(Vez(servicio, desde_ventana, pausa, latido.pausa))
    dialogo.close()
    return filas


def _ms(segundos: float | None) -> str:
    return "?" if segundos is None else f"{segundos * 1000:.0f}"


def _renglon(nombre: str, veces: list[Vez]) -> str:
    """An action's figures: medians over its clicks, the longest stall's parts."""
    solo = statistics.median(v.servicio for v in veces)
    desde = statistics.median(v.ventana for v in veces)
    pausas = sorted(v.pausa.hueco for v in veces)
    peor = max(veces, key=lambda v: v.pausa.hueco).pausa
    reposo = sorted(v.reposo.hueco for v in veces)
    rafaga = max(v.pausa.rafaga for v in veces)
    return (
        f"    {nombre}: {desde:.2f} s desde la ventana, {solo:.2f} s el servicio solo "
        f"({desde / solo:.2f}×); la ventana sin responder a lo más "
        f"{statistics.median(pausas) * 1000:.0f} ms (mediana de {len(pausas)}; máximo "
        f"{pausas[-1] * 1000:.0f}: {_ms(peor.cpu)} ms de trabajo suyo, {_ms(peor.cola)} ms "
        f"esperando un procesador; meta ≤ 50 ms); en reposo el mismo tiempo "
        f"{statistics.median(reposo) * 1000:.0f} ms (máximo {reposo[-1] * 1000:.0f}); su hilo "
        f"trabajó a lo más {rafaga * 1000:.0f} ms seguidos"
    )


def pagos(services, carpeta: Path) -> None:
    """The bimestres' IMSS–INFONAVIT payments attached as evidence (a SUA cédula in June's, a
    SIPARE line in August's): Revisar reads them and compares item c) with them."""
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from tests import nomina_cfdi as nc
    from tests.services.test_repse import registro_pdf

    carpeta.mkdir()
    for mes, nombre, bimestre in ((6, "cedula.pdf", "Bimestre: 03/2026"), (8, "sipare.pdf", "")):
        ruta = carpeta / nombre
        ruta.write_bytes(
            registro_pdf(
                f"CEDULA DE DETERMINACION DE CUOTAS\nRegistro Patronal: {nc.REGISTRO_PATRONAL}\n"
                f"{bimestre}\nAportación Patronal Sin Crédito  9,876,543.21\n"
                "Aportación Patronal Con Crédito  1,234,567.89\nAmortización  2,345,678.90"
            )
        )
        services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, mes), "sua", ruta)


def _sin_pico() -> float:
    """The process's resident memory now, its peak reset to it (Linux: ``clear_refs`` 5), so
    that the peak read after Preparar and Exportar is theirs, not the filling's."""
    from peak import peak_rss_mb

    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return peak_rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contratos", type=int, default=50)
    parser.add_argument("--trabajadores", type=int, default=12_000)
    parser.add_argument("--semanas", type=int, default=17)
    parser.add_argument("--veces", type=int, default=3, help="each window action, this many times")
    parser.add_argument("--sin-ventana", action="store_true", help="the service alone")
    args = parser.parse_args()
    from peak import peak_rss_mb

    from icsoe_desktop.services.container import open_services

    with tempfile.TemporaryDirectory() as temporal:
        base = Path(temporal)
        print("Llenando la base…", file=sys.stderr)
        rfc, recibos = preparar(base, args.contratos, args.trabajadores, args.semanas)
        carga = os.getloadavg()[0]
        services = open_services(base / "datos", _clock)
        try:
            almacen = Path(services.store.path)
            cpu_piso = piso(almacen)
            pagos(services, base / "pagos")
            pico_antes = _sin_pico()
            inicio = time.thread_time()
            hecho = services.sisub.preparar(rfc, rfc, "2026-2")
            cpu_preparar = time.thread_time() - inicio
            pico_preparar = peak_rss_mb()
            _sin_pico()
            inicio = time.thread_time()
            exportado = services.sisub_archivos.exportar(hecho.uuid, rfc, base / "salida")
            cpu_exportar = time.thread_time() - inicio
            pico_exportar = peak_rss_mb()
            acciones = {}
            if not args.sin_ventana:
                print("Desde la ventana…", file=sys.stderr)
                (base / "ventana").mkdir()
                acciones = ventana(services, rfc, hecho.uuid, base / "ventana", args.veces)
        finally:
            services.close()
        carga = max(carga, os.getloadavg()[0])
        print(
            f"SISUB: {hecho.contratos:,} contratos, {hecho.trabajadores:,} renglones de "
            f"trabajador y bimestre, de {recibos:,} recibos"
        )
        print(f"  piso (leer recibos, clientes y percepciones): {cpu_piso:.2f} s de CPU")
        print(
            f"  preparar: {cpu_preparar:.2f} s de CPU (meta ≤ 10 s), "
            f"{cpu_preparar / cpu_piso:.1f}× el piso"
        )
        print(f"  exportar: {cpu_exportar:.2f} s de CPU (meta ≤ 5 s) → {exportado.ruta.name}")
        print(
            f"  memoria: pico {pico_preparar:.0f} MB al preparar, {pico_exportar:.0f} MB al "
            f"exportar (meta ≤ 400 MB; {pico_antes:.0f} MB antes de preparar)"
        )
        if acciones:
            print("  desde la ventana (reloj; el servicio solo, en el mismo estado, justo antes):")
        for nombre, veces in acciones.items():
            print(_renglon(nombre, veces))
        print(f"  carga: {carga:.1f}")


if __name__ == "__main__":
    main()
