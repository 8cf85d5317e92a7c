"""The SISUB's Preparar, Revisar and Exportar by a process of their own (services/sisub/aparte.py
asks the worker for trabajo_aparte.py's jobs): the process's side run here as the app's
executable runs it (its key and order on its input), the app's side starting the real process; the window's reads of
one contract's workers at a time (``SisubService.vista``, ``trabajadores``)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.errors import OperacionCancelada, ValidationError
from icsoe_desktop.services import trabajos_aparte
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.aparte import llave as llave_aparte
from icsoe_desktop.services.aparte import obra, registro, salida
from icsoe_desktop.services.sisub import aparte, trabajo_aparte
from icsoe_desktop.store import cifrado, plain
from tests import sisub_fixtures as fx

_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte


def _proceso(services, trabajo: str, datos: dict) -> tuple[int, dict]:
    """The process's side, here: its input as the app writes it; (exit code, result)."""
    orden = {
        "datos": datos,
        "catalogo": str(services.catalogo.path),
        "empresa": services.empresa.rfc,
        "solo_lectura": "",
        "desfase": 0.0,
        "bitacora": (plain.llave_bitacora() or b"").hex(),
    }
    llave = cifrado.llave_instalacion() or b""
    lee, escribe = os.pipe()
    os.write(
        escribe, bytes([len(llave)]) + llave + llave_aparte.con_largo(json.dumps(orden).encode())
    )
    salida_lee, escrita = os.pipe()
    leido: list[bytes] = []
    # Read as it is written, as the app does: a pipe holds only a few kilobytes (on Windows).

    def leer() -> None:
        with os.fdopen(salida_lee, "rb") as tubo:
            leido.append(tubo.read())

    lector = threading.Thread(target=leer)
    lector.start()
    try:
        argv = [str(services.store.path), trabajo]
        codigo = trabajos_aparte.proceso(argv, lee, escrita)
    finally:
        os.close(escribe)  # its watcher sees the end after the action: nothing stops
        os.close(escrita)
    lector.join()
    resultado = salida.resultado(leido[0])
    os.close(lee)
    assert resultado is not None
    return codigo, resultado


