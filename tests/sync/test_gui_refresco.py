"""Open windows show what a sync brought without a click: the grid, Lotes, Certificados IMSS,
Conflictos and the status bar of desktop A, after an automatic sync with the real server, read
again what desktop B imported, assigned and changed."""

from __future__ import annotations

from datetime import date

from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog
from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.certificados.servicio import Assignment
from tests import credentials_factory as cf
from tests.services.movimientos_data import REGISTRO_A, REGISTRO_B, RFC, known_rows, nss
from tests.sync.conftest import import_rows, sharing_registros

ADMIN = "admin@empresa.com"


def test_an_automatic_sync_refreshes_every_open_window(
    qtbot, modals, sync_server, desktops, tmp_path
):
    a, b = sharing_registros(sync_server, desktops)
    import_rows(b, known_rows(), tmp_path / "de_b.csv")
    pfx = tmp_path / "imss.pfx"
    pfx.write_bytes(cf.pfx_modern(cf.imss_certificate()))
    b.certificates.assign(
        Assignment(REGISTRO_A, pfx, None, cf.IMSS_USUARIO, cf.IMSS_PASSWORD), ADMIN
    )
    b.registros.save(REGISTRO_B, RFC, "RAZÓN DE B", ADMIN)
    b.sync.synchronize()
    a.registros.save(REGISTRO_B, RFC, "RAZÓN DE A", ADMIN)  # meets B's: a conflict on A

    main = VentanaPrincipal(a, ADMIN, "Admin")
    qtbot.addWidget(main)
    main.show()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos
    conflictos = ConflictosDialog(a, ADMIN, main)
    conflictos.show()
    certificados = CertificadosImssDialog(a, ADMIN, main)
    certificados.show()
    barra = main.barra_sincronizacion
    qtbot.waitUntil(lambda: barra.label.text() != "" and not barra.leyendo())
    assert view.model.total == 0 and view.total.text() == "Movimientos encontrados: 0"
    assert conflictos.model.rowCount() == 0 and certificados.model.rowCount() == 0

    barra.auto_timer.timeout.emit()  # the automatic sync, without waiting its minutes
    qtbot.waitUntil(lambda: not barra.runner.running, timeout=30_000)
    # Nobody clicked Buscar nor reopened a window.
    qtbot.waitUntil(lambda: view.model.total == len(known_rows()))
    assert view.total.text() == f"Movimientos encontrados: {len(known_rows())}"
    assert sorted(view.model.index(r, 4).data() for r in range(6)) == [nss(i) for i in range(1, 7)]
    assert [c.renglon for c in conflictos.model.rows] == [REGISTRO_B]
    assert "RAZÓN DE B" in conflictos.otra.toPlainText()
    assert [row.registro for row in certificados.model.rows] == [REGISTRO_A]
    qtbot.waitUntil(lambda: barra.label.text().startswith("Sincronizado "))
    assert barra.label.text().endswith("1 conflicto")

    # Lotes was hidden during the sync: it reads its lists when its tab shows.
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    lotes.registro.setCurrentIndex(lotes.registro.findText(REGISTRO_A))
    assert [p.nss for p in lotes.pendientes.rows] == [nss(2), nss(4)]
    assert [p.fecha for p in lotes.pendientes.rows] == [date(2026, 5, 15), date(2026, 6, 10)]
    certificados.hide()
    conflictos.hide()
