"""The dialogs of the informativa's capture, driven as a clerk would: a contratante (its RFC
check digit only warned about, a refused field focused, «¿Guardar los cambios?»), a contract
(saved with Enter and read back, dates left empty or refused when they are not dates, the field
a problem names focused), contracts copied from another period with their workers, and workers
picked from the empresa's own movimientos."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from sqlalchemy import insert

from icsoe_desktop.demo.movimientos import demo_rows
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.domain.movimientos import REINGRESO
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.informativa.contratante import ContratanteDialog
from icsoe_desktop.gui.informativa.contrato import ContratoDialog
from icsoe_desktop.gui.informativa.copiar_contrato import CopiarContratoDialog
from icsoe_desktop.gui.informativa.trabajadores_empresa import TrabajadoresEmpresaDialog
from icsoe_desktop.gui.kit.cambios import MSG_GUARDAR_CAMBIOS
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.store.models import MovimientoRow
from tests import credentials_factory as cf
from tests import sepomex_datos as sd
from tests.conftest import services_copying
from tests.gui.helpers import click, type_text, wait_operations
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, CURP_CARLA
from tests.informativa_servicios import contratista_una_vez

RFC_MAL_DIGITO = "CEN010101AA5"  # well formed; its check digit should be 1
RFC_BUENO = "CEN010101AA1"


def nss(first_ten: str) -> str:
    return first_ten + nss_check_digit(first_ten)


@pytest.fixture(scope="module")
def _rfc_una_vez(tmp_path_factory):
    return contratista_una_vez(tmp_path_factory)


services = services_copying(rfc="_rfc_una_vez")


@pytest.fixture
def rfc(_rfc_una_vez, services) -> str:
    """The contratista, who acts for itself here (a capturista's CURP would do the same)."""
    return _rfc_una_vez[1]


@pytest.fixture
def informativa(services, rfc) -> str:
    return services.informativas.crear(rfc, rfc, Periodo(2026, 3))


def contratante(services, rfc: str, rfc_contratante: str = RFC_BUENO) -> str:
    uuid, _ = services.informativas.guardar_contratante(
        rfc,
        rfc,
        Parte(
            rfc_contratante,
            "Comercializadora del Centro SA de CV",
            Domicilio("Av. Juárez", "10", "", "Centro", "06000", "Cuauhtémoc", "Ciudad de México"),
        ),
    )
    return uuid


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# --- Contratante -----------------------------------------------------------------------------


def test_contratante_fields_line_up_across_domicilio_and_contacto(qtbot, services, rfc):
    """Each group's labels take the widest label's room, so the fields of Domicilio and of
    Contacto start on one line down the dialog, on the left and on the right."""
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc, None))

    def x(campo: QWidget) -> int:
        return campo.mapTo(dialog, QPoint(0, 0)).x()

    assert x(dialog.colonia) == x(dialog.correo) == x(dialog.municipio) == x(dialog.telefono_fijo)
    assert x(dialog.entidad) == x(dialog.telefono_movil) == x(dialog.numero_interior)


def test_contratante_saved_with_a_warning_for_its_check_digit(qtbot, services, rfc, modals):
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc, None))
    assert dialog.windowTitle() == "Nuevo contratante"
    type_text(qtbot, dialog.rfc, RFC_MAL_DIGITO.lower())
    type_text(qtbot, dialog.nombre, "Constructora Peñasco SA de CV")
    type_text(qtbot, dialog.calle, "Av. Revolución")
    type_text(qtbot, dialog.numero_exterior, "1500")
    type_text(qtbot, dialog.codigo_postal, "01030")
    type_text(qtbot, dialog.colonia, "Guadalupe Inn")
    type_text(qtbot, dialog.municipio, "Álvaro Obregón")
    dialog.entidad.setCurrentIndex(dialog.entidad.findText("Ciudad de México"))
    type_text(qtbot, dialog.correo, "compras@penasco.mx")
    type_text(qtbot, dialog.telefono_movil, "55 1234 5678")
    click(qtbot, dialog.guardar)

    assert "dígito verificador" in modals.texts[-1] and RFC_MAL_DIGITO in modals.texts[-1]
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()
    (fila,) = services.informativas.contratantes(rfc, rfc)
    assert fila.uuid == dialog.contratante_uuid
    assert fila.parte.rfc == RFC_MAL_DIGITO and fila.parte.nombre == "Constructora Peñasco SA de CV"
    assert fila.parte.domicilio == Domicilio(
        "Av. Revolución", "1500", "", "Guadalupe Inn", "01030", "Álvaro Obregón", "Ciudad de México"
    )
    assert fila.parte.telefono_movil == "5512345678"


