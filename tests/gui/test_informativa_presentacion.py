"""*Registrar presentación…* and *Exportar para el cliente…* through the real windows: the IMSS
acuse chosen fills the folio, the date and the contract's folio; a wrong file is refused with
its message; confirmed, the informativa shows «Presentada» read-only and its archive for the
client is written; from the ICSOE menu of the main window the administrator finds them too."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest

from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.gui.informativa.archivo_cliente import ArchivoClienteDialog
from icsoe_desktop.gui.informativa.presentacion import (
    MSG_REGISTRADA_NO_PROBADA,
    RegistrarPresentacionDialog,
)
from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from tests.conftest import services_copying
from tests.gui.helpers import click, type_text
from tests.gui.test_mnemonics import _problems, letras, mismas_letras
from tests.informativa_servicios import CLIENTE, PERIODO, acuse_del_imss, firmada_una_vez


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(3, 7)])


services = services_copying(firmada="_firmada_una_vez")


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured, clock):
    """Signed at the tests' clock; filed on the portal the next day."""
    rfc, ana, uuid, (contrato,), _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, ana, uuid, contrato


def test_registrar_presentacion_from_the_contratistas_window(
    qtbot, services, firmada, modals, tmp_path
):
    rfc, _ana, uuid, _contrato = firmada
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"))
    no_pdf = tmp_path / "acuse.xlsx"
    no_pdf.write_bytes(b"PK\x03\x04 una hoja")
    window = InformativaWindow(services, rfc, rfc, uuid, True)
    qtbot.addWidget(window)
    window.show()
    assert window.solo_lectura.text() == "Firmada: sólo consulta"
    assert window.presentacion.isVisible() and window.presentacion.isEnabled()
    assert not window.cliente.isVisible()
    firmada_letras = letras(window)
    seen: dict[str, object] = {}

    def en_el_dialogo(dialog: RegistrarPresentacionDialog) -> None:
        assert dialog.fecha.text().strip("/: ") == ""  # no date assumed: the acuse's or the clerk's
        dialog.elegir_acuse(no_pdf)  # refused, said, nothing filled
        qtbot.waitUntil(lambda: len(modals.texts) == 1)
        assert dialog.folio.text() == "" and dialog.archivo.text() == ""
        dialog.elegir_acuse(acuse)
        qtbot.waitUntil(lambda: dialog.archivo.text() != "")
        seen["folio"] = dialog.folio.text()
        seen["fecha"] = dialog.fecha.text()
        seen["editables"] = not dialog.folio.isReadOnly() and not dialog.fecha.isReadOnly()
        seen["contrato"] = dialog.tabla.item(0, 2).text()
        seen["leido"] = dialog.leido.text()
        click(qtbot, dialog.registrar)

    modals.handle(en_el_dialogo)
    modals.answer("Aceptar", "Registrar", "Aceptar")
    click(qtbot, window.presentacion)
    qtbot.waitUntil(lambda: window.solo_lectura.text().startswith("Presentada"))
    assert "no es un PDF" in modals.texts[0]
    assert seen == {
        "folio": "N262253432",
        "fecha": "22/11/2026 10:15:30",
        "editables": True,
        "contrato": "A26P3662382",
        "leido": "Del acuse se leyeron: el folio N262253432, la fecha y hora y 1 folio de "
        "contrato. Confírmalos o corrígelos.",
    }
    assert "folio <b>N262253432</b>" in modals.texts[1] and "22/11/2026 10:15:30" in modals.texts[1]
    assert modals.texts[2] == MSG_REGISTRADA_NO_PROBADA.format(folio="N262253432")
    assert (
        window.estado_label.text()
        == "<b>Presentada fuera de plazo (66 días), fecha de firma no probada</b>"
    )
    assert window.solo_lectura.text() == (
        "Presentada el 22/11/2026 10:15, folio N262253432: sólo consulta"
    )
    assert not window.presentacion.isVisible() and window.cliente.isVisible()
    assert window.acuse_imss.isVisible() and window.acuse_imss.isEnabled()
    # Each control keeps its Alt-letter in every estado: signed, filed here, opened filed.
    presentada_letras = letras(window)
    otra = InformativaWindow(services, rfc, rfc, uuid, True)
    qtbot.addWidget(otra)
    otra.show()
    assert _problems(otra, "abierta presentada") == []
    assert mismas_letras(firmada_letras, presentada_letras, letras(otra)) == {}
    qtbot.wait(50)  # the layout follows the new texts on the next turn of the event loop
    window.grab().save(str(tmp_path / "informativa_presentada.png"))
    registro = services.informativa_presentacion.registro(uuid, rfc)
    assert registro.contratos[0].folio_imss == "A26P3662382"

    destino = tmp_path / "cliente"

    def exportar(dialog: ArchivoClienteDialog) -> None:
        assert dialog.contratante.currentData() == CLIENTE.rfc
        dialog.exportar_a(destino)
        # As the clerk: the export's message read and answered, then the dialog closed.
        qtbot.waitUntil(lambda: len(modals.texts) == 4, timeout=60_000)
        dialog.reject()

    modals.handle(exportar)
    modals.answer("Cerrar")
    click(qtbot, window.cliente)
    qtbot.waitUntil(lambda: len(modals.texts) == 4, timeout=60_000)
    assert modals.texts[3] == f"Se guardaron 3 archivos en «{tmp_path / 'cliente.zip'}»."
    with zipfile.ZipFile(tmp_path / "cliente.zip") as zf:
        assert len(zf.namelist()) == 3
    # The IMSS acuse itself, as registered.
    modals.answer("Aceptar")
    guardado = window.guardar_acuse_imss_en(tmp_path / "acuse_guardado")
    assert guardado is not None and guardado.read_bytes() == acuse.read_bytes()
    assert modals.texts[4].startswith("Se guardó el acuse de presentación del IMSS en")