def test_the_process_side_does_each_action_as_the_service(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    codigo, hecho = _proceso(services, trabajo_aparte.REVISAR, {"uuid": uuid, "actor": ana})
    assert codigo == registro.HECHO
    assert hecho["problemas"] == [asdict(p) for p in services.sisub.revisar(uuid, ana)]
    codigo, hecho = _proceso(
        services, trabajo_aparte.PREPARAR, {"rfc": rfc, "actor": ana, "periodo": "2026-2"}
    )
    assert codigo == registro.HECHO
    assert hecho == {"uuid": uuid, "contratos": 1, "trabajadores": 4, "conservados": 0}
    destino = tmp_path / "salida"
    codigo, hecho = _proceso(
        services,
        trabajo_aparte.EXPORTAR,
        {"uuid": uuid, "actor": rfc, "destino": str(destino), "como_zip": True},
    )
    assert codigo == registro.HECHO
    assert Path(hecho["ruta"]) == destino / f"SISUB {rfc} 2026-2.zip"
    assert (
        Path(hecho["ruta"]).exists() and "3_SISUB_Ley_29_bis_DetalleTrab.csv" in hecho["archivos"]
    )
    # A capturista may not export: refused there, with the matrix's Spanish message.
    codigo, hecho = _proceso(
        services,
        trabajo_aparte.EXPORTAR,
        {"uuid": uuid, "actor": ana, "destino": str(destino), "como_zip": False},
    )
    assert codigo == trabajo_aparte.RECHAZADA
    rechazo = aparte._rechazo(hecho)
    assert isinstance(rechazo, PermisoDenegado) and "no puede" in rechazo.message
    # A complementario asked before the report is filed: the service's refusal, in Spanish.
    pedido = {"rfc": rfc, "actor": ana, "periodo": "2026-2", "complementario": True}
    codigo, hecho = _proceso(services, trabajo_aparte.PREPARAR, {**pedido, "motivo": "contrato"})
    assert codigo == trabajo_aparte.RECHAZADA
    assert aparte._rechazo(hecho).message == (
        "Un complementario corrige un SISUB ya presentado; el de mayo–agosto 2026 aún no se "
        "presenta."
    )


def test_the_apps_side_starts_the_process_and_gets_its_result(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    pasos: list[tuple[int, int]] = []
    hecho = services.sisub_aparte.preparar(
        rfc, ana, "2026-2", lambda: True, lambda n, total: pasos.append((n, total))
    )
    assert (hecho.uuid, hecho.contratos, hecho.trabajadores) == (uuid, 1, 4)
    # The bar moves with the receipts read and the rows written, never back, to its end.
    hechos = [n for n, _total in pasos]
    assert {total for _n, total in pasos} == {100} and hechos[-1] == 100
    assert hechos == sorted(set(hechos)) and len(hechos) > 3
    problemas = services.sisub_aparte.revisar(uuid, ana, lambda: True)
    assert problemas == services.sisub.revisar(uuid, ana)
    exportado = services.sisub_aparte.exportar(uuid, rfc, tmp_path / "salida", False, lambda: True)
    assert (exportado.ruta / "2_SISUB_Ley_29_bis_Contratos.csv").exists()
    with pytest.raises(PermisoDenegado):
        services.sisub_aparte.exportar(uuid, ana, tmp_path / "otra", False, lambda: True)
    assert not (tmp_path / "otra").exists()
    with pytest.raises(OperacionCancelada):  # stopped before it ended: nothing kept
        services.sisub_aparte.preparar(rfc, ana, "2026-2", lambda: False)
    assert obra.vivas() == []


def _popen_que_niega(monkeypatch, veces: int, error: OSError) -> list[object]:
    """The system's ``Popen`` refusing the first ``veces`` starts with ``error``; the list of
    the refused command lines."""
    popen = subprocess.Popen
    negados: list[object] = []

    def niega(*args, **kwargs):
        if len(negados) < veces:
            negados.append(args[0])
            raise error
        return popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", niega)
    return negados


def _reportes(services) -> list[tuple]:
    with services.store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM sisub_reportes ORDER BY id"))]


def test_a_process_the_system_refuses_for_a_moment_is_asked_for_again(
    services, reporte, monkeypatch, caplog
):
    """Refused twice (as Wine refused one of many started in a row: «Error interno»): the
    third start does the job. Refused every time, or the executable missing (not asked
    again): Preparar says so in Spanish and the period's report is as it was."""
    rfc, ana, uuid = reporte
    monkeypatch.setattr(obra, "REINTENTOS_S", (0.0, 0.0))
    negados = _popen_que_niega(monkeypatch, 2, OSError(1359, "Error interno"))
    with caplog.at_level(logging.WARNING):
        hecho = services.sisub_aparte.preparar(rfc, ana, "2026-2", lambda: True)
    assert len(negados) == 2 and hecho.uuid == uuid
    assert caplog.text.count("no empezó el proceso para el SISUB (preparar); se pide otra vez") == 2
    antes = _reportes(services)
    for veces, error in ((3, OSError(1359, "Error interno")), (1, FileNotFoundError(2, "no"))):
        negados = _popen_que_niega(monkeypatch, veces, error)
        with pytest.raises(ValidationError) as refused:
            services.sisub_aparte.preparar(rfc, ana, "2026-2", lambda: True)
        assert refused.value.message == (
            "No se pudo preparar el SISUB: el sistema no dejó empezar el proceso que lo hace. "
            "No se cambió nada; inténtalo de nuevo en un momento (el detalle quedó en el "
            "registro de la aplicación)."
        )
        assert len(negados) == veces
        assert _reportes(services) == antes
    assert obra.vivas() == []


def test_the_window_reads_one_contracts_workers_and_every_count(services, reporte):
    _rfc, ana, uuid = reporte
    entero = services.sisub.reporte(uuid, ana)
    (c,) = entero.contratos
    vista = services.sisub.vista(uuid, ana, None)
    assert vista.elegido == c.uuid and vista.reporte == entero
    assert vista.cuentas == {c.uuid: len({t.nss for t in c.trabajadores})}
    assert services.sisub.vista(uuid, ana, "otro").elegido == c.uuid
    assert services.sisub.trabajadores(uuid, ana, c.uuid) == c.trabajadores
    assert services.sisub.trabajadores(uuid, ana, "otro") == ()
