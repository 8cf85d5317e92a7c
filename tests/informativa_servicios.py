"""Shared by the informativa's service and window tests: a contratista that entered with its
e.firma, an active capturista of it, and an informativa with contracts and workers — all
through the real services on a real store."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, enter_contratista, form
from tests.informativa_datos import trabajadores_limpios

T = TypeVar("T")

PERIODO = Periodo(2026, 2)  # mayo–agosto 2026: due on 17/09/2026, before the tests' clock
CLIENTE = Parte(
    rfc="CNT010101A14",
    nombre="Cliente Uno, S.A. de C.V.",
    domicilio=Domicilio(
        "Av. Reforma", "222", "", "Juárez", "06600", "Cuauhtémoc", "Ciudad de México"
    ),
    correo="compras@cliente.mx",
    telefono_fijo="5511223344",
)


def capturista_activa(services, data_dir, tmp_path, smtp) -> tuple[str, str]:
    """The contratista (its RFC) and Ana, a capturista active with it (her CURP)."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    assert services.mail.send_pending(force=True).failed == 0
    (code,) = [
        m.group(1)
        for message in smtp.to("ana@capturas.mx")
        if (m := re.search(r"código de activación es: (\S+)", message.get_content()))
    ]
    services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
    return rfc, CURP_ANA


def una_vez(
    tmp_path_factory: pytest.TempPathFactory, hacer: Callable[[Any, Path, Path, Any], T]
) -> tuple[Path, T]:
    """``hacer(services, data_dir, folder, smtp)`` made once on the real services (the tests'
    clock; ``smtp`` a real SMTP server, not configured) in a folder of its own, for several
    tests to copy with ``copia_una_vez``: the folder, and what ``hacer`` returned."""
    from icsoe_desktop.services.container import open_services
    from tests.conftest import FakeClock, _running_sink, build_isolated

    folder = tmp_path_factory.mktemp("una_vez")

    def build(data_dir: Path) -> T:
        sink = _running_sink()
        smtp = next(sink)
        services = open_services(data_dir, FakeClock())
        try:
            return hacer(services, data_dir, folder, smtp)
        finally:
            services.close()
            next(sink, None)

    return folder, build_isolated(folder, build)


def contratista_una_vez(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``enter_contratista`` made once (``una_vez``): the folder, and the contratista's RFC."""
    return una_vez(
        tmp_path_factory,
        lambda services, data_dir, folder, _smtp: enter_contratista(services, data_dir, folder),
    )


def capturista_una_vez(
    tmp_path_factory: pytest.TempPathFactory,
    despues: Callable[[Any, str, str, Path], Any] = lambda services, rfc, ana, fiel: None,
) -> tuple[Path, tuple[str, str, Any]]:
    """``capturista_activa`` (mailing through the SMTP server configured first, as
    ``smtp_configured`` does) and then ``despues(services, rfc, ana, its e.firma's folder)``
    made once (``una_vez``): the folder, and (rfc, ana, what ``despues`` returned)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR

    def hacer(services: Any, data_dir: Path, folder: Path, smtp: Any) -> tuple[str, str, Any]:
        services.settings.save_smtp(smtp.settings(), None, actor=CLI_ACTOR)
        rfc, ana = capturista_activa(services, data_dir, folder, smtp)
        return rfc, ana, despues(services, rfc, ana, folder / "fiel")

    return una_vez(tmp_path_factory, hacer)


def firmada_una_vez(
    tmp_path_factory: pytest.TempPathFactory, contratos: Sequence[tuple[int, int]]
) -> tuple[Path, tuple[str, str, str, list[str], bytes]]:
    """``capturista_una_vez`` with an informativa of a contract per (workers, seed), signed:
    the folder, and (rfc, ana, uuid, contratos, constancia)."""
    from tests import credentials_factory as cf

    def firmar(services: Any, rfc: str, ana: str, fiel: Path) -> tuple[str, list[str], bytes]:
        uuid = services.informativas.crear(rfc, ana, PERIODO)
        hechos = [
            contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=n, seed=seed)
            for n, seed in contratos
        ]
        cer, key = fiel / f"{rfc}.cer", fiel / f"{rfc}.key"
        return uuid, hechos, services.informativa_firma.firmar(uuid, rfc, cer, key, cf.PASSWORD)

    folder, (rfc, ana, (uuid, hechos, constancia)) = capturista_una_vez(tmp_path_factory, firmar)
    return folder, (rfc, ana, uuid, hechos, constancia)


def copia_una_vez(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    """A test's own copy of what ``una_vez`` made: its data dir and keyring, and the files
    written beside them (the e.firma's in ``tmp_path / "fiel"``), before its services open."""
    from tests.conftest import copy_data

    copy_data(folder, data_dir)
    for item in folder.iterdir():
        if item.name not in ("data", "xdg"):
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, tmp_path / item.name)


def services_copiando(cuando: str, una_vez: str) -> Any:
    """A module's ``services`` fixture: a test that takes the fixture ``cuando`` starts on its
    own copy (``copia_una_vez``) of what the module-scoped fixture ``una_vez`` made once; the
    others on a new store, as everywhere."""
    from icsoe_desktop.services.container import open_services

    @pytest.fixture
    def services(request, data_dir, clock, tmp_path):
        if cuando in request.fixturenames:
            copia_una_vez(request.getfixturevalue(una_vez)[0], data_dir, tmp_path)
        svc = open_services(data_dir, clock)
        yield svc
        svc.close()

    return services


def contrato_con_trabajadores(
    services, rfc: str, actor: str, informativa: str, trabajadores: int = 3, seed: int = 7
) -> str:
    contratante, _ = services.informativas.guardar_contratante(rfc, actor, CLIENTE)
    contrato = services.informativas.guardar_contrato(
        informativa,
        actor,
        ContratoDatos(
            contratante,
            objeto="Limpieza especializada de la planta Norte",
            folio_repse="12345/2025",
            descripcion_servicio="Servicios de limpieza industrial especializada",
            fecha_inicial=PERIODO.inicio.replace(day=15),
            fecha_final=PERIODO.inicio.replace(year=PERIODO.anio + 1),
        ),
    )
    rows = trabajadores_limpios(trabajadores, random.Random(seed), PERIODO.anio)
    if rows:
        result = services.informativa_trabajadores.agregar_varios(contrato, actor, list(rows))
        assert result.problemas == []
    return contrato


def movimientos_con_sbc(services, tmp_path) -> None:
    """nss(7)'s SBC: 500.00 from 01/06/2026 and 550.00 from 01/09/2026 (after mayo–agosto)."""
    from tests.services.movimientos_data import add_registros, known_rows, nss, write_csv

    add_registros(services)
    rows = known_rows()
    for fecha, sbc in (("01/06/2026", "500.00"), ("01/09/2026", "550.00")):
        rows.append(
            {**rows[2], "NSS": nss(7), "Nombre": "MARIA", "Fecha": fecha, "SBC": sbc}
            | {"Salario": sbc, "Estado": "Aprobado", "Clave Trabajador": "E7"}
        )
    report = services.importador.import_file(write_csv(tmp_path / "movs.csv", rows), "t")
    assert report.aplicado, report.rechazadas