def test_a_date_read_wrong_is_corrected_in_its_field_and_recorded(
    qtbot, services, firmada, modals, tmp_path
):
    """The acuse read says 10:15:30; the clerk types 09:15:30 over it in the real field: the
    dialog says it will be recorded as corrected, the confirmation says it again, and the
    registro, the audit and the informativa's window keep it."""
    from PySide6.QtCore import Qt

    rfc, _ana, uuid, _contrato = firmada
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"))
    dialog = RegistrarPresentacionDialog(services, rfc, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.elegir_acuse(acuse)
    qtbot.waitUntil(lambda: dialog.fecha.text() == "22/11/2026 10:15:30")
    assert not dialog.corregido.isVisible()

    def escribir_fecha(texto: str) -> None:
        dialog.fecha.setFocus()
        qtbot.keyClick(dialog.fecha, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(dialog.fecha, Qt.Key.Key_Delete)
        qtbot.keyClick(dialog.fecha, Qt.Key.Key_Home)
        type_text(qtbot, dialog.fecha, texto)

    # A date after this moment (the PC's clock: 23/11/2026 06:00 hora del centro) is refused
    # even as a correction, said and focused; nothing is registered.
    escribir_fecha("23112026070000")
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialog.registrar)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)
    assert "es posterior a este momento" in modals.texts[1]
    assert dialog.focusWidget() is dialog.fecha
    assert services.informativas.fila(uuid, rfc).estado == "firmada"
    # Before the signing (22/11/2026 03:00): refused the same way.
    escribir_fecha("22112026025959")
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialog.registrar)
    qtbot.waitUntil(lambda: len(modals.texts) == 4)
    assert "es anterior a la firma de la informativa" in modals.texts[3]

    escribir_fecha("22112026091530")
    assert dialog.fecha.text() == "22/11/2026 09:15:30"
    dice = "fecha corregida por el usuario (el acuse dice 22/11/2026 10:15:30)"
    assert dialog.corregido.isVisible() and dialog.corregido.text() == f"Se registrará con {dice}."
    qtbot.wait(50)
    dialog.grab().save(str(tmp_path / "registrar_presentacion_corregida.png"))
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialog.registrar)
    qtbot.waitUntil(lambda: len(modals.texts) == 6)
    assert "presentada el <b>22/11/2026 09:15:30</b>" in modals.texts[4]
    assert f"Se registrará con <b>{dice}</b>." in modals.texts[4]
    assert modals.texts[5] == MSG_REGISTRADA_NO_PROBADA.format(folio="N262253432")
    registro = services.informativa_presentacion.registro(uuid, rfc)
    assert (f"{registro.presentada:%d/%m/%Y %H:%M:%S}", registro.corregido) == (
        "22/11/2026 09:15:30",
        dice,
    )
    (entrada,) = [e for e in services.audit.recent() if e.action.endswith("presentada")]
    assert dice in entrada.detail
    window = InformativaWindow(services, rfc, rfc, uuid, True)
    qtbot.addWidget(window)
    window.show()
    assert window.solo_lectura.text() == (
        f"Presentada el 22/11/2026 09:15, folio N262253432 ({dice}): sólo consulta"
    )