def test_a_cp_of_the_catalogue_fills_the_domicilio(qtbot, services, rfc, tmp_path, modals):
    services.codigos_postales.cargar(sd.escribir(tmp_path / "CPdescarga.txt"), actor=CLI_ACTOR)
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc, None))
    type_text(qtbot, dialog.rfc, RFC_BUENO)
    type_text(qtbot, dialog.nombre, "Comercializadora del Norte SA de CV")
    type_text(qtbot, dialog.codigo_postal, "25000")
    assert dialog.entidad.currentText() == "Coahuila" and dialog.municipio.text() == "Saltillo"
    colonias = [dialog.colonia.itemText(i) for i in range(dialog.colonia.count())]
    assert colonias == ["Álamos", "Centro", "Nogales", "Ñandúes", "Obrera", "Zona Centro"]
    assert dialog.codigo_postal_aviso.text().endswith("elige la colonia en la lista.")
    dialog.colonia.setCurrentIndex(dialog.colonia.findText("Nogales"))
    type_text(qtbot, dialog.calle, "Victoria")
    qtbot.keyClick(dialog.colonia.lineEdit(), Qt.Key.Key_Return)  # Enter saves here too
    assert not dialog.isVisible()
    (fila,) = services.informativas.contratantes(rfc, rfc)
    assert fila.parte.domicilio == Domicilio(
        "Victoria", "", "", "Nogales", "25000", "Saltillo", "Coahuila"
    )

    # Opened again: the domicilio as saved, its CP's colonias offered to change it.
    again = shown(qtbot, ContratanteDialog(services, rfc, rfc, fila.uuid))
    assert again.colonia.currentText() == "Nogales" and again.colonia.count() == 6
    assert not again.cambios()


@pytest.mark.parametrize(
    ("campo", "texto", "mensaje"),
    [
        ("nombre", "", "Nombre, denominación o razón social"),
        ("telefono_fijo", "55 12", "10 dígitos"),
        ("codigo_postal", "1234", "código postal"),
        ("correo", "compras@", "correo electrónico no es válido"),
    ],
)
def test_contratante_refusal_focuses_its_field(qtbot, services, rfc, modals, campo, texto, mensaje):
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc, None))
    type_text(qtbot, dialog.rfc, RFC_BUENO)
    if campo != "nombre":
        type_text(qtbot, dialog.nombre, "Comercializadora del Centro SA de CV")
    type_text(qtbot, getattr(dialog, campo), texto)
    click(qtbot, dialog.guardar)
    assert mensaje.lower() in modals.texts[-1].lower()
    assert dialog.isVisible() and dialog.focusWidget() is getattr(dialog, campo)
    assert services.informativas.contratantes(rfc, rfc) == []


