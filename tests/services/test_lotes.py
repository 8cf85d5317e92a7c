"""Lotes: generate the IDSE file of pending movements, import IDSE's result, correct and resend."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.idse_lote import carried, parse_line
from icsoe_desktop.domain.movimientos import validate
from icsoe_desktop.services.movimientos.servicio import Filtro
from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, load_known, nss

TODAY = date(2026, 11, 22)


def write_result(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["NSS", "Resultado", "Causa de rechazo"])
        writer.writerows(rows)
    return path


@pytest.fixture
def lote(services, tmp_path):
    """Lote 1: the two pending movements of registro A (a reingreso and a baja)."""
    load_known(services, tmp_path)
    pendientes = services.lotes.pendientes(REGISTRO_A)
    assert [p.nss for p in pendientes] == [nss(2), nss(4)]
    out = tmp_path / "lotes"
    out.mkdir()
    return services.lotes.generar(REGISTRO_A, [p.id for p in pendientes], out, "admin@x.com")


def test_a_lote_file_round_trips(services, lote):
    assert lote.numero == 1 and lote.movimientos == 2
    path = Path(lote.archivo)
    assert path.name == f"Lote_000001_{REGISTRO_A}.txt"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    assert lines[-1] == "" and all(len(line) == 168 for line in lines[:-1])
    parsed = [validate(parse_line(line), TODAY) for line in lines[:-1]]
    stored = [
        services.movimientos.movimiento(d.movimiento_id) for d in services.lotes.detalle(lote.id)
    ]
    assert parsed == [carried(m) for m in stored]
    assert {m.estado for m in stored} == {"enviado"}
    assert services.movimientos.count(Filtro(estado="enviado")) == 2
    assert services.lotes.pendientes(REGISTRO_A) == []
    assert services.lotes.lotes()[0].por_resultado == {"enviado": 2}
    assert services.audit.recent()[0].action == "lote_generado"


def test_only_pending_movements_of_the_registro_go_in_a_lote(services, lote, tmp_path):
    other = services.lotes.pendientes(REGISTRO_B)[0].id
    with pytest.raises(ValidationError, match="ya no están pendientes o son de otro registro"):
        services.lotes.generar(REGISTRO_A, [other], tmp_path, "a")
    sent = services.lotes.detalle(lote.id)[0].movimiento_id
    with pytest.raises(ValidationError, match="ya no están pendientes"):
        services.lotes.generar(REGISTRO_A, [sent], tmp_path, "a")
    with pytest.raises(ValidationError, match="al menos un movimiento"):
        services.lotes.generar(REGISTRO_A, [], tmp_path, "a")


def test_a_result_import_changes_states_and_a_rejection_can_be_resent(services, lote, tmp_path):
    result = write_result(
        tmp_path / "resultado.csv",
        [(nss(2), "Aprobado", ""), (nss(4), "Rechazado", "Fecha de baja fuera de plazo")],
    )
    report = services.lotes.importar_resultado(lote.id, result, "admin@x.com")
    assert (report.aprobados, report.rechazados) == (1, 1)
    detalle = {d.nss: d for d in services.lotes.detalle(lote.id)}
    assert detalle[nss(2)].estado_actual == "aprobado"
    assert detalle[nss(4)].causa_rechazo == "Fecha de baja fuera de plazo"
    rejected = services.movimientos.movimiento(detalle[nss(4)].movimiento_id)
    assert rejected.estado == "rechazado"

    from dataclasses import replace

    corrected = replace(rejected, fecha=date(2026, 6, 12))
    services.movimientos.corregir(detalle[nss(4)].movimiento_id, corrected, "admin@x.com")
    again = services.lotes.pendientes(REGISTRO_A)
    assert [(p.nss, p.fecha) for p in again] == [(nss(4), date(2026, 6, 12))]
    second = services.lotes.generar(REGISTRO_A, [again[0].id], tmp_path, "admin@x.com")
    assert second.numero == 2
    # Lote 1 still shows IDSE's rejection; the movement now lives in lote 2.
    assert {d.nss: d.resultado for d in services.lotes.detalle(lote.id)}[nss(4)] == "rechazado"
    assert [d.estado_actual for d in services.lotes.detalle(second.id)] == ["enviado"]


def test_a_bad_result_file_changes_nothing(services, lote, tmp_path):
    result = write_result(
        tmp_path / "resultado.csv",
        [(nss(2), "Aprobado", ""), (nss(5), "Aprobado", ""), (nss(4), "Rechazado", "")],
    )
    report = services.lotes.importar_resultado(lote.id, result, "a")
    assert [(r.linea, r.motivo) for r in report.rechazadas] == [
        (3, f"El NSS {nss(5)} no está en el lote 1."),
        (4, f"Falta la causa de rechazo del NSS {nss(4)}."),
    ]
    assert {d.estado_actual for d in services.lotes.detalle(lote.id)} == {"enviado"}
    with pytest.raises(ValidationError, match="NSS y Resultado"):
        bad = tmp_path / "otro.csv"
        bad.write_text("Numero,Estado\n1,2\n", encoding="utf-8")
        services.lotes.importar_resultado(lote.id, bad, "a")
    with pytest.raises(ValidationError, match="El lote ya no existe"):
        services.lotes.importar_resultado(lote.id + 99, result, "a")


def test_only_rejected_movements_are_corrected(services, lote):
    detalle = services.lotes.detalle(lote.id)[0]
    mov = services.movimientos.movimiento(detalle.movimiento_id)
    with pytest.raises(ValidationError, match="Sólo se corrigen movimientos rechazados"):
        services.movimientos.corregir(detalle.movimiento_id, mov, "a")


def test_solo_consulta_cannot_generate_a_lote_through_the_service(services, lote, tmp_path):
    from icsoe_desktop.services.acceso.permisos import PermisoDenegado

    pendientes = services.lotes.pendientes(REGISTRO_B)
    out = tmp_path / "consulta"
    out.mkdir()
    with pytest.raises(PermisoDenegado) as refused:
        services.lotes.generar(REGISTRO_B, [p.id for p in pendientes], out, None)
    assert refused.value.message == (
        "En modo sólo consulta no se puede generar lotes IDSE. Cierra la sesión e ingresa con "
        "un usuario y contraseña."
    )
    assert list(out.iterdir()) == []
    assert services.lotes.pendientes(REGISTRO_B) == pendientes
    assert [lo.numero for lo in services.lotes.lotes()] == [lote.numero]
    denied = services.audit_instalacion.recent()[0]
    assert (denied.actor, denied.action, denied.target) == (
        "sólo consulta",
        "permiso_denegado",
        "GENERAR_LOTES",
    )