def test_a_capturista_sees_the_button_greyed_out(qtbot, services, firmada):
    rfc, ana, uuid, _contrato = firmada
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.show()
    assert window.presentacion.isVisible() and not window.presentacion.isEnabled()
    assert "registrar la presentación" in window.presentacion.toolTip()


def test_a_typed_folio_of_the_wrong_form_is_said_and_focused(
    qtbot, services, firmada, modals, tmp_path
):
    rfc, _ana, uuid, _contrato = firmada
    acuse = tmp_path / "escaneado.pdf"
    acuse.write_bytes(acuse_imss_pdf(folio="", fecha="", tipo=""))  # nothing recognisable
    dialog = RegistrarPresentacionDialog(services, rfc, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.elegir_acuse(acuse)
    qtbot.waitUntil(lambda: dialog.archivo.text() != "")
    assert dialog.leido.text().startswith(
        "El acuse no dice el RFC del contratista, el periodo ni el tipo de informativa"
    )
    assert dialog.confirmo.isVisible() and not dialog.confirmo.isChecked()
    dialog.grab().save(str(tmp_path / "registrar_presentacion_escaneado.png"))
    type_text(qtbot, dialog.folio, "SI262202734")
    type_text(qtbot, dialog.fecha, "22/11/2026 10:15:30")
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialog.registrar)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)
    assert "confirma que es el acuse de presentación del IMSS" in modals.texts[1]
    assert services.informativas.fila(uuid, rfc).estado == "firmada"
    click(qtbot, dialog.confirmo)
    modals.answer("Registrar", "Aceptar")
    click(qtbot, dialog.registrar)
    qtbot.waitUntil(lambda: len(modals.texts) == 4)
    assert "no corresponde a una informativa Normal" in modals.texts[3]
    assert dialog.folio.hasFocus() or dialog.focusWidget() is dialog.folio
    assert services.informativas.fila(uuid, rfc).estado == "firmada"


