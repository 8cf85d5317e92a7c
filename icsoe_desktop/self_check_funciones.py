"""The self-check's runs of what a bundle can break by leaving a file out: a window drawn with
text, Qt's ICU data (Linux), a worker list written to .xlsx and read back, a practice
constancia de firma signed and verified, and the process apart started. Each goes through the code the app uses. Every check of
the self-check (``self_check.py``'s too) gives one ``CheckResult``."""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

VENTANA = "Ventana"
ICU = "Datos de ICU (Qt)"
EXCEL = "Libros de Excel"
CONSTANCIA = "Constancia de firma (PDF)"
APARTE = "Proceso aparte"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'OK   ' if self.ok else 'FALLA'} {self.name}: {self.detail}"


def check_ventana() -> CheckResult:
    """A window with a label is shown and drawn: the platform plugin, the widgets and a font."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    ventana = QMainWindow()
    ventana.setStyleSheet("background: white; color: black")
    ventana.setCentralWidget(QLabel("Autodiagnóstico: año, señal, Ñandú"))
    ventana.resize(320, 80)
    # Qt's notes while showing (offscreen: «does not support propagateSizeHints») go to the
    # log, not to the self-check's lines.
    previo = qInstallMessageHandler(lambda _tipo, _contexto, texto: log.info("Qt: %s", texto))
    try:
        ventana.show()
        QApplication.processEvents()
        imagen = ventana.grab().toImage()
    finally:
        qInstallMessageHandler(previo)
        ventana.close()
    if imagen.isNull():
        return CheckResult(False, VENTANA, "la ventana no se pudo dibujar")
    blanco = QColor("white").rgb()
    tinta = sum(
        1
        for y in range(0, imagen.height(), 2)
        for x in range(0, imagen.width(), 2)
        if imagen.pixel(x, y) != blanco
    )
    if tinta == 0:
        return CheckResult(False, VENTANA, "la ventana se abrió sin texto (¿faltan las fuentes?)")
    plataforma = QApplication.platformName()
    return CheckResult(True, VENTANA, f"dibujada con texto ({plataforma})")


def check_icu() -> CheckResult:
    """Qt's ICU data on Linux (the bundle carries root, Spanish and English): Spanish collation
    (ñ after n), a time-zone name in Spanish, a Windows code page."""
    from PySide6.QtCore import QByteArray, QCollator, QLocale, QStringDecoder, QTimeZone

    mexico = QLocale("es_MX")
    problemas = []
    palabras = ["oso", "ñandú", "nube"]
    if sorted(palabras, key=QCollator(mexico).sortKey) != ["nube", "ñandú", "oso"]:
        problemas.append("no ordena en español (la ñ después de la n)")
    zona = QTimeZone(QByteArray(b"America/Mexico_City")).displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, mexico
    )
    if not zona.lower().startswith("hora"):
        problemas.append(f"nombra la zona horaria de México «{zona}», no en español")
    if not QStringDecoder("windows-1252").isValid():
        problemas.append("no conoce la página de códigos Windows-1252")
    if problemas:
        return CheckResult(False, ICU, "; ".join(problemas))
    return CheckResult(True, ICU, f"orden en español, «{zona}», Windows-1252")


def check_excel() -> CheckResult:
    """A worker list written as the app exports a sheet and read as *Importar* reads one."""
    from icsoe_desktop.domain.texts import plural
    from icsoe_desktop.services.archivos.excel import SheetColumn, write_sheet
    from icsoe_desktop.services.capacitacion import trabajadores_de_practica
    from icsoe_desktop.services.informativa.trabajadores_archivo import (
        COLUMNAS,
        leer_trabajadores,
    )

    escritos = trabajadores_de_practica(2026)[:5]
    with tempfile.TemporaryDirectory(prefix="icsoe-autodiagnostico-") as carpeta:
        libro = Path(carpeta) / "trabajadores.xlsx"
        write_sheet(
            libro,
            "Trabajadores",
            [SheetColumn(columna) for columna in COLUMNAS],
            [(t.nss, t.curp, f"{t.sbc / 100:.2f}") for t in escritos],
            len(escritos),
        )
        leido = leer_trabajadores(libro)
    claves = [(t.nss, t.curp, t.sbc) for t in leido.trabajadores]
    if leido.formato != "Excel" or claves != [(t.nss, t.curp, t.sbc) for t in escritos]:
        return CheckResult(
            False, EXCEL, f"el libro escrito no se leyó igual ({len(claves)} de {len(escritos)})"
        )
    hechos = plural(len(escritos), "trabajador escrito y leído", "trabajadores escritos y leídos")
    return CheckResult(True, EXCEL, f"{hechos} de .xlsx")


def check_constancia() -> CheckResult:
    """A practice constancia de firma for an informativa whose names need more than
    Windows-1252, drawn with the embedded DejaVu fonts, signed with a practice e.firma (PAdES)
    and verified as *Verificar* does."""
    from datetime import date, datetime, timedelta, timezone

    from icsoe_desktop.domain.credentials.keys import load_sat_pair
    from icsoe_desktop.domain.informativa.cadena import cadena_original
    from icsoe_desktop.domain.informativa.modelo import (
        LISTA_PARA_FIRMA,
        NORMAL,
        Contrato,
        Domicilio,
        Informativa,
        Parte,
        Periodo,
    )
    from icsoe_desktop.domain.informativa.sello import sellar
    from icsoe_desktop.domain.practica import RFC_PRACTICA
    from icsoe_desktop.domain.trust import TrustStore, read_emisor
    from icsoe_desktop.services import capacitacion
    from icsoe_desktop.services.informativa.constancia import (
        escribir_constancia,
        verificar_constancia,
    )

    ahora = datetime.now(timezone(timedelta(hours=-6))).replace(microsecond=0)
    contrasena = "Autodiagnostico#2026"
    autoridad, cer, key, _numero, _hasta = capacitacion.emitir(contrasena, ahora)
    llave = load_sat_pair(cer, key, contrasena).private_key
    domicilio = Domicilio(
        "Calle Niños Héroes", "7", "", "Centro", "44100", "Guadalajara", "Jalisco"
    )
    trabajadores = tuple(capacitacion.trabajadores_de_practica(ahora.year)[:3])
    contrato = Contrato(
        "00000000-0000-7000-8000-000000000001",
        Parte("SCO050505QR2", "Łukasz Šimić y Compañía (Ñandú), S.A. de C.V.", domicilio),
        "Mantenimiento de áreas verdes",
        "STPS/REPSE/2024/12345",
        "Servicios de jardinería especializados",
        date(ahora.year, 1, 2),
        None,
        trabajadores,
    )
    informativa = Informativa(
        "00000000-0000-7000-8000-0000000000aa",
        Parte(RFC_PRACTICA, capacitacion.RAZON_SOCIAL_PRACTICA, domicilio),
        Periodo(ahora.year, 1),
        NORMAL,
        LISTA_PARA_FIRMA,
        (contrato,),
    )
    cadena = cadena_original(informativa, ahora, True)
    pdf = escribir_constancia(
        informativa, cadena, sellar(cadena, llave), cer, [autoridad], ahora, llave, True
    )
    confianza = TrustStore([read_emisor(autoridad, incluido=False)])
    verificacion = verificar_constancia(pdf, confianza, en_capacitacion=True)
    if not verificacion.ok:
        return CheckResult(False, CONSTANCIA, "; ".join(verificacion.motivo))
    if b"/FontFile2" not in pdf:
        return CheckResult(False, CONSTANCIA, "el PDF salió sin su fuente incrustada")
    return CheckResult(True, CONSTANCIA, f"firmada y verificada ({len(pdf) // 1024} KB)")


def check_aparte() -> CheckResult:
    """The executable started again as the worker of the heavy jobs (the find box's copy, the
    SISUB's actions), as the app starts it: every module of jobs loads there (one left out of
    the bundle fails it), and a name no job registered is refused, nothing done."""
    from icsoe_desktop.services import trabajos_aparte
    from icsoe_desktop.services.aparte import registro
    from icsoe_desktop.services.aparte.obra import Obra
    from icsoe_desktop.store.cifrado import CABECERA_PLANA

    trabajos_aparte.cargar()
    with tempfile.TemporaryDirectory(prefix="icsoe-autodiagnostico-") as carpeta:
        prueba = Path(carpeta) / "prueba.sqlite3"
        prueba.write_bytes(CABECERA_PLANA)  # a plain store's header: no key to hand
        obra = Obra(
            prueba,
            None,
            "autodiagnostico",
            que="el autodiagnóstico",
            respuestas=(registro.DESCONOCIDO,),
        )
        codigo = obra.esperar(lambda: True)
    if codigo != registro.DESCONOCIDO:
        return CheckResult(
            False, APARTE, f"no arrancó (código {codigo}); el detalle quedó en el registro"
        )
    return CheckResult(True, APARTE, f"arranca, con {len(registro.registrados())} trabajos")


def checks() -> list[tuple[str, Callable[[], CheckResult]]]:
    """The checks to run, by name (ICU only where Qt carries it: Linux)."""
    todas: list[tuple[str, Callable[[], CheckResult]]] = [(VENTANA, check_ventana)]
    if sys.platform.startswith("linux"):
        todas.append((ICU, check_icu))
    return [*todas, (EXCEL, check_excel), (CONSTANCIA, check_constancia), (APARTE, check_aparte)]
