"""Every export leaves in the audit what it wrote, how many rows and where: movimientos (the
command line's and the window's: tests/gui/test_sesion_lectura.py), lotes and backups."""

from __future__ import annotations

from pathlib import Path

from icsoe_desktop import cli
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from tests.empresas.tres import CLIENTES, seed_movimientos

UNO = CLIENTES[0]


def _auditoria(data_dir: Path, accion: str) -> list[tuple[str, str, str]]:
    services = open_services(data_dir)
    try:
        return [
            (r.actor, r.target, r.detail) for r in services.audit.recent() if r.action == accion
        ]
    finally:
        services.close()


def test_movimientos_exported_from_the_command_line_are_audited(data_dir: Path, tmp_path) -> None:
    services = open_services(data_dir)
    try:
        seed_movimientos(services, UNO.registro, 12)
        destino = services.backup.backup(tmp_path / "respaldo.icsoe-respaldo", CLI_ACTOR)
    finally:
        services.close()
    archivo = tmp_path / "movs.csv"
    args = ["--data-dir", str(data_dir), "movimientos", "exportar", str(archivo), "--tipo", "08"]
    assert cli.main(args) == 0
    filas = len(archivo.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert _auditoria(data_dir, "movimientos_exportados") == [
        (CLI_ACTOR, "movs.csv", f"{filas} movimientos en «{archivo.resolve()}»; búsqueda: tipo: 08")
    ]
    [(actor, target, detail)] = _auditoria(data_dir, "respaldo_creado")
    assert (actor, target) == (CLI_ACTOR, destino.name)
    assert detail.startswith("toda la base de datos (") and detail.endswith(
        f" bytes) en «{destino.resolve()}»"
    )