def test_the_inicio_shows_signed_unfiled_in_bold_and_red_then_the_folio(qtbot, services, firmada):
    from datetime import datetime

    from PySide6.QtCore import Qt

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.gui.informativa.inicio import DIAS, ESTADO, InformativasModel
    from icsoe_desktop.gui.kit import colores

    rfc, _ana, uuid, _contrato = firmada
    model = InformativasModel()

    def fila() -> int:
        model.set_rows(services.informativas.tablero(rfc, rfc))
        return next(i for i, f in enumerate(model.rows) if f.uuid == uuid)

    n = fila()
    estado = model.index(n, ESTADO)
    assert estado.data() == "Firmada, sin presentar"
    assert estado.data(Qt.ItemDataRole.FontRole).bold()
    assert estado.data(Qt.ItemDataRole.ForegroundRole).color() == colores.color(
        colores.ERROR, colores.BASE
    )  # past 17/09/2026
    assert model.index(n, DIAS).data() == "Vencida hace 67 días"
    services.informativa_presentacion.registrar(
        uuid,
        rfc,
        acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    n = fila()
    assert [model.index(n, c).data() for c in (ESTADO, DIAS, 7)] == [
        "Presentada fuera de plazo (66 días), fecha de firma no probada",
        "—",
        "N262253432",
    ]
    assert model.index(n, ESTADO).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(n, ESTADO).data(Qt.ItemDataRole.FontRole) is None


def test_another_contratistas_acuse_or_the_constancia_is_said_and_clears_the_form(
    qtbot, services, firmada, modals, tmp_path
):
    """A good acuse fills the form; then another contratista's acuse, or the app's own
    constancia, is refused with its message and leaves nothing of the first one behind."""
    rfc, _ana, uuid, _contrato = firmada
    bueno = tmp_path / "acuse.pdf"
    bueno.write_bytes(acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"))
    ajeno = tmp_path / "acuse_ajeno.pdf"
    ajeno.write_bytes(acuse_del_imss("TRA120305P31", fecha="22/11/2026 10:15:30"))
    constancia = tmp_path / "constancia.pdf"
    constancia.write_bytes(services.informativa_firma.acuse(uuid, rfc))
    dialog = RegistrarPresentacionDialog(services, rfc, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.elegir_acuse(bueno)
    qtbot.waitUntil(lambda: dialog.folio.text() == "N262253432")
    modals.answer("Aceptar", "Aceptar")
    dialog.elegir_acuse(ajeno)
    qtbot.waitUntil(lambda: len(modals.texts) == 1)
    assert "Este acuse es del contratista con RFC TRA120305P31" in modals.texts[0]
    assert (dialog.archivo.text(), dialog.folio.text(), dialog.tabla.item(0, 2).text()) == (
        "",
        "",
        "",
    )
    assert dialog.fecha.text().strip("/: ") == ""
    dialog.elegir_acuse(constancia)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)
    assert "es la constancia de firma que genera esta aplicación" in modals.texts[1]
    # Registrar without an acuse says so.
    modals.answer("Aceptar")
    click(qtbot, dialog.registrar)
    assert modals.texts[2] == (
        "Elige el acuse de presentación (PDF) que descargaste del portal del IMSS."
    )
    assert services.informativas.fila(uuid, rfc).estado == "firmada"


def test_the_statement_box_has_its_own_letter(qtbot, services, firmada, tmp_path):
    """Shown for a scanned acuse, «Confirmo…» is reached with Alt as every other control."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    rfc, _ana, uuid, _contrato = firmada
    acuse = tmp_path / "escaneado.pdf"
    acuse.write_bytes(acuse_imss_pdf(folio="", fecha="", tipo=""))
    dialog = RegistrarPresentacionDialog(services, rfc, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.elegir_acuse(acuse)
    qtbot.waitUntil(dialog.confirmo.isVisible)
    textos = [w.text() for w in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel)]
    letras = [t[t.index("&") + 1].lower() for t in textos if "&" in t]
    assert "&" in dialog.confirmo.text()
    assert len(letras) == len(set(letras)), textos


def _inicio_abierto(qtbot, services, rfc):
    """The contratista's window with its informativas opened, once the background work that
    opening starts has reported."""
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from tests.gui.helpers import wait_operations

    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    window.show()
    window.informativas_action.trigger()
    qtbot.wait(10)  # its first turn of the event loop: the verification starts
    wait_operations(qtbot)
    return window, window.informativas


def test_a_presentada_whose_stored_constancia_was_forged_is_told_when_the_informativas_open(
    tmp_path, qtbot, services, firmada
):
    """A store without sync: the constancia of a Presentada row is verified by the current
    checks when the informativas open; a genuine one stays quiet and is noted (not verified
    again), a forged one is told under the list and audited once, not at each opening."""
    import hashlib
    import json

    from sqlalchemy import text

    from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
    from icsoe_desktop.services.informativa.constancia_comprobaciones import (
        VERSION_COMPROBACIONES,
    )
    from icsoe_desktop.services.informativa.constancias_guardadas import CLAVE
    from icsoe_desktop.services.sync.estado import EstadoSync
    from tests import constancia_falsa as falsa

    rfc, _ana, uuid, _contrato = firmada
    services.informativa_presentacion.registrar(
        uuid,
        rfc,
        acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"),
        "acuse.pdf",
        "N262253432",
        datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO),
        {},
    )
    assert not services.sync.is_configured()

    def constancia() -> bytes:
        with services.store.engine.connect() as conn:
            return conn.execute(
                text("SELECT acuse_pdf FROM icsoe_informativas WHERE uuid = :u"), {"u": uuid}
            ).scalar_one()

    def nota() -> list[object]:
        return json.loads(EstadoSync(services.store).leer(CLAVE))[uuid]

    def refutaciones() -> list:
        return [e for e in services.audit.recent() if e.action == "constancia_guardada_no_valida"]

    genuina = constancia()
    window, inicio = _inicio_abierto(qtbot, services, rfc)
    assert inicio.constancias.isHidden()
    assert nota() == [VERSION_COMPROBACIONES, hashlib.sha256(genuina).hexdigest()]
    assert refutaciones() == []
    window.close()

    # The same pages, cadena and sello, signed again by a self-signed certificate.
    forjada = falsa.firmar(falsa.paginas(genuina), falsa.autofirmado(rfc), [], falsa.datos(genuina))
    with services.store.engine.begin() as conn:
        conn.execute(
            text("UPDATE icsoe_informativas SET acuse_pdf = :p WHERE uuid = :u"),
            {"p": forjada, "u": uuid},
        )
    window, inicio = _inicio_abierto(qtbot, services, rfc)
    dicho = inicio.constancias.text()
    assert inicio.constancias.isVisible()
    assert dicho.startswith(
        f"La informativa presentada del periodo {PERIODO.clave} de {rfc} guardada en este "
        "equipo tiene una constancia de firma que no es válida (El sello y la firma del PDF no "
        "son del mismo certificado. "
    )
    assert dicho.endswith("); revísala con Verificar constancia.")
    (entrada,) = refutaciones()
    assert entrada.target == f"{rfc} {PERIODO.clave}"
    assert "El sello y la firma del PDF no son del mismo certificado." in entrada.detail
    assert nota() == [VERSION_COMPROBACIONES, hashlib.sha256(forjada).hexdigest()]
    window.grab().save(str(tmp_path / "reverificar_inicio.png"))
    window.close()

    # Told once: the next opening neither tells nor audits it again.
    window, inicio = _inicio_abierto(qtbot, services, rfc)
    assert inicio.constancias.isHidden()
    assert len(refutaciones()) == 1


def test_a_client_with_only_a_continuing_contract_gets_its_sisub(
    qtbot, services, firmada, modals, tmp_path
):
    """The period's SISUB filed with a contract started before the period (the ICSOE does not
    list its client): Exportar para el cliente offers that client and writes its SISUB files."""
    from datetime import date

    from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
    from tests.sisub_datos import ENERO_ABRIL, OTRO_CLIENTE, completar, contrato

    rfc, ana, uuid, del_cliente = firmada
    services.informativa_presentacion.registrar(
        uuid, rfc, acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"), "acuse.pdf", "N262253432",
        datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO), {del_cliente: "A26P3662382"},
    )  # fmt: skip
    contrato(services, rfc, ana, ENERO_ABRIL, OTRO_CLIENTE, date(2026, 2, 10), None)
    sisub = services.sisub.preparar(rfc, ana, PERIODO).uuid
    completar(services, sisub, ana)
    services.sisub_presentacion.registrar(
        sisub, rfc, acuse_infonavit_pdf(rfc=rfc), "a.pdf", "SISUB-2026-0001234"
    )
    dialog = ArchivoClienteDialog(services, rfc, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.contratante
    assert [combo.itemText(i) for i in range(combo.count())] == [
        f"{CLIENTE.nombre} (RFC {CLIENTE.rfc})",
        f"{OTRO_CLIENTE.nombre} (RFC {OTRO_CLIENTE.rfc})",
    ]
    combo.setCurrentIndex(1)
    dialog.grab().save(str(tmp_path / "archivo_cliente_sisub.png"))
    modals.answer("Cerrar")
    dialog.exportar_a(tmp_path / "otro.zip")
    qtbot.waitUntil(lambda: len(modals.texts) == 1, timeout=60_000)
    # The IMSS acuse, the constancia, the SISUB's acuse and its two CSVs; no ICSOE Excel.
    assert modals.texts[0] == f"Se guardaron 5 archivos en «{tmp_path / 'otro.zip'}»."
    with zipfile.ZipFile(tmp_path / "otro.zip") as zf:
        nombres = zf.namelist()
    assert not [n for n in nombres if n.endswith(".xlsx")]
    assert f"ICSOE_{rfc}_2026-2_{OTRO_CLIENTE.rfc}_2_SISUB_Ley_29_bis_Contratos.csv" in nombres