def test_contratante_closed_with_edits_asks_to_save(qtbot, services, rfc, modals):
    uuid = contratante(services, rfc)
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc, uuid))
    assert dialog.rfc.text() == RFC_BUENO and dialog.municipio.text() == "Cuauhtémoc"
    assert dialog.entidad.currentText() == "Ciudad de México"
    dialog.nombre.clear()
    type_text(qtbot, dialog.nombre, "Comercial Centro")

    modals.answer("Cancelar")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert modals.messages[-1].text == MSG_GUARDAR_CAMBIOS
    assert modals.messages[-1].buttons == ("Sí", "No", "Cancelar")
    assert dialog.isVisible()  # back to the form, the edit kept
    assert dialog.nombre.text() == "Comercial Centro"

    modals.answer("No")
    click(qtbot, dialog.cancelar)
    assert not dialog.isVisible()
    assert services.informativas.contratantes(rfc, rfc)[0].parte.nombre.startswith("Comercializ")

    again = shown(qtbot, ContratanteDialog(services, rfc, rfc, uuid))
    again.nombre.clear()
    type_text(qtbot, again.nombre, "Comercial Centro")
    modals.answer("Sí")
    again.close()  # the window's close button
    assert not again.isVisible() and again.result() == again.DialogCode.Accepted
    assert services.informativas.contratantes(rfc, rfc)[0].parte.nombre == "Comercial Centro"

    untouched = shown(qtbot, ContratanteDialog(services, rfc, rfc, uuid))
    count = len(modals.messages)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and len(modals.messages) == count  # nothing to ask


# --- Contrato --------------------------------------------------------------------------------


def fill_contratante(qtbot, dialog: ContratanteDialog) -> None:
    type_text(qtbot, dialog.rfc, RFC_BUENO)
    type_text(qtbot, dialog.nombre, "Comercializadora del Centro SA de CV")
    click(qtbot, dialog.guardar)


def test_contrato_saved_with_enter_and_reopened_with_its_values(
    qtbot, services, rfc, informativa, modals
):
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    assert "septiembre–diciembre 2026" in dialog.periodo.text()
    assert dialog.focusWidget() is dialog.contratante  # a new contract starts there
    assert not dialog.editar_contratante.isEnabled()

    modals.handle(lambda d: fill_contratante(qtbot, d))
    click(qtbot, dialog.nuevo_contratante)
    assert dialog.contratante.currentText() == f"{RFC_BUENO} — Comercializadora del Centro SA de CV"
    assert dialog.editar_contratante.isEnabled()

    type_text(qtbot, dialog.objeto, "Limpieza de las oficinas corporativas")
    type_text(qtbot, dialog.folio_repse, "AR12345/2022")
    type_text(qtbot, dialog.descripcion, "Servicios de limpieza especializada")
    type_text(qtbot, dialog.fecha_inicial.edit, "15/09/2026")
    # No worker count is typed: the informativa's count is the worker list's.
    assert dialog.findChild(QLineEdit, "trabajadoresDeclaradosEdit") is None
    qtbot.keyClick(dialog.descripcion, Qt.Key.Key_Return)  # Enter saves, even from the text

    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    uuid = dialog.contrato_uuid
    datos = services.informativas.contrato(uuid, rfc)
    assert datos == ContratoDatos(
        services.informativas.contratantes(rfc, rfc)[0].uuid,
        "Limpieza de las oficinas corporativas",
        "AR12345/2022",
        "Servicios de limpieza especializada",
        date(2026, 9, 15),
        None,  # the fecha final left empty while capturing
    )

    reopened = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, uuid))
    assert reopened.windowTitle() == "Contrato"
    assert reopened.contratante.currentData() == datos.contratante
    assert reopened.objeto.text() == "Limpieza de las oficinas corporativas"
    assert reopened.folio_repse.text() == "AR12345/2022"
    assert reopened.descripcion.text() == "Servicios de limpieza especializada"
    assert reopened.fecha_inicial.text() == "15/09/2026" and reopened.fecha_final.text() == ""
    assert not reopened.cambios()


def test_contrato_with_every_date_empty_is_saved(qtbot, services, rfc, informativa):
    uuid_contratante = contratante(services, rfc)
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    dialog.contratante.setCurrentIndex(dialog.contratante.findData(uuid_contratante))
    click(qtbot, dialog.guardar)
    datos = services.informativas.contrato(dialog.contrato_uuid, rfc)
    assert (datos.fecha_inicial, datos.fecha_final) == (None, None)


