"""The IDSE main window tells the empresa's REPSE registrations as ICSOE's windows do: a
lapsed one in red, one whose renewal is due in amber, nothing while it is in force; and it
follows a registration recorded while it is open."""

from __future__ import annotations

from datetime import date

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.services.informativa.repse import Pdf
from tests.icsoe_helpers import enter_contratista
from tests.services.test_repse import LIMPIEZA, constancia_repse


def test_the_main_window_tells_a_lapsed_and_a_due_registration(
    qtbot, services, data_dir, tmp_path
) -> None:
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

    rfc = enter_contratista(services, data_dir, tmp_path)
    main = VentanaPrincipal(services, "admin@nominas.com")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    aviso = main.aviso_repse
    assert aviso.isHidden()  # no registration yet

    # Granted on 30/06/2023: lapsed on 30/06/2026 (the clock says 22/11/2026).
    services.repse.registrar(
        rfc, CLI_ACTOR, "AR7/2023", date(2023, 6, 30), [LIMPIEZA], _pdf(rfc, "AR7/2023")
    )
    qtbot.waitUntil(aviso.isVisible)
    assert "El registro REPSE AR7/2023 venció el 30/06/2026" in aviso.text()
    assert rfc in aviso.text()
    assert colores.PROPIO[colores.ERROR] in aviso.styleSheet()
    main.grab().save(str(tmp_path / "principal_repse_vencido.png"))

    # Corrected to a registration ending on 10/01/2027: its renewal is due (amber).
    services.repse.registrar(
        rfc, CLI_ACTOR, "AR7/2024", date(2024, 1, 10), [LIMPIEZA], _pdf(rfc, "AR7/2024")
    )
    qtbot.waitUntil(lambda: "AR7/2024" in aviso.text())
    assert colores.PROPIO[colores.AVISO] in aviso.styleSheet() and aviso.isVisible()

    # In force beyond the renewal window: nothing to say.
    services.repse.registrar(
        rfc, CLI_ACTOR, "AR7/2025", date(2025, 3, 1), [LIMPIEZA], _pdf(rfc, "AR7/2025")
    )
    qtbot.waitUntil(aviso.isHidden)


def _pdf(rfc: str, aviso: str) -> Pdf:
    return Pdf(constancia_repse(rfc, aviso), "registro.pdf")
