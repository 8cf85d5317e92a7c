"""Configuración > Emisores confiables…: the shipped SAT CAs listed, IT adds and removes one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from icsoe_desktop.gui.certificados.emisores_confiables import EmisoresConfiablesDialog
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.audit import AuditService
from tests import credentials_factory as cf
from tests.gui.helpers import click

PASSWORD = "Nom1na$Segura"


def make_dialog(qtbot, services) -> EmisoresConfiablesDialog:
    """As the administrator (the first user registered) opens it from the main window."""
    services.accounts.register(
        Registration("Sistemas", "Ruiz", "", "sistemas@nominas.com", PASSWORD, PASSWORD, True)
    )
    dialog = EmisoresConfiablesDialog(services, "sistemas@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def select(dialog, nombre: str) -> None:
    row = next(i for i, e in enumerate(dialog.model.rows) if e.nombre == nombre)
    dialog.tabla.selectRow(row)


def test_shipped_sat_authorities_are_listed_and_cannot_be_removed(qtbot, services):
    dialog = make_dialog(qtbot, services)
    rows = dialog.model.rows
    assert len(rows) == 13 and all(e.incluido for e in rows)
    names = {e.nombre for e in rows}
    assert "AUTORIDAD CERTIFICADORA" in names  # AC5
    assert "A.C. del Servicio de Administración Tributaria" in names  # AC0-AC4 and AC6, repaired
    index = dialog.model.index(0, 1)
    assert dialog.model.data(index) == "Incluido"
    # Every shipped one is an e.firma issuer, and the window says so in its own column.
    usos = {dialog.model.data(dialog.model.index(i, 2)) for i in range(len(rows))}
    assert dialog.model.headerData(2, Qt.Orientation.Horizontal) == "Uso"
    assert usos == {"Emisor de e.firma"}
    select(dialog, "AUTORIDAD CERTIFICADORA")
    assert not dialog.quitar.isEnabled()


def test_it_adds_the_imss_ca_after_seeing_its_fingerprint_and_removes_it(
    qtbot, services, modals, tmp_path
):
    ca = tmp_path / "ac_imss.crt"
    ca.write_bytes(cf.pem_certificate(cf.imss_ca().certificate_der))
    dialog = make_dialog(qtbot, services)

    modals.answer("Cancelar")
    dialog.agregar_archivo(str(ca))
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert len(dialog.model.rows) == 13  # cancelled: nothing added

    modals.answer("Emisor de e.firma", "Aceptar")
    dialog.agregar_archivo(str(ca))
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    confirm = modals.messages[1].text
    assert modals.messages[1].buttons == (
        "Emisor de e.firma",
        "Autoridad de sellos de tiempo",
        "Cancelar",
    )
    emisor = services.certificates.emisores.leer(ca)
    assert "Sujeto: CN=AC IMSS PRUEBAS, O=Instituto Mexicano del Seguro Social, C=MX" in confirm
    assert f"Huella SHA-256: {emisor.huella}" in confirm
    assert "Vigencia: del " in confirm
    assert (
        modals.messages[2].text
        == "El emisor AC IMSS PRUEBAS se agregó a los emisores confiables como «Emisor de e.firma»."
    )
    added = dialog.model.rows[-1]
    assert (added.nombre, added.incluido) == ("AC IMSS PRUEBAS", False)

    select(dialog, "AC IMSS PRUEBAS")
    assert dialog.quitar.isEnabled()
    modals.answer("Quitar", "Aceptar")
    click(qtbot, dialog.quitar)
    qtbot.waitUntil(lambda: len(modals.messages) == 5)
    assert (
        modals.messages[4].text == "El emisor AC IMSS PRUEBAS se quitó de los emisores confiables."
    )
    assert len(dialog.model.rows) == 13
    actions = [(r.action, r.actor) for r in AuditService(services.store).recent()]
    assert ("emisor_agregado", "sistemas@nominas.com") in actions
    assert ("emisor_quitado", "sistemas@nominas.com") in actions


def test_a_file_that_is_not_a_ca_is_explained(qtbot, services, modals, tmp_path):
    leaf = tmp_path / "efirma.cer"
    leaf.write_bytes(cf.fiel_moral().cer)
    junk = tmp_path / "basura.cer"
    junk.write_bytes(b"no es un certificado")
    dialog = make_dialog(qtbot, services)
    dialog.agregar_archivo(str(leaf))
    dialog.agregar_archivo(str(junk))
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert "no es de una autoridad certificadora" in modals.messages[0].text
    assert "dañado o no es un certificado digital" in modals.messages[1].text
    assert len(dialog.model.rows) == 13


def _impostor_of(shipped_der: bytes, tmp_path) -> object:
    """A self-signed CA with the exact subject of a shipped SAT CA (another key)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    real = x509.load_der_x509_certificate(shipped_der)
    key = cf.rsa_key(5)
    now = datetime.now(UTC)
    fake = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(key.public_key())
        .serial_number(real.serial_number)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "ac_sat_falsa.cer"
    path.write_bytes(fake.public_bytes(Encoding.DER))
    return path