@pytest.mark.parametrize(
    ("campo", "texto", "mensaje"),
    [
        ("fecha_inicial", "31/02/2026", "La fecha inicial 31/02/2026 no existe"),
        ("fecha_final", "15/13/2026", "La fecha final 15/13/2026 no existe"),
        ("fecha_inicial", "mañana", "no es una fecha: escríbela como dd/mm/aaaa"),
        ("fecha_final", "01/09/226", "no es una fecha"),
        ("fecha_inicial", "01/09/0226", "El año de la fecha inicial (226) no es válido"),
    ],
)
def test_a_wrong_date_is_refused_and_focused(
    qtbot, services, rfc, informativa, modals, campo, texto, mensaje
):
    uuid_contratante = contratante(services, rfc)
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    dialog.contratante.setCurrentIndex(dialog.contratante.findData(uuid_contratante))
    fecha = getattr(dialog, campo)
    type_text(qtbot, fecha.edit, texto)
    click(qtbot, dialog.guardar)
    assert mensaje in modals.texts[-1]
    assert dialog.isVisible() and dialog.focusWidget() is fecha.edit
    assert fecha.text() == texto  # left on screen to be corrected
    assert services.informativas.contratos(informativa, rfc) == []


def test_a_contract_without_contratante_is_refused_there(qtbot, services, rfc, informativa, modals):
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    type_text(qtbot, dialog.objeto, "Vigilancia")
    click(qtbot, dialog.guardar)
    assert modals.texts[-1] == "Elige el contratante del contrato."
    assert dialog.focusWidget() is dialog.contratante


@pytest.mark.parametrize(
    ("campo", "widget"),
    [
        ("objeto", "objeto"),
        ("descripcion_servicio", "descripcion"),
        ("folio_repse", "folio_repse"),
        ("fecha_inicial", "fecha_inicial.edit"),
        ("fecha_final", "fecha_final.edit"),
        ("contratante", "contratante"),
    ],
)
def test_campo_focuses_the_field_a_problem_names(qtbot, services, rfc, informativa, campo, widget):
    uuid = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, uuid, None, campo))
    expected = dialog
    for name in widget.split("."):
        expected = getattr(expected, name)
    assert dialog.focusWidget() is expected


def test_contrato_closed_with_edits_asks_to_save(qtbot, services, rfc, informativa, modals):
    uuid = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, uuid))
    type_text(qtbot, dialog.fecha_final.edit, "31/12/2027")
    modals.answer("No")
    qtbot.keyClick(dialog.folio_repse, Qt.Key.Key_Escape)
    assert modals.texts[-1] == MSG_GUARDAR_CAMBIOS and not dialog.isVisible()
    assert services.informativas.contrato(uuid, rfc).fecha_final is None

    again = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, uuid))
    type_text(qtbot, again.fecha_final.edit, "31/12/2027")
    modals.answer("Sí")
    click(qtbot, again.cancelar)
    assert services.informativas.contrato(uuid, rfc).fecha_final == date(2027, 12, 31)


def test_editar_contratante_reselects_it_renamed(qtbot, services, rfc, informativa, modals):
    uuid = contratante(services, rfc)
    otro = contratante(services, rfc, "SER020202AB1")
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, None))
    dialog.contratante.setCurrentIndex(dialog.contratante.findData(uuid))

    def rename(d: ContratanteDialog) -> None:
        d.nombre.clear()
        type_text(qtbot, d.nombre, "Abarrotes del Centro")
        click(qtbot, d.guardar)

    modals.handle(rename)
    click(qtbot, dialog.editar_contratante)
    assert dialog.contratante.currentData() == uuid != otro
    assert dialog.contratante.currentText() == f"{RFC_BUENO} — Abarrotes del Centro"
    assert dialog.contratante.count() == 3  # «Elige…» and the two


