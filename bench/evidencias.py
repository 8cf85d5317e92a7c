"""The client's pack and the board of Evidencias del cliente.

Pack: a month of weekly payroll (TRABAJADORES workers, real-shaped receipts sealed by a test CSD:
tests/nomina_cfdi.py) imported through ``nomina importar`` (which keeps each XML in the evidence
archive) and the month's eight documents attached; then ``EvidenciasService.paquete`` for the
client named by most receipts, against the standard library zipping the same XML files (from the
folder they were imported from) and the same PDFs with the same compression (deflate level 6),
no index, no checks. Medians of RONDAS rounds, interleaved; the ratio's goal is ≤ 2×.

Verify: ``evidencias verificar`` of the last pack (every member against the index, the signed
list, each receipt's seal and timbre, who it names), in CPU, against a floor doing per receipt
only what no check can skip: lxml parses it, the SAT's XSLT writes its cadena, RSA verifies its
seal with the certificate it carries (goal ≤ 2×).

Archive: the evidence archive's file against the bytes it keeps (each blob compressed), after
the import (goal ≤ 1.2×).

Board: the same store with the month's receipts copied into the eleven months before (seeded
directly, as bench data) and their clients spread over CLIENTES RFCs; ``tablero.leer`` of
the twelve months (goal ≤ 200 ms). Prints the machine's load: the figures are only comparable
within one run.

    python bench/evidencias.py [--trabajadores 3000] [--semanas 5] [--clientes 40] [--rondas 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package, imported below inside each step


def _clock() -> datetime:
    return datetime(2026, 11, 22, 15, 0)


def preparar(base: Path, trabajadores: int, semanas: int) -> tuple[Path, Path, list[Path]]:
    """The data folder with the month imported and documented; the receipts' folder; the PDFs."""
    from icsoe_desktop.domain.evidencias import DOCUMENTOS, Mes
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services
    from tests import nomina_cfdi as nc
    from tests.services.test_repse import registro_pdf

    datos = base / "datos"
    datos.mkdir(parents=True)
    services = open_services(datos, _clock)
    try:
        services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab", CLI_ACTOR)
        services.nombrar_empresa()
        nc.confiar(datos)
        gente = nc.trabajadores(trabajadores, seed=1)
        inicio = time.perf_counter()
        recibos = nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 10, 5), semanas), seed=2)
        carpeta = nc.escribir(base / "recibos", recibos)
        print(f"  generados en {time.perf_counter() - inicio:.0f} s", file=sys.stderr)
        inicio = time.perf_counter()
        reporte = services.nomina.importar([carpeta], CLI_ACTOR)
        print(
            f"  importados {reporte.guardados:,} en {time.perf_counter() - inicio:.0f} s",
            file=sys.stderr,
        )
        pdfs = []
        for tipo in DOCUMENTOS:
            pdf = base / f"{tipo}.pdf"
            pdf.write_bytes(registro_pdf(f"{DOCUMENTOS[tipo]} octubre 2026 " + "x" * 2000))
            services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 10), tipo, pdf)
            pdfs.append(pdf)
    finally:
        services.close()
    return datos, carpeta, pdfs


def cliente_mayor(store: Path) -> tuple[str, list[str]]:
    from icsoe_desktop.store import cifrado

    with closing(cifrado.conectar(store)) as conn:
        rfc = conn.execute(
            "SELECT rfc FROM nomina_subcontrataciones GROUP BY rfc ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        uuids = [
            u.upper()
            for (u,) in conn.execute(
                "SELECT r.uuid FROM nomina_recibos r JOIN nomina_subcontrataciones s "
                "ON s.recibo_id = r.id WHERE s.rfc = ? "
                "AND r.fecha_pago BETWEEN '2026-10-01' AND '2026-10-31'",  # the pack's month
                (rfc,),
            )
        ]
    return rfc, uuids


def paquete(datos: Path, cliente: str, salida: Path) -> float:
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services

    services = open_services(datos, _clock)
    try:
        inicio = time.perf_counter()
        hecho = services.evidencias.paquete(CLI_ACTOR, Mes(2026, 10), cliente, salida)
        segundos = time.perf_counter() - inicio
        assert len(hecho.miembros) > 0
        return segundos
    finally:
        services.close()


def stdlib(carpeta: Path, uuids: list[str], pdfs: list[Path], salida: Path) -> float:
    inicio = time.perf_counter()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for uuid in uuids:
            zf.write(carpeta / f"{uuid}.xml", f"recibos/{uuid}.xml")
        for pdf in pdfs:
            zf.write(pdf, f"documentos/{pdf.name}", compress_type=zipfile.ZIP_STORED)
    return time.perf_counter() - inicio


def verificar_paquete(datos: Path, pack: Path) -> tuple[float, int]:
    """CPU of ``evidencias verificar`` on ``pack``, as the command runs it; its receipts."""
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.evidencias.verificar import verificar

    services = open_services(datos, _clock)
    try:
        confianza = services.certificates.emisores.trust_store()
        inicio = time.process_time()
        hecho = verificar(pack, confianza, services.verificador_nomina)
        cpu = time.process_time() - inicio
    finally:
        services.close()
    # The bench's pack is not signed (no contratista's e.firma here): that is its one reason.
    assert all("no está firmado" in m for m in hecho.motivos), hecho.motivos
    return cpu, hecho.recibos