def test_a_ca_with_the_subject_of_a_shipped_sat_ca_is_warned_about_and_audited(
    qtbot, services, modals, tmp_path
):
    dialog = make_dialog(qtbot, services)
    shipped = next(e for e in dialog.model.rows if e.nombre == "AUTORIDAD CERTIFICADORA")
    path = _impostor_of(shipped.der, tmp_path)
    modals.answer("Cancelar")
    dialog.agregar_archivo(str(path))
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts[0].startswith(
        "ATENCIÓN: este certificado tiene el mismo sujeto que «AUTORIDAD CERTIFICADORA», una "
        "autoridad certificadora del SAT incluida con la aplicación, pero no es ese certificado."
    )
    assert len(dialog.model.rows) == 13  # cancelled: nothing added
    # Added on purpose all the same: the audit says what it looks like.
    added = services.certificates.emisores.agregar(path, "sistemas@nominas.com", "efirma")
    entry = next(e for e in services.audit.recent() if e.action == "emisor_agregado")
    assert (
        entry.detail
        == f"{added.sha256}; uso: Emisor de e.firma; mismo sujeto que el emisor incluido {shipped.sha256}"
    )


def test_a_user_who_is_not_administrator_cannot_add_or_remove_issuers(
    qtbot, services, modals, tmp_path
):
    from icsoe_desktop.services.acceso.permisos import PermisoDenegado

    make_dialog(qtbot, services)  # the administrator exists
    services.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", PASSWORD, PASSWORD, True)
    )
    dialog = EmisoresConfiablesDialog(services, "ana@nominas.com")
    qtbot.addWidget(dialog)
    assert not dialog.agregar.isEnabled()
    ca = tmp_path / "ac_imss.cer"
    ca.write_bytes(cf.imss_ca().certificate_der)
    try:
        services.certificates.emisores.agregar(ca, "ana@nominas.com", "efirma")
    except PermisoDenegado as refused:
        assert refused.message == (
            "Sólo un administrador de icsoe-desktop puede agregar o quitar emisores confiables."
        )
    else:
        raise AssertionError("a non-administrator added a trusted CA")
    assert len(services.certificates.emisores.listar()) == 13


def test_authorities_of_one_name_are_told_apart_by_file_serial_and_validity(qtbot, services):
    dialog = make_dialog(qtbot, services)
    model = dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    mismo = [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r, e in enumerate(model.rows)
        if e.nombre == "A.C. del Servicio de Administración Tributaria"
    ]
    assert len(mismo) == 6
    archivo, serie = headers.index("Archivo"), headers.index("Número de serie")
    assert sorted(fila[archivo] for fila in mismo) == [
        "AC0_SAT",
        "AC1_SAT",
        "AC2_SAT",
        "AC3_SAT",
        "AC4_SAT",
        "AC6_SAT",
    ]
    assert len({fila[serie] for fila in mismo}) == 6
    assert all(fila[serie].isdigit() for fila in mismo)


