"""A small known data set of movements, as the CSV a clerk would bring (grid headers)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import update

from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.store.models import MovimientoRow

REGISTRO_A = "Y5412345106"
REGISTRO_B = "B1234567105"
RFC = "EDE0101018A2"
HEADERS = [
    "Registro Patronal", "Nombre", "Apellido Paterno", "Apellido Materno", "NSS", "SBC", "Fecha",
    "CURP", "Tipo", "Salario", "Estado", "Movimiento", "Tipo Salario", "Jornada", "UMF",
    "Causa Baja", "Clave Trabajador",
]  # fmt: skip
CURPS = ["BOXW310820HNERXN09", "HEGT761003HDFRNN07", "GODE561231MDFRNL06", "PEMA800101HDFRRN02"]


def nss(i: int) -> str:
    ten = f"{1200000000 + i * 37:010d}"
    return ten + nss_check_digit(ten)


# registro, nombre, paterno, materno, nss, sbc, fecha, tipo movimiento, estado, causa baja
KNOWN = [
    (REGISTRO_A, "CLAUDIA", "LOPEZ", "RUIZ", nss(1), "651.84", "01/05/2026", "08", "Aprobado", ""),
    (REGISTRO_A, "OSCAR", "PEREZ", "", nss(2), "522.88", "15/05/2026", "08", "Pendiente", ""),
    (REGISTRO_A, "KARLA", "GOMEZ", "DIAZ", nss(3), "800.00", "01/06/2026", "07", "Rechazado", ""),
    (REGISTRO_A, "JUAN", "CRUZ", "MORA", nss(4), "", "10/06/2026", "02", "Pendiente", "2"),
    (REGISTRO_B, "ANA", "RAMOS", "VEGA", nss(5), "300.10", "20/06/2026", "08", "Pendiente", ""),
    (REGISTRO_B, "LUIS", "ORTIZ", "PEÑA", nss(6), "410.00", "01/07/2026", "07", "Aprobado", ""),
]


def known_rows() -> list[dict[str, str]]:
    rows = []
    for i, (registro, nombre, pat, mat, n, sbc, fecha, tipo, estado, causa) in enumerate(KNOWN):
        rows.append(
            {
                "Registro Patronal": registro,
                "Nombre": nombre,
                "Apellido Paterno": pat,
                "Apellido Materno": mat,
                "NSS": n,
                "SBC": sbc,
                "Fecha": fecha,
                "CURP": CURPS[i % len(CURPS)],
                "Tipo": "Permanente" if tipo == "08" else "",
                "Salario": sbc,
                "Estado": estado,
                "Movimiento": tipo,
                "Tipo Salario": "" if tipo == "02" else "Fijo",
                "Jornada": "" if tipo == "02" else "0",
                "UMF": "12" if tipo == "08" else "",
                "Causa Baja": causa,
                "Clave Trabajador": f"E{i}",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, HEADERS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def add_registros(services) -> None:
    services.registros.save(REGISTRO_A, RFC, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    services.registros.save(REGISTRO_B, RFC, "EMPRESA DEMO SA DE CV", CLI_ACTOR)


def load_known(services, tmp_path: Path):
    add_registros(services)
    return services.importador.import_file(write_csv(tmp_path / "conocidos.csv", known_rows()), "t")


def load_nunez(services, tmp_path: Path) -> None:
    """The known rows and three pending movements of José Núñez Peña (registro A, nss(40)),
    typed with accents."""
    add_registros(services)
    rows = known_rows()
    for i, fecha in enumerate(("02/03/2026", "04/05/2026", "08/06/2026")):
        rows.append(
            {
                **rows[0],
                "Nombre": "José",
                "Apellido Paterno": "Núñez",
                "Apellido Materno": "Peña",
                "NSS": nss(40),
                "CURP": "NUPJ800101HDFXXS06",
                "Fecha": fecha,
                "Movimiento": ("08", "07", "02")[i],
                "Tipo": "Permanente" if i == 0 else "",
                "UMF": "12" if i == 0 else "",
                "Tipo Salario": "" if i == 2 else "Fijo",
                "Jornada": "" if i == 2 else "0",
                "Causa Baja": "2" if i == 2 else "",
                "Estado": "Pendiente",
            }
        )
    report = services.importador.import_file(write_csv(tmp_path / "m.csv", rows), "t")
    assert report.aplicado, report.rechazadas


def lote_con_dos_modificaciones(services, tmp_path: Path):
    """Lote 1 of registro A: the known pending reingreso and baja, and two modificaciones de
    salario of one worker (nss(7), on 01/06/2026 and 01/09/2026)."""
    add_registros(services)
    rows = known_rows()
    for fecha, sbc in (("01/06/2026", "500.00"), ("01/09/2026", "550.00")):
        rows.append(
            {
                **rows[2],
                "NSS": nss(7),
                "Nombre": "MARIO",
                "Fecha": fecha,
                "SBC": sbc,
                "Salario": sbc,
                "Estado": "Pendiente",
                "Clave Trabajador": "E7",
            }
        )
    report = services.importador.import_file(write_csv(tmp_path / "conocidos.csv", rows), "t")
    assert report.aplicado, report.rechazadas
    pendientes = services.lotes.pendientes(REGISTRO_A)
    out = tmp_path / "lotes"
    out.mkdir(exist_ok=True)
    return services.lotes.generar(REGISTRO_A, [p.id for p in pendientes], out, "admin@x.com")


def pull_movimientos(source, target, clock, first_seq: int = 1) -> tuple[int, int]:
    """``source``'s movimientos not yet sent, applied on ``target`` as a sync pull brings them
    (server sequence numbers from ``first_seq``): (how many were sent, how many applied)."""
    from icsoe_desktop.domain import sync_wire
    from icsoe_desktop.services.sync.apply import apply_remote
    from icsoe_desktop.services.sync.encode import local_changes

    with source.store.session() as session:
        rows = [r for r in local_changes(session) if r["table"] == "movimientos"]
    for seq, row in enumerate(rows, start=first_seq):
        row["seq"] = seq
    with target.store.session() as session:
        applied = apply_remote(session, sync_wire.groups_of_rows(rows), clock()).applied
    return len(rows), applied


def editar_y_quitar(store) -> None:
    """Edits and removals through the ORM (the store's triggers see each row): one movement in
    four rechazado, one in nine marked deleted, one in ten removed."""
    with store.session() as session:
        session.execute(
            update(MovimientoRow).where(MovimientoRow.id % 4 == 0).values(estado="rechazado")
        )
        session.execute(update(MovimientoRow).where(MovimientoRow.id % 9 == 0).values(deleted=True))
        session.query(MovimientoRow).filter(MovimientoRow.id % 10 == 0).delete()
