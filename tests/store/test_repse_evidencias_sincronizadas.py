"""The REPSE registration and the evidence tables as sync needs them (migration 0045): a store
with a registration, its services and PDF, a month's document and a day due keeps every one of
them through the downgrade and the upgrade again, each row then with a UUID of its own."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import Store
from tests.icsoe_helpers import enter_contratista
from tests.services.test_repse import LIMPIEZA, MANTENIMIENTO, constancia_repse, registro_pdf
from tests.store.test_nomina_sincronizada import _downgrade

_LEER = (
    "SELECT aviso, otorgado, vence, pdf, pdf_nombre, pdf_sha256, renovacion_folio "
    "FROM repse_registros",
    "SELECT n, descripcion FROM repse_servicios ORDER BY n",
    "SELECT mes, tipo, contratante, nombre, sha256, tamano FROM evidencia_documentos",
    "SELECT contratante, dia FROM evidencia_entregas",
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _leer(path: Path) -> list[list[tuple[object, ...]]]:
    conn = cifrado.conectar(path)
    try:
        return [conn.execute(q).fetchall() for q in _LEER]
    finally:
        conn.close()


def test_the_registration_and_the_evidence_survive_the_downgrade_and_back(
    services, data_dir, tmp_path
) -> None:
    rfc = enter_contratista(services, data_dir, tmp_path)
    pdf = Pdf(constancia_repse(rfc, "AR1/2024"), "registro.pdf")
    servicios = [LIMPIEZA, MANTENIMIENTO]
    services.repse.registrar(rfc, CLI_ACTOR, "AR1/2024", date(2024, 3, 15), servicios, pdf)
    iva = tmp_path / "iva.pdf"
    iva.write_bytes(registro_pdf("Acuse IVA"))
    services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 10), "acuse_iva", iva)
    services.evidencias.fijar_entrega(CLI_ACTOR, "XAXX010101000", 20)
    path = Path(services.store.path)
    services.close()
    antes = _leer(path)
    assert [len(filas) for filas in antes] == [1, 2, 1, 1] and antes[0][0][3] == pdf.datos

    _downgrade(path, "0045_sisub_pdfs_sincronizados")
    assert _leer(path) == antes
    Store(path).close()  # to head again
    assert _leer(path) == antes
    conn = cifrado.conectar(path)
    try:
        for tabla in ("repse_registros", "repse_servicios", "evidencia_documentos"):
            uuids = [u for (u,) in conn.execute(f"SELECT uuid FROM {tabla}")]
            assert uuids and all(_UUID.fullmatch(u) for u in uuids), tabla
        uuids = [u for (u,) in conn.execute("SELECT uuid FROM evidencia_entregas")]
        assert len(uuids) == 1 and _UUID.fullmatch(uuids[0])
    finally:
        conn.close()


def test_a_slot_of_several_files_down_to_one_per_slot_and_back(services, tmp_path) -> None:
    """Migration 0054: the files of a slot keep their rows and uuids; downgraded, the slot
    keeps its last file; upgraded again, that row is as it was (its reading empty: read
    before the columns held it)."""
    primero, segundo = tmp_path / "cedula.pdf", tmp_path / "banco.pdf"
    primero.write_bytes(registro_pdf("Cédula de determinación de cuotas SUA"))
    segundo.write_bytes(registro_pdf("Comprobante de pago SIPARE"))
    for pdf in (primero, segundo):
        services.evidencias.adjuntar(CLI_ACTOR, Mes(2026, 10), "sua", pdf)
    path = Path(services.store.path)
    services.close()
    leer = "SELECT nombre, uuid, avisos FROM evidencia_documentos ORDER BY id"
    conn = cifrado.conectar(path)
    antes = conn.execute(leer).fetchall()
    conn.close()
    assert [n for n, _, _ in antes] == ["cedula.pdf", "banco.pdf"]

    _downgrade(path, "0053_repse_pdf_declarado")
    conn = cifrado.conectar(path)
    assert conn.execute("SELECT nombre, uuid FROM evidencia_documentos").fetchall() == [
        antes[1][:2]
    ]
    conn.close()
    Store(path).close()  # to head again
    conn = cifrado.conectar(path)
    assert conn.execute(leer).fetchall() == [(*antes[1][:2], "")]
    conn.close()