def test_the_administrator_sets_and_removes_the_time_stamp_server(
    qtbot, services, modals, data_dir, tmp_path
):
    from icsoe_desktop.config import SelloTiempoSettings, load_settings
    from icsoe_desktop.gui.certificados import emisores_confiables as ventana
    from tests.gui.helpers import type_text

    dialog = make_dialog(qtbot, services)
    assert not dialog.exigir_sello.isEnabled()  # no server yet
    assert dialog.sello_tiempo.text() == "" and dialog.guardar_sello.isEnabled()
    type_text(qtbot, dialog.sello_tiempo, "sellos.ejemplo.com/tsa")
    click(qtbot, dialog.guardar_sello)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts[0] == (
        "Escribe la dirección completa del servidor de sellos de tiempo, por ejemplo "
        "http://sellos.ejemplo.com/tsa."
    )
    assert not services.settings.current.sello_tiempo.configured

    dialog.sello_tiempo.clear()
    type_text(qtbot, dialog.sello_tiempo, "  https://sellos.ejemplo.com:8443/tsa ")
    click(qtbot, dialog.guardar_sello)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    url = "https://sellos.ejemplo.com:8443/tsa"
    assert modals.texts[1] == ventana.MSG_SELLO_TIEMPO.format(url=url)
    dialog.grab().save(str(tmp_path / "emisores_sello_tiempo.png"))
    # The installation's file keeps it; the empresa's services read it from there.
    assert load_settings(data_dir).sello_tiempo.url == url
    assert services.settings_empresa.current.sello_tiempo.url == url
    entry = next(
        e for e in services.audit_instalacion.recent() if e.action == "configuracion_sello_tiempo"
    )
    assert (entry.actor, entry.target) == ("sistemas@nominas.com", url)

    # Required for real signings unless the administrator unticks it.
    assert dialog.exigir_sello.isEnabled() and dialog.exigir_sello.isChecked()
    click(qtbot, dialog.exigir_sello)
    qtbot.waitUntil(lambda: len(modals.messages) == 3)
    assert modals.texts[2] == ventana.MSG_NO_EXIGIR_SELLO
    assert load_settings(data_dir).sello_tiempo == SelloTiempoSettings(url, exigir=False)
    click(qtbot, dialog.exigir_sello)
    qtbot.waitUntil(lambda: len(modals.messages) == 4)
    assert modals.texts[3] == ventana.MSG_EXIGIR_SELLO
    assert load_settings(data_dir).sello_tiempo.exigir

    dialog.sello_tiempo.clear()
    click(qtbot, dialog.guardar_sello)
    qtbot.waitUntil(lambda: len(modals.messages) == 5)
    assert modals.texts[4] == ventana.MSG_SIN_SELLO_TIEMPO
    assert load_settings(data_dir).sello_tiempo.url == ""
    assert not dialog.exigir_sello.isEnabled()  # nothing to wait for

    # Anyone else sees it, greyed out, and the service refuses them (audited).
    services.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", PASSWORD, PASSWORD, True)
    )
    otra = EmisoresConfiablesDialog(services, "ana@nominas.com")
    qtbot.addWidget(otra)
    assert not otra.sello_tiempo.isEnabled() and not otra.guardar_sello.isEnabled()
    assert not otra.exigir_sello.isEnabled()
    assert "Sólo un administrador" in otra.guardar_sello.toolTip()


def test_a_practice_authority_is_refused_before_anyone_is_asked_to_add_it(
    qtbot, services, modals, tmp_path
):
    from icsoe_desktop.domain.practica import AUTORIDAD_NOMBRE
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.capacitacion import preparar
    from icsoe_desktop.services.certificados.emisores import MSG_DE_CAPACITACION

    copia = tmp_path / "autoridad.cer"
    copia.write_bytes(preparar(services, tmp_path / "sala", CLI_ACTOR).autoridad.read_bytes())
    dialog = make_dialog(qtbot, services)
    antes = len(dialog.model.rows)
    dialog.agregar_archivo(str(copia))
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.messages[0].text == MSG_DE_CAPACITACION.format(nombre=AUTORIDAD_NOMBRE)
    assert len(modals.messages) == 1 and len(dialog.model.rows) == antes  # nothing asked
