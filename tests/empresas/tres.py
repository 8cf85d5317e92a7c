"""Three client companies of a despacho in one installation, each with its registro patronal,
movimientos and audit; Ana administers, Beto works only in the second one."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert

from icsoe_desktop.demo.movimientos import DEMO_REGISTROS, demo_rows
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.store.models import MovimientoRow
from tests.conftest import build_isolated, copy_data

PASSWORD = "Nom1na$Segura"
ANA, BETO = "ana@despacho.mx", "beto@despacho.mx"


@dataclass(frozen=True)
class Cliente:
    rfc: str
    razon_social: str
    registro: str
    movimientos: int


CLIENTES = (
    Cliente("AAA010101AA1", "Abarrotes Uno SA de CV", DEMO_REGISTROS[0][0], 7),
    Cliente("BBB020202BB2", "Bodegas Dos SA de CV", DEMO_REGISTROS[1][0], 11),
    Cliente("CCC030303CC3", "Constructora Tres SC", DEMO_REGISTROS[2][0], 13),
)


def seed_movimientos(services, registro: str, count: int) -> None:
    rows = [
        dict(row, registro_patronal=registro)
        for row in demo_rows(count, services.movimientos.today())
    ]
    with services.store.engine.begin() as conn:
        conn.execute(insert(MovimientoRow.__table__), rows)


_built: tuple[Path, dict[str, int]] | None = None


def build(data_dir: Path) -> dict[str, int]:
    """The installation in ``data_dir`` (and its keyring in the test's); returns each client's
    empresa id by RFC. Built once per test process through the app's services, then copied:
    some forty tests start from it."""
    global _built
    if _built is None:
        folder = Path(tempfile.mkdtemp(prefix="icsoe-tres-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _built = folder, build_isolated(folder, _build)
    copy_data(_built[0], data_dir)
    return dict(_built[1])


def _build(data_dir: Path) -> dict[str, int]:
    """The first empresa is the data dir's own (set up as the first client by its
    Configuración inicial)."""
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        services.accounts.register(Registration("Ana", "Ruiz", "", ANA, PASSWORD, PASSWORD, True))
        services.accounts.register(Registration("Beto", "Paz", "", BETO, PASSWORD, PASSWORD, True))
        primero = CLIENTES[0]
        services.primer_uso.guardar_empresa(primero.rfc, primero.razon_social, ANA)
        ids = {primero.rfc: services.nombrar_empresa().id}
        for cliente in CLIENTES[1:]:
            ids[cliente.rfc] = services.empresas.crear(cliente.rfc, cliente.razon_social, ANA).id
        for cliente in CLIENTES:
            services.abrir_empresa(ids[cliente.rfc])
            services.registros.save(cliente.registro, cliente.rfc, cliente.razon_social, ANA)
            seed_movimientos(services, cliente.registro, cliente.movimientos)
        services.accesos.retirar(BETO, ids[CLIENTES[0].rfc], ANA)
        services.accesos.conceder(BETO, ids[CLIENTES[1].rfc], ANA)
        services.abrir_empresa(ids[CLIENTES[0].rfc])
    finally:
        services.close()
    return ids


def activation_code(smtp, correo: str) -> str:
    """The last activation code mailed to ``correo`` (as received by the SMTP server)."""
    import re

    codes = [
        m.group(1)
        for message in smtp.to(correo)
        if (m := re.search(r"código de activación es: (\S+)", message.get_content()))
    ]
    assert codes, f"no activation mail to {correo}"
    return codes[-1]


def capturista_en(services, empresa_id: int, tmp_path: Path, smtp, correo: str) -> str:
    """A contratista enters empresa ``empresa_id`` (its store directly, as the setup of the
    test) and gives CURP_ANA of alta with ``correo``; the activation mail goes out through
    ``smtp``. Returns the activation code received."""
    from tests.icsoe_helpers import CURP_ANA, enter_contratista, form

    services.abrir_empresa(empresa_id)
    rfc = enter_contratista(services, services.data_dir, tmp_path / str(empresa_id))
    services.capturistas.alta(rfc, form(curp=CURP_ANA, correo=correo))
    services.mail.send_pending(force=True)
    return activation_code(smtp, correo)
