"""Shared by the informativa's service and window tests: a contratista that entered with its
e.firma, an active capturista of it, and an informativa with contracts and workers — all
through the real services on a real store."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests.conftest import made_once
from tests.icsoe_helpers import CURP_ANA, NEW_PASSWORD, enter_contratista, form
from tests.informativa_datos import trabajadores_limpios

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


def contratista_una_vez(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``enter_contratista`` made once (``made_once``): the folder, and the contratista's RFC."""
    return made_once(
        tmp_path_factory,
        lambda services, data_dir, folder, _smtp: enter_contratista(services, data_dir, folder),
    )


def capturista_una_vez(
    tmp_path_factory: pytest.TempPathFactory,
    despues: Callable[[Any, str, str, Path], Any] = lambda services, rfc, ana, fiel: None,
) -> tuple[Path, tuple[str, str, Any]]:
    """``capturista_activa`` (mailing through the SMTP server configured first, as
    ``smtp_configured`` does) and then ``despues(services, rfc, ana, its e.firma's folder)``
    made once (``made_once``): the folder, and (rfc, ana, what ``despues`` returned)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR

    def hacer(services: Any, data_dir: Path, folder: Path, smtp: Any) -> tuple[str, str, Any]:
        services.settings.save_smtp(smtp.settings(), None, actor=CLI_ACTOR)
        rfc, ana = capturista_activa(services, data_dir, folder, smtp)
        return rfc, ana, despues(services, rfc, ana, folder / "fiel")

    return made_once(tmp_path_factory, hacer)


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


def acuse_del_imss(rfc: str, **valores: Any) -> bytes:
    """The IMSS acuse of the tests' informativa of ``rfc`` (mayo–agosto 2026, Normal) with one
    contract with ``CLIENTE``; ``valores`` change what it says (``acuse_imss_pdf``'s names)."""
    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf

    datos: dict[str, Any] = {
        "contratos": ((CLIENTE.rfc, CLIENTE.nombre, "A26P3662382"),),
        "contratista": "EMPRESA DE PRUEBA",
        "rfc": rfc,
        "periodo": "Mayo - Agosto 2026",
    }
    datos.update(valores)
    return acuse_imss_pdf(**datos)