def test_a_contract_of_a_signed_informativa_is_only_shown(
    qtbot, services, rfc, informativa, tmp_path
):
    uuid = services.informativas.guardar_contrato(
        informativa,
        rfc,
        ContratoDatos(
            contratante(services, rfc),
            "Vigilancia",
            "AR777/2021",
            "Seguridad privada",
            date(2026, 9, 1),
            date(2027, 8, 31),
        ),
    )
    services.informativa_trabajadores.agregar(uuid, rfc, nss("1200000000"), CURP_ANA, "520.50")
    cer, key = cf.fiel_moral().write(tmp_path / "firma")
    services.informativa_firma.firmar(informativa, rfc, cer, key, cf.PASSWORD)
    dialog = shown(qtbot, ContratoDialog(services, rfc, rfc, informativa, uuid))
    assert "firmada: sólo consulta" in dialog.periodo.text()
    assert dialog.objeto.isReadOnly() and dialog.fecha_inicial.edit.isReadOnly()
    assert not dialog.guardar.isEnabled() and not dialog.contratante.isEnabled()
    assert not dialog.nuevo_contratante.isEnabled() and not dialog.editar_contratante.isEnabled()
    qtbot.keyClick(dialog.objeto, Qt.Key.Key_Escape)  # nothing to ask: closes
    assert not dialog.isVisible()


# --- Copiar de otro periodo ------------------------------------------------------------------


def test_contracts_copied_from_another_period_with_their_workers(
    qtbot, services, rfc, informativa, modals
):
    anterior = services.informativas.crear(rfc, rfc, Periodo(2026, 2))
    origen = services.informativas.guardar_contrato(
        anterior,
        rfc,
        ContratoDatos(
            contratante(services, rfc),
            "Vigilancia de la planta",
            "AR777/2021",
            "Seguridad privada",
            date(2026, 5, 4),
            date(2026, 12, 31),
        ),
    )
    trabajadores = services.informativa_trabajadores
    trabajadores.agregar(origen, rfc, nss("1200000000"), CURP_ANA, "520.50")
    trabajadores.agregar(origen, rfc, nss("1200000001"), CURP_BETO, "610.00")
    sin_copiar = services.informativas.guardar_contrato(
        anterior, rfc, ContratoDatos(contratante(services, rfc), "Jardinería")
    )

    dialog = shown(qtbot, CopiarContratoDialog(services, rfc, rfc, informativa))
    rows = [
        [dialog.model.index(r, c).data() for c in range(4)] for r in range(dialog.model.rowCount())
    ]
    assert rows == [
        ["mayo–agosto 2026", f"{RFC_BUENO} — Comercializadora del Centro SA de CV",
         "Vigilancia de la planta", "2"],
        ["mayo–agosto 2026", f"{RFC_BUENO} — Comercializadora del Centro SA de CV",
         "Jardinería", "0"],
    ]  # fmt: skip
    assert dialog.con_trabajadores.isChecked()

    click(qtbot, dialog.copiar)  # nothing marked yet
    assert modals.texts[-1] == "Marca los contratos que quieres copiar."
    assert services.informativas.contratos(informativa, rfc) == []

    dialog.tabla.setCurrentIndex(dialog.model.index(0, 0))
    qtbot.keyClick(dialog.tabla, Qt.Key.Key_Space)  # the box of the current row
    assert [c.uuid for c in dialog.model.checked_rows()] == [origen]
    click(qtbot, dialog.copiar)
    wait_operations(qtbot)  # copied in the background

    assert modals.texts[-1].startswith("Se copió 1 contrato con 2 trabajadores.")
    assert "fechas inicial y final de este periodo" in modals.texts[-1]
    (copia,) = services.informativas.contratos(informativa, rfc)
    assert dialog.copiados == [copia.uuid] and copia.uuid not in (origen, sin_copiar)
    assert (copia.objeto, copia.folio_repse, copia.trabajadores) == (
        "Vigilancia de la planta",
        "AR777/2021",
        2,
    )
    assert copia.fecha_inicial is None and copia.fecha_final is None
    filas = trabajadores.pagina(copia.uuid, rfc, 0, 10)
    assert [(f.curp, f.sbc) for f in filas] == [(CURP_ANA, 52050), (CURP_BETO, 61000)]

    solo_contrato = shown(qtbot, CopiarContratoDialog(services, rfc, rfc, informativa))
    solo_contrato.marcar([0, 1])
    click(qtbot, solo_contrato.con_trabajadores)
    click(qtbot, solo_contrato.copiar)
    wait_operations(qtbot)
    assert modals.texts[-1].startswith("Se copiaron 2 contratos.")
    assert sorted(c.trabajadores for c in services.informativas.contratos(informativa, rfc)) == [
        0,
        0,
        2,
    ]


