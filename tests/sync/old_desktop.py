"""A desktop of an older version of the app, as its own process: its movimientos lack the column
``COLUMN`` (its sync spec is built as an older schema's, which did not have it: the column is
neither sent nor read) and it names the older schema ``OLD_SCHEMA`` to the server.

    python -m tests.sync.old_desktop DATA_DIR sync
    python -m tests.sync.old_desktop DATA_DIR renombrar UUID NOMBRE   (edits, then syncs)

Prints one JSON line: the sync's text and whether it was told to update.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

OLD_SCHEMA = "0015_codes_correos_sin_codigo"
TABLE, COLUMN = "movimientos", "clave_trabajador"


def as_older_version() -> None:
    """The registry as the older app had it, before anything reads it: ``TABLE`` without
    ``COLUMN`` in what travels."""
    from icsoe_desktop.domain import sync_registry

    older = tuple(
        replace(spec, never_sent=spec.never_sent | {COLUMN}) if spec.name == TABLE else spec
        for spec in sync_registry.SYNCED
    )
    sync_registry.SYNCED = older
    sync_registry._BY_NAME = {spec.name: spec for spec in older}


def main(argv: list[str]) -> int:
    as_older_version()
    from sqlalchemy import select

    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.transporte import Transporte
    from icsoe_desktop.store.models import MovimientoRow
    from icsoe_desktop.store.sync_tables import by_name

    assert COLUMN not in by_name(TABLE).columns  # the older spec is the one in use
    Transporte.schema = OLD_SCHEMA
    data_dir, command = Path(argv[0]), argv[1]
    services = open_services(data_dir)
    try:
        if command == "renombrar":
            row_uuid, nombre = argv[2], argv[3]
            with services.store.session() as session:
                row = session.scalar(select(MovimientoRow).where(MovimientoRow.uuid == row_uuid))
                row.nombre = nombre
        result = services.sync.synchronize()
    finally:
        services.close()
    print(json.dumps({"texto": result.texto, "actualizar": result.actualizar}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