def piso_verificar(pack: Path) -> float:
    """CPU of the floor: per receipt of ``pack``, parse, cadena by the SAT's XSLT, RSA verify."""
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    xslt = etree.XSLT(etree.parse(str(ROOT / "resources" / "cfdi" / "cadenaoriginal_4_0.xslt")))
    inicio = time.process_time()
    with zipfile.ZipFile(pack) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".xml"):
                continue
            raiz = etree.fromstring(zf.read(info), parser)
            cadena = bytes(xslt(raiz))
            der = base64.b64decode(raiz.get("Certificado"))
            llave = x509.load_der_x509_certificate(der).public_key()
            llave.verify(  # type: ignore[union-attr]  # a CSD key is RSA
                base64.b64decode(raiz.get("Sello")), cadena, padding.PKCS1v15(), hashes.SHA256()
            )
    return time.process_time() - inicio


def doce_meses(store: Path, clientes: int) -> int:
    """The month's receipts copied into the eleven months before, clients spread over
    ``clientes`` RFCs; returns the receipts in the twelve months."""
    from icsoe_desktop.store import plain

    with closing(plain.connect(store)) as conn:
        conn.execute("BEGIN")
        columnas = [c[1] for c in conn.execute("PRAGMA table_info(nomina_recibos)") if c[1] != "id"]
        base = conn.execute("SELECT max(id) FROM nomina_recibos").fetchone()[0]
        for k in range(1, 12):
            valores = [
                f"uuid || '-{k}'"
                if c == "uuid"
                else f"date(fecha_pago, '-{k} months')"
                if c == "fecha_pago"
                else c
                for c in columnas
            ]
            conn.execute(
                f"INSERT INTO nomina_recibos ({', '.join(columnas)}) "
                f"SELECT {', '.join(valores)} FROM nomina_recibos WHERE id <= ?",
                (base,),
            )
            conn.execute(
                "INSERT OR IGNORE INTO nomina_subcontrataciones (recibo_id, rfc, porcentaje) "
                "SELECT n.id, s.rfc, s.porcentaje FROM nomina_subcontrataciones s "
                "JOIN nomina_recibos o ON o.id = s.recibo_id "
                f"JOIN nomina_recibos n ON n.uuid = o.uuid || '-{k}' WHERE o.id <= ?",
                (base,),
            )
        conn.execute(
            "UPDATE OR IGNORE nomina_subcontrataciones "
            "SET rfc = printf('C%02dA010101AA', recibo_id % ?)",
            (clientes,),
        )
        conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM nomina_recibos").fetchone()[0]


def archivo_en_disco(store: Path) -> tuple[int, int]:
    """The evidence archive's file size and the compressed bytes of the blobs it keeps."""
    from icsoe_desktop.store import cifrado

    archivo = store.parent / "evidencias" / store.name
    with closing(cifrado.conectar(archivo, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (datos,) = conn.execute("SELECT sum(length(datos)) FROM partes").fetchone()
    return archivo.stat().st_size, int(datos)


def tablero(store: Path) -> tuple[float, int]:
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.services.evidencias.tablero import leer, meses_hasta

    inicio = time.perf_counter()
    filas = leer(store, meses_hasta(Mes(2026, 10), 12))
    return time.perf_counter() - inicio, len(filas)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trabajadores", type=int, default=3000)
    parser.add_argument("--semanas", type=int, default=5)
    parser.add_argument("--clientes", type=int, default=40)
    parser.add_argument("--rondas", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-evidencias-"))
    try:
        datos, carpeta, pdfs = preparar(base, args.trabajadores, args.semanas)
        store = next(datos.glob("*.sqlite3"))
        cliente, uuids = cliente_mayor(store)
        tamano, guardado = archivo_en_disco(store)
        print(
            f"Archivo de evidencias: {tamano / 2**20:.1f} MiB por {guardado / 2**20:.1f} MiB "
            f"de archivos comprimidos: {tamano / guardado:.2f}× (meta ≤ 1.2×)"
        )
        nuestros, suyos = [], []
        for ronda in range(args.rondas):
            nuestros.append(paquete(datos, cliente, base / f"p{ronda}.zip"))
            suyos.append(stdlib(carpeta, uuids, pdfs, base / f"s{ronda}.zip"))
        p, s = statistics.median(nuestros), statistics.median(suyos)
        print(f"Paquete de {len(uuids):,} recibos + {len(pdfs)} PDF: {p:.2f} s (mediana)")
        print(f"zipfile de la biblioteca estándar, mismos archivos: {s:.2f} s (mediana)")
        print(f"Razón: {p / s:.2f}× (meta ≤ 2×)")
        ultimo = base / f"p{args.rondas - 1}.zip"
        verificados, pisos = [], []
        for _ in range(args.rondas):
            cpu, recibos_pack = verificar_paquete(datos, ultimo)
            verificados.append(cpu)
            pisos.append(piso_verificar(ultimo))
        v, f = statistics.median(verificados), statistics.median(pisos)
        print(
            f"evidencias verificar de ese paquete ({recibos_pack:,} recibos): {v:.2f} s de CPU; "
            f"piso (lxml + XSLT del SAT + RSA por recibo): {f:.2f} s; razón {v / f:.2f}× (meta ≤ 2×)"
        )
        copia = base / "tablero.sqlite3"
        shutil.copy2(store, copia)
        archivo = store.parent / "evidencias" / store.name
        (copia.parent / "evidencias").mkdir(exist_ok=True)
        shutil.copy2(archivo, copia.parent / "evidencias" / copia.name)
        recibos = doce_meses(copia, args.clientes)
        tiempos = [tablero(copia) for _ in range(max(args.rondas, 5))]
        mediana = statistics.median(t for t, _ in tiempos)
        print(
            f"Tablero de {tiempos[0][1]} clientes × 12 meses ({recibos:,} recibos): "
            f"{mediana * 1000:.0f} ms (mediana; meta ≤ 200 ms)"
        )
        print(f"Carga de la máquina: {os.getloadavg()[0]:.1f} ({os.cpu_count()} núcleos)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
