"""ICSOE capturistas through the real services: alta with its two mails (real SMTP server),
consulta paging, edit / re-invite / baja / reactivation, activation, sign-in, recovery, the
choice of contratista, the Excel export and the bulk alta."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS, EXPORT_HEADERS
from icsoe_desktop.services.contratistas import DatosGenerales
from tests import credentials_factory as cf
from tests.icsoe_helpers import (
    CURP_ANA,
    CURP_BETO,
    CURP_CARLA,
    NEW_PASSWORD,
    enter_contratista,
    form,
    write_pdf,
)


@pytest.fixture
def rfc(services, data_dir, tmp_path, smtp_configured):
    return enter_contratista(services, data_dir, tmp_path)


def codes_for(smtp, correo: str) -> list[str]:
    found = []
    for message in smtp.to(correo):
        match = re.search(r"código de activación es: (\S+)", message.get_content())
        if match:
            found.append(match.group(1))
    return found


def deliver(services) -> None:
    report = services.mail.send_pending(force=True)
    assert report.failed == 0, report


def test_validar_curp_shows_what_it_encodes(services, rfc):
    known = services.capturistas.validar_curp(CURP_ANA.lower())
    assert known.curp.descripcion == (
        "Fecha de nacimiento: 15/05/1990 · Sexo: Mujer · Entidad de nacimiento: Ciudad de México"
    )
    assert known.nombre == ""  # nobody by that CURP yet
    for bad, code in [
        ("", "campo_obligatorio"),
        ("LOMA900515", "curp_longitud"),
        (CURP_ANA[:-1] + str((int(CURP_ANA[-1]) + 1) % 10), "curp_digito"),
        ("LOMA901315MDFPRN01", "curp_invalida"),  # month 13
    ]:
        with pytest.raises(ValidationError) as error:
            services.capturistas.validar_curp(bad)
        assert error.value.code == code


def test_alta_rules(services, rfc):
    svc = services.capturistas
    for bad, field in [
        (form(nombre=""), "nombre"),
        (form(segundo=""), "segundoApellido"),
        (form(telefono="55123"), "telefono"),
        (form(correo="ana@"), "correo"),
        (form(confirmar="otra@capturas.mx"), "confirmarCorreo"),
    ]:
        with pytest.raises(ValidationError) as error:
            svc.alta(rfc, bad)
        assert error.value.field == field
    row = svc.alta(rfc, form())
    assert (row.estatus, row.nombre_completo, row.telefono) == (
        "Registrada",
        "ANA LÓPEZ MARTÍNEZ",
        "5512345678",
    )
    with pytest.raises(ValidationError) as error:
        svc.alta(rfc, form(correo="otra@capturas.mx"))
    assert error.value.code == "curp_duplicada"


def test_alta_needs_datos_generales(services, data_dir, tmp_path):
    from tests.icsoe_helpers import trust_sat

    trust_sat(data_dir)
    cer, key = cf.fiel_moral().write(tmp_path)
    services.contratistas.ingresar(
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    )
    with pytest.raises(ValidationError) as error:
        services.capturistas.alta(cf.RFC_MORAL, form())
    assert error.value.code == "sin_datos_generales"


def test_lifecycle_with_mails(services, rfc, smtp_configured, clock):
    svc = services.capturistas
    ana = svc.alta(rfc, form())
    deliver(services)
    mails = smtp_configured.to("ana@capturas.mx")
    assert [m["Subject"] for m in mails] == [
        "Registro como usuario capturista - ICSOE",
        "Creación de contraseña - ICSOE",
    ]
    assert cf.NOMBRE_MORAL in mails[0].get_content()
    (code,) = codes_for(smtp_configured, "ana@capturas.mx")

    # Enviar email: a new code; the old one stops working.
    svc.enviar_email(rfc, ana.id)
    deliver(services)
    old, new = codes_for(smtp_configured, "ana@capturas.mx")
    assert old == code
    with pytest.raises(ValidationError) as error:
        services.acceso_capturista.crear_contrasena(old, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.code == "codigo_reemplazado"

    # Password policy, each broken rule named.
    with pytest.raises(ValidationError) as error:
        services.acceso_capturista.crear_contrasena(new, "qwerty1111", "qwerty1111")
    assert "mayúsculas" in error.value.message and "(1234)" in error.value.message
    assert "(1111111)" in error.value.message and "carácter especial" in error.value.message

    assert services.acceso_capturista.crear_contrasena(new, NEW_PASSWORD, NEW_PASSWORD) == CURP_ANA
    with pytest.raises(ValidationError) as error:
        services.acceso_capturista.crear_contrasena(new, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.code == "codigo_usado"
    deliver(services)
    assert smtp_configured.to("ana@capturas.mx")[-1]["Subject"] == "Contraseña actualizada - ICSOE"

    row = svc.fila(rfc, ana.id)
    assert row.estatus == "Activa" and not row.puede_editar and not row.puede_enviar_email
    with pytest.raises(ValidationError):
        svc.enviar_email(rfc, ana.id)
    with pytest.raises(ValidationError):
        svc.actualizar(rfc, ana.id, form(telefono="5599999999"))

    sesion = services.acceso_capturista.iniciar_sesion(CURP_ANA.lower(), NEW_PASSWORD)
    assert sesion.nombre_completo == "ANA LÓPEZ MARTÍNEZ"
    assert [(o.rfc, o.nombre) for o in services.acceso_capturista.contratistas_de(CURP_ANA)] == [
        (rfc, cf.NOMBRE_MORAL)
    ]
    assert services.acceso_capturista.seleccionar(CURP_ANA, rfc).rfc == rfc

    # Baja: cannot enter for that contratista; reactivation restores it as Activa.
    svc.baja(rfc, ana.id)
    assert services.acceso_capturista.contratistas_de(CURP_ANA) == []
    with pytest.raises(AuthenticationError) as auth:
        services.acceso_capturista.iniciar_sesion(CURP_ANA, NEW_PASSWORD)
    assert auth.value.code == "sin_contratistas"
    with pytest.raises(ValidationError):
        services.acceso_capturista.seleccionar(CURP_ANA, rfc)
    assert svc.reactivar(rfc, ana.id).estatus == "Activa"
    assert services.acceso_capturista.iniciar_sesion(CURP_ANA, NEW_PASSWORD).curp == CURP_ANA

    actions = {r.action for r in AuditService(services.store).recent()}
    assert {
        "icsoe_capturista_alta",
        "icsoe_capturista_reenvio",
        "icsoe_capturista_activado",
        "icsoe_capturista_baja",
        "icsoe_capturista_reactivado",
        "icsoe_inicio_sesion_capturista",
        "icsoe_contratista_seleccionado",
    } <= actions


def test_edit_while_registrada_and_codes_expire(services, rfc, smtp_configured, clock):
    svc = services.capturistas
    beto = svc.alta(rfc, form(CURP_BETO, "Beto", "García", "Ruiz", correo="beto@mal.mx"))
    updated = svc.actualizar(
        rfc, beto.id, form(CURP_BETO, "Alberto", "García", "Ruiz", correo="beto@capturas.mx")
    )
    assert updated.nombre == "ALBERTO" and updated.fecha_actualizacion == clock.now
    deliver(services)
    (wrong,) = codes_for(smtp_configured, "beto@mal.mx")
    (right,) = codes_for(smtp_configured, "beto@capturas.mx")  # a new code to the new mailbox
    with pytest.raises(ValidationError) as error:
        services.acceso_capturista.crear_contrasena(wrong, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.code == "codigo_reemplazado"
    clock.advance(hours=24, seconds=1)
    with pytest.raises(ValidationError) as error:
        services.acceso_capturista.crear_contrasena(right, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.code == "codigo_expirado"
    # Baja voids the pending code; after reactivation a new invitation is possible.
    svc.baja(rfc, beto.id)
    assert svc.reactivar(rfc, beto.id).estatus == "Registrada"
    svc.enviar_email(rfc, beto.id)


def test_same_person_for_two_contratistas(services, rfc, data_dir, tmp_path, smtp_configured):
    svc = services.capturistas
    svc.alta(rfc, form())
    deliver(services)
    (code,) = codes_for(smtp_configured, "ana@capturas.mx")
    services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
    # A persona física contratista registers the same person: Activa at once, no new code.
    cer, key = cf.fiel_fisica().write(tmp_path / "fisica")
    services.contratistas.ingresar(
        services.contratistas.validar_fiel(cf.RFC_FISICA, cer, key, cf.PASSWORD)
    )
    services.contratistas.adjuntar_acuse(cf.RFC_FISICA, write_pdf(tmp_path / "f"))
    services.contratistas.guardar_datos_generales(
        cf.RFC_FISICA, DatosGenerales("tomas@correo.mx", "3312345678")
    )
    other = svc.alta(cf.RFC_FISICA, form(correo="ana.lopez@otra.mx"))
    assert other.estatus == "Activa"
    assert [o.rfc for o in services.acceso_capturista.contratistas_de(CURP_ANA)] == [
        rfc,
        cf.RFC_FISICA,
    ]
    svc.baja(rfc, svc.pagina(rfc)[0].id)
    assert [o.rfc for o in services.acceso_capturista.contratistas_de(CURP_ANA)] == [cf.RFC_FISICA]


@pytest.mark.slow
def test_sign_in_failures_lock_and_recovery(services, rfc, smtp_configured, clock):
    svc = services.capturistas
    svc.alta(rfc, form())
    deliver(services)
    (code,) = codes_for(smtp_configured, "ana@capturas.mx")
    services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
    for _attempt in range(5):
        with pytest.raises(AuthenticationError) as auth:
            services.acceso_capturista.iniciar_sesion(CURP_ANA, "Equivocada#1")
    assert auth.value.code == "usuario_bloqueado"
    with pytest.raises(AuthenticationError):
        services.acceso_capturista.iniciar_sesion(
            CURP_ANA, NEW_PASSWORD
        )  # locked even with the right password
    clock.advance(minutes=5, seconds=1)
    services.acceso_capturista.solicitar_recuperacion(CURP_ANA)
    deliver(services)
    body = smtp_configured.to("ana@capturas.mx")[-1].get_content()
    reset = re.search(r"Tu código es: (\S+)", body).group(1)
    services.acceso_capturista.crear_contrasena(reset, "Otra$Clave9", "Otra$Clave9")
    assert services.acceso_capturista.iniciar_sesion(CURP_ANA, "Otra$Clave9").curp == CURP_ANA


def _recovery_mails(smtp) -> list[str]:
    return [m["To"] for m in smtp.messages if "Recuperación de contraseña" in m["Subject"]]


def test_forgotten_password_answers_alike_whether_the_curp_is_registered(
    services, rfc, smtp_configured
):
    """Known with a password, known without one yet, in baja everywhere, unknown: the same
    silence from the service (the window then says MSG_RECUPERACION_ENVIADA); a code is mailed
    for the first only, and the audit tells the cases apart."""
    svc = services.capturistas
    svc.alta(rfc, form())
    svc.alta(rfc, form(CURP_BETO, "Beto", "García", "Ruiz", correo="beto@capturas.mx"))
    deliver(services)
    (code,) = codes_for(smtp_configured, "ana@capturas.mx")
    services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
    acceso = services.acceso_capturista
    for curp in (CURP_ANA, CURP_BETO, CURP_CARLA, CURP_CARLA.lower()):
        assert acceso.solicitar_recuperacion(curp) is None
    deliver(services)
    assert _recovery_mails(smtp_configured) == ["ana@capturas.mx"]
    audit = [(r.actor, r.action, r.target, r.detail) for r in services.audit.recent()[:4]]
    assert audit == [
        ("sin sesión", "icsoe_recuperacion_sin_envio", CURP_CARLA, "CURP no registrada"),
        ("sin sesión", "icsoe_recuperacion_sin_envio", CURP_CARLA, "CURP no registrada"),
        ("sin sesión", "icsoe_recuperacion_sin_envio", CURP_BETO, "sin contraseña"),
        (CURP_ANA, "icsoe_recuperacion_solicitada", CURP_ANA, ""),
    ]
    svc.baja(rfc, next(r.id for r in svc.pagina(rfc) if r.curp == CURP_ANA))
    assert acceso.solicitar_recuperacion(CURP_ANA) is None  # every relation in baja
    deliver(services)
    assert _recovery_mails(smtp_configured) == ["ana@capturas.mx"]
    assert services.audit.recent()[0].detail == "relaciones en baja"
    with pytest.raises(ValidationError) as empty:
        acceso.solicitar_recuperacion("  ")
    assert empty.value.message == "Captura tu usuario (CURP)."


def test_paging_is_keyset_and_complete(services, rfc):
    svc = services.capturistas
    svc.alta(rfc, form())
    svc.alta(rfc, form(CURP_BETO, "Beto", "García", "Ruiz", correo="beto@capturas.mx"))
    svc.alta(rfc, form(CURP_CARLA, "Carla", "Pérez", "Ruiz", correo="carla@capturas.mx"))
    first = svc.pagina(rfc, 0, 2)
    rest = svc.pagina(rfc, first[-1].id, 2)
    assert [r.curp for r in first + rest] == [CURP_ANA, CURP_BETO, CURP_CARLA]
    assert svc.total(rfc) == 3


def test_export_excel(services, rfc, tmp_path, clock):
    svc = services.capturistas
    svc.alta(rfc, form())
    beto = svc.alta(rfc, form(CURP_BETO, "Beto", "García", "Ruiz", correo="beto@capturas.mx"))
    svc.baja(rfc, beto.id)
    name = services.capturistas_excel.export_file_name(rfc)
    assert re.fullmatch(r"Capturistas_\d+_\d{13}\.xlsx", name)
    path = tmp_path / name
    assert services.capturistas_excel.exportar_tabla(rfc, path) == 2
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS
    assert rows[1][:8] == (
        CURP_ANA,
        "ANA",
        "LÓPEZ",
        "MARTÍNEZ",
        "Capturista",
        "Registrada",
        "Contratista",
        cf.NOMBRE_MORAL,
    )
    assert isinstance(rows[1][8], datetime) and rows[1][9] is None
    assert rows[2][5] == "Baja" and isinstance(rows[2][9], datetime)
    text = " ".join(str(v) for row in rows for v in row)
    assert "scrypt" not in text and "@" not in text  # no secrets, no contact data


def test_export_csv_and_a_refused_ending(services, rfc, tmp_path):
    import codecs
    import csv
    import io

    services.capturistas.alta(rfc, form())
    path = tmp_path / "capturistas.csv"
    assert services.capturistas_excel.exportar_tabla(rfc, path) == 1
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    header, row = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert tuple(header) == EXPORT_HEADERS
    assert row[:6] == [CURP_ANA, "ANA", "LÓPEZ", "MARTÍNEZ", "Capturista", "Registrada"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row[8]) and row[9] == ""
    with pytest.raises(ValidationError, match=r"«capturistas\.pdf»: el nombre debe terminar"):
        services.capturistas_excel.exportar_tabla(rfc, tmp_path / "capturistas.pdf")
    assert not (tmp_path / "capturistas.pdf").exists()


def _bulk_file(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(BULK_HEADERS))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def test_bulk_alta_is_all_or_nothing(services, rfc, tmp_path, smtp_configured):
    svc = services.capturistas
    svc.alta(rfc, form())  # Ana exists already
    good = (CURP_BETO, "Beto", "García", "Ruiz", "Capturista", 5512345678, "b@c.mx", "b@c.mx")
    bad = _bulk_file(
        tmp_path / "malo.xlsx",
        [
            good,
            (CURP_CARLA, "Carla", "", "Ruiz", "Capturista", "5512345678", "c@c.mx", "c@c.mx"),
            (CURP_ANA, "Ana", "López", "M", "Capturista", "5512345678", "a@c.mx", "a@c.mx"),
            (CURP_BETO, "Beto", "García", "Ruiz", "Capturista", "5512345678", "b@c.mx", "b@c.mx"),
        ],
    )
    report = services.capturistas_excel.alta_masiva(rfc, bad)
    assert report.guardados == 0
    assert [(r.fila, r.motivo) for r in report.rechazos] == [
        (3, "El campo «Primer apellido» es obligatorio."),
        (4, f"La CURP {CURP_ANA} ya está registrada como usuario de este contratista."),
        (5, f"La CURP {CURP_BETO} se repite (fila 2)."),
    ]
    assert svc.total(rfc) == 1  # nothing half-saved
    ok = _bulk_file(
        tmp_path / "bueno.xlsx",
        [
            good,
            (CURP_CARLA, "Carla", "Pérez", "Ruiz", "Capturista", "5512345678", "c@c.mx", "c@c.mx"),
        ],
    )
    progress = []
    assert (
        services.capturistas_excel.alta_masiva(
            rfc, ok, lambda d, t: progress.append((d, t))
        ).guardados
        == 2
    )
    assert progress[-1] == (2, 2) and svc.total(rfc) == 3
    deliver(services)
    assert len(smtp_configured.to("b@c.mx")) == 2


def test_bulk_alta_refuses_files_that_are_not_the_template(services, rfc, tmp_path):
    text = tmp_path / "no.xlsx"
    text.write_text("hola")
    with pytest.raises(ValidationError) as error:
        services.capturistas_excel.alta_masiva(rfc, text)
    assert error.value.code == "xlsx_invalido"
    workbook = Workbook()
    workbook.active.append(["CURP", "Nombre"])
    workbook.save(tmp_path / "otro.xlsx")
    with pytest.raises(ValidationError) as error:
        services.capturistas_excel.alta_masiva(rfc, tmp_path / "otro.xlsx")
    assert error.value.code == "excel_encabezados"


def test_export_writes_formula_like_names_as_text(services, rfc, tmp_path):
    """A name typed (or synced) as a formula must stay inert text in the export: Excel would
    otherwise run it when the file is opened."""
    svc = services.capturistas
    hyperlink = '=HYPERLINK("http://malo.example/x","Abrir")'
    dde = "=cmd|' /C calc'!A0"
    svc.alta(rfc, form(nombre=hyperlink, primer=dde, segundo="@SUM(1+1)"))
    path = tmp_path / "capturistas.xlsx"
    assert services.capturistas_excel.exportar_tabla(rfc, path) == 1
    row = load_workbook(path).active[2]
    assert [(c.data_type, c.value) for c in row[1:4]] == [
        ("s", hyperlink.upper()),
        ("s", dde.upper()),
        ("s", "@SUM(1+1)"),
    ]
    assert all(c.data_type == "s" for c in row[:8])


@pytest.mark.slow
def test_bulk_alta_refuses_an_empty_or_too_long_file_and_saves_nothing(services, rfc, tmp_path):
    empty = _bulk_file(tmp_path / "vacio.xlsx", [("",) * 8, (None,) * 8])
    with pytest.raises(ValidationError) as error:
        services.capturistas_excel.alta_masiva(rfc, empty)
    assert (error.value.code, error.value.message) == (
        "excel_vacio",
        "El archivo no tiene filas de capturistas debajo de los encabezados.",
    )
    row = (CURP_BETO, "Beto", "García", "Ruiz", "Capturista", "5512345678", "b@c.mx", "b@c.mx")
    long = _bulk_file(tmp_path / "largo.xlsx", [row] * 5001)
    with pytest.raises(ValidationError) as error:
        services.capturistas_excel.alta_masiva(rfc, long)
    assert (error.value.code, error.value.message) == (
        "excel_grande",
        "El archivo admite hasta 5,000 capturistas.",
    )
    assert services.capturistas.total(rfc) == 0


def test_a_workbook_without_the_optional_columns_names_them_per_row(services, rfc, tmp_path):
    """No «Segundo apellido» nor «Teléfono» column: each row says what it lacks (no crash)."""
    workbook = Workbook()
    keep = [h for i, h in enumerate(BULK_HEADERS) if i not in (3, 5)]
    workbook.active.append(keep)
    workbook.active.append([CURP_BETO, "Beto", "García", "Capturista", "b@c.mx", "b@c.mx"])
    workbook.save(tmp_path / "corto.xlsx")
    report = services.capturistas_excel.alta_masiva(rfc, tmp_path / "corto.xlsx")
    assert report.guardados == 0
    assert [r.fila for r in report.rechazos] == [2]
    assert "Segundo apellido" in report.rechazos[0].motivo


@pytest.mark.parametrize(
    ("nombre", "que", "posicion"),
    [
        ("A\x00NA", "un carácter de control invisible (U+0000)", 2),
        ("ANA\x1b[31m", "un carácter de control invisible (U+001B)", 4),
        ("AN\x07A", "un carácter de control invisible (U+0007)", 3),
        ("\u202eANA", "una marca de dirección del texto invisible (U+202E)", 1),
        ("ANA\u2066", "una marca de dirección del texto invisible (U+2066)", 4),
        ("ANA\tMARIA", "un carácter de control invisible (U+0009)", 4),
    ],
)
def test_a_name_with_an_invisible_character_is_refused_typed_or_from_a_file(
    services, rfc, tmp_path, nombre, que, posicion
):
    """What a name shows must be what it is: a control character or a right-to-left override
    (which shows «ANA» reversed) is named with its position, in the form and in the alta masiva."""
    mensaje = (
        f"El campo «Nombre(s)» tiene {que} en la posición {posicion}: bórralo y escribe el "
        "texto de nuevo."
    )
    with pytest.raises(ValidationError) as error:
        services.capturistas.alta(rfc, form(nombre=nombre))
    assert (error.value.code, error.value.message, error.value.field) == (
        "caracter_invisible", mensaje, "nombre"
    )  # fmt: skip
    # As Excel keeps them in a cell (``_x001B_``): openpyxl refuses to write them.
    from tests.services.xlsx_files import xlsxwriter_bytes

    archivo = tmp_path / "alta.xlsx"
    fila = (CURP_BETO, nombre, "García", "Ruiz", "Capturista", "5512345678", "b@c.mx", "b@c.mx")
    archivo.write_bytes(xlsxwriter_bytes([BULK_HEADERS, fila]))
    report = services.capturistas_excel.alta_masiva(rfc, archivo)
    assert (report.guardados, [(r.fila, r.motivo) for r in report.rechazos]) == (0, [(2, mensaje)])
    assert services.capturistas.total(rfc) == 0