def test_nothing_to_copy_says_so(qtbot, services, rfc, informativa):
    dialog = shown(qtbot, CopiarContratoDialog(services, rfc, rfc, informativa))
    assert dialog.instruccion.text().startswith("El contratista no tiene contratos")
    assert not dialog.copiar.isEnabled()


# --- Agregar de la empresa -------------------------------------------------------------------


def seed_workers(services) -> list[str]:
    """Three workers in the empresa's movimientos (their CURP and SBC known there)."""
    personas = [
        ("GARCÍA", "LÓPEZ", "MARÍA", CURP_ANA, 45_000),
        ("GARCÍA", "PÉREZ", "JOSÉ", CURP_BETO, 52_050),
        ("RUIZ", "SOTO", "CARLA", CURP_CARLA, 38_000),
    ]
    rows = []
    for (primer, segundo, nombre, curp, sbc), row in zip(
        personas, demo_rows(3, services.movimientos.today()), strict=True
    ):
        rows.append(
            dict(
                row,
                primer_apellido=primer,
                segundo_apellido=segundo,
                nombre=nombre,
                curp=curp,
                sbc=sbc,
                tipo=REINGRESO,
            )
        )
    with services.store.engine.begin() as conn:
        conn.execute(insert(MovimientoRow.__table__), rows)
    return [r["nss"] for r in rows]


def test_workers_picked_from_the_empresa(qtbot, services, rfc, informativa, modals):
    nss_maria, nss_jose, _ = seed_workers(services)
    contrato = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = shown(qtbot, TrabajadoresEmpresaDialog(services, rfc, contrato))
    assert dialog.focusWidget() is dialog.buscar and not dialog.agregar.isEnabled()

    type_text(qtbot, dialog.buscar, "garcía")  # as the clerk types, a moment after
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert [dialog.model.index(r, 2).data() for r in range(2)] == [
        "JOSÉ GARCÍA PÉREZ",
        "MARÍA GARCÍA LÓPEZ",
    ]
    assert dialog.estado.text().startswith("2 trabajadores encontrados")
    sbcs = {dialog.model.index(r, 0).data(): dialog.model.index(r, 3).data() for r in range(2)}
    assert sbcs == {nss_maria: "450.00", nss_jose: "520.50"}

    dialog.tabla.selectAll()
    click(qtbot, dialog.agregar)
    assert modals.texts[-1] == "Se agregaron 2 trabajadores al contrato."
    assert dialog.agregados == 2
    assert services.informativa_trabajadores.contar(contrato, rfc) == 2

    dialog.buscar.clear()
    type_text(qtbot, dialog.buscar, "zzzz")
    qtbot.waitUntil(lambda: "Ningún trabajador" in dialog.estado.text())
    assert dialog.model.rowCount() == 0 and not dialog.agregar.isEnabled()

    dialog.buscar.clear()
    type_text(qtbot, dialog.buscar, nss_maria)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.model.index(0, 0).data() == nss_maria
    dialog.tabla.selectRow(0)
    click(qtbot, dialog.agregar)  # already in the contract: nothing added, and why
    assert modals.texts[-1].startswith("No se agregó ningún trabajador:")
    assert "MARÍA GARCÍA LÓPEZ" in modals.texts[-1]
    assert services.informativa_trabajadores.contar(contrato, rfc) == 2
    click(qtbot, dialog.cerrar)  # accepted: the contract's grid reloads
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted


