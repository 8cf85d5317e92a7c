"""The Consulta grid with 10,000 capturistas with the shape of real ones (bench/datos_reales.py:
real name distributions, distinct CURPs and e-mails): time until the first page is on screen,
and the service's page query against a raw sqlite3 query of the same page (same run, same file).

    python bench/capturistas.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from icsoe_desktop.store import cifrado

RFC = "ABC010101AB1"
RAW_PAGE = """
SELECT r.id, r.rol, c.curp, c.nombre, c.primer_apellido, c.segundo_apellido, r.correo,
       r.telefono, r.estatus, r.fecha_alta, r.usuario_alta, r.fecha_baja, r.fecha_actualizacion,
       c.password_hash IS NOT NULL
FROM icsoe_capturista_relaciones r JOIN icsoe_capturistas c ON c.id = r.capturista_id
WHERE r.contratista_id = ? AND r.id > ? ORDER BY r.id LIMIT ?
"""


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def seed(services, rows: int) -> int:
    """One contratista with ``rows`` capturistas, inserted in bulk (setup, not measured)."""
    from sqlalchemy import insert

    from bench.datos_reales import capturistas
    from icsoe_desktop.store.models import Capturista, CapturistaRelacion, Contratista, new_uuid

    now = datetime(2026, 1, 1)
    sync = {"created_at": now, "updated_at": now, "version": 1, "deleted": False}
    with services.store.session() as session:
        contratista = Contratista(
            rfc=RFC, nombre="NOMINAS DEL CENTRO SA DE CV", persona="moral", datos_generales_at=now
        )
        session.add(contratista)
        session.flush()
        made = list(capturistas(rows))
        people = [
            {
                "uuid": new_uuid(),
                "curp": curp,
                "nombre": nombre,
                "primer_apellido": primero,
                "segundo_apellido": segundo,
                **sync,
            }
            for curp, nombre, primero, segundo, _correo, _telefono in made
        ]
        session.execute(insert(Capturista), people)
        ids = session.scalars(
            Capturista.__table__.select().with_only_columns(Capturista.id).order_by(Capturista.id)
        )
        session.execute(
            insert(CapturistaRelacion),
            [
                {
                    "uuid": new_uuid(),
                    "contratista_id": contratista.id,
                    "capturista_id": pid,
                    "rol": "Capturista",
                    "telefono": telefono,
                    "correo": correo,
                    "estatus": "Registrada",
                    "usuario_alta": RFC,
                    "fecha_alta": now,
                    **sync,
                }
                for pid, (*_persona, correo, telefono) in zip(ids, made, strict=True)
            ],
        )
        return contratista.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from bench.carga import carga
    from icsoe_desktop.gui.icsoe.capturistas_model import PAGE_SIZE
    from icsoe_desktop.gui.icsoe.consulta import IcsoeConsultaPage
    from icsoe_desktop.services.container import open_services

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="icsoe-bench-") as tmp:
        services = open_services(Path(tmp))
        contratista_id = seed(services, args.rows)
        raw = cifrado.conectar(services.store.path)
        raw_ms = median_ms(
            lambda: raw.execute(RAW_PAGE, (contratista_id, 0, PAGE_SIZE)).fetchall(), 51
        )
        service_ms = median_ms(lambda: services.capturistas.pagina(RFC, 0, PAGE_SIZE), 51)
        last_id = services.capturistas.pagina(RFC, 0, args.rows)[-2].id
        tail_ms = median_ms(lambda: services.capturistas.pagina(RFC, last_id, PAGE_SIZE), 51)

        def page_opened() -> None:
            page = IcsoeConsultaPage(services, RFC)  # form, count, first page
            page.resize(1280, 640)
            page.show()
            page.tabla.viewport().repaint()
            page.close()
            page.deleteLater()
            app.processEvents()

        page_opened()  # warm-up: form loading, fonts
        opened_ms = median_ms(page_opened, 11)
        page = IcsoeConsultaPage(services, RFC)
        page.resize(1280, 640)
        page.show()
        app.processEvents()

        def first_page_shown() -> None:
            page.reload()  # what every action's refresh does: count + first page
            page.tabla.viewport().repaint()

        shown_ms = median_ms(first_page_shown, 21)
        page.close()

        page = IcsoeConsultaPage(services, RFC)
        start = time.perf_counter()
        while page.model.canFetchMore():
            page.model.fetchMore()
        all_ms = (time.perf_counter() - start) * 1000
        loaded = page.model.rowCount()
        raw.close()
        services.close()

    print(f"capturistas of one contratista:            {args.rows}   {carga()}")
    print(f"raw sqlite3 query of the first page ({PAGE_SIZE}):  {raw_ms:8.2f} ms (median of 51)")
    print(
        f"service page query (same page):             {service_ms:8.2f} ms   "
        f"ratio {service_ms / raw_ms:.2f}"
    )
    print(f"service page query, last page (keyset):     {tail_ms:8.2f} ms")
    print(
        f"Consulta reloaded, first page painted:      {shown_ms:8.2f} ms   "
        f"ratio {shown_ms / raw_ms:.1f} vs raw query (median of 21)"
    )
    print(f"Consulta page opened (form + first page):   {opened_ms:8.2f} ms (median of 11)")
    print(f"scrolling through all {loaded} rows (fetchMore): {all_ms:8.1f} ms")


if __name__ == "__main__":
    main()