def test_enter_in_the_search_searches_at_once_and_adds_nothing(
    qtbot, services, rfc, informativa, modals
):
    seed_workers(services)
    contrato = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = shown(qtbot, TrabajadoresEmpresaDialog(services, rfc, contrato))
    type_text(qtbot, dialog.buscar, "ruiz")
    qtbot.keyClick(dialog.buscar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    qtbot.keyClick(dialog.buscar, Qt.Key.Key_Return)  # again, with a row selected
    QThreadPool.globalInstance().waitForDone(5_000)
    QApplication.processEvents()
    assert modals.messages == [] and dialog.isVisible()
    assert services.informativa_trabajadores.contar(contrato, rfc) == 0
    qtbot.keyClick(dialog.buscar, Qt.Key.Key_Escape)  # nothing added: rejected
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected


def test_a_search_answered_after_closing_is_dropped(qtbot, services, rfc, informativa):
    seed_workers(services)
    contrato = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = shown(qtbot, TrabajadoresEmpresaDialog(services, rfc, contrato))
    type_text(qtbot, dialog.buscar, "garcía")
    dialog.buscar_ahora()
    dialog.reject()
    QThreadPool.globalInstance().waitForDone(5_000)  # its answer arrives after closing
    QApplication.processEvents()
    assert dialog.model.rowCount() == 0


# --- Keyboard ------------------------------------------------------------------------------


def _letter(text: str) -> str | None:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


@pytest.mark.parametrize("name", ["contratante", "contrato", "copiar", "trabajadores"])
def test_every_control_has_its_own_letter(qtbot, services, rfc, informativa, name):
    from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

    contrato = services.informativas.guardar_contrato(
        informativa, rfc, ContratoDatos(contratante(services, rfc), "Vigilancia")
    )
    dialog = {
        "contratante": lambda: ContratanteDialog(services, rfc, rfc, None),
        "contrato": lambda: ContratoDialog(services, rfc, rfc, informativa, contrato),
        "copiar": lambda: CopiarContratoDialog(services, rfc, rfc, informativa),
        "trabajadores": lambda: TrabajadoresEmpresaDialog(services, rfc, contrato),
    }[name]()
    shown(qtbot, dialog)
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if (isinstance(w, QAbstractButton) and w.text())
        or (isinstance(w, QLabel) and w.buddy() is not None)
    ]
    letters = [_letter(w.text()) for w in controls]
    assert None not in letters, [w.text() for w in controls if _letter(w.text()) is None]
    assert len(set(letters)) == len(letters), sorted(letters)


def test_contratante_cp_box_stays_beside_its_label_and_phones_refuse_letters(
    qtbot, services, rfc, modals
):
    dialog = shown(qtbot, ContratanteDialog(services, rfc, rfc))
    dialog.resize(1340, dialog.height())  # as wide as a 1366×768 screen lets it be
    qtbot.wait(10)
    etiqueta = dialog.codigo_postal.parentWidget().findChildren(type(dialog.codigo_postal_aviso))
    [cp] = [lbl for lbl in etiqueta if lbl.buddy() is dialog.codigo_postal]
    caja = dialog.codigo_postal.geometry()
    # Empty (no aviso): the box right after its label, where a click on it lands.
    assert not dialog.codigo_postal_aviso.isVisible()
    assert 0 <= caja.left() - cp.geometry().right() < 40
    qtbot.mouseClick(dialog.codigo_postal, Qt.MouseButton.LeftButton)
    assert dialog.codigo_postal.hasFocus()
    for telefono in (dialog.telefono_fijo, dialog.telefono_movil):
        type_text(qtbot, telefono, "55 12a34b")
        assert telefono.text() == "55 1234"
