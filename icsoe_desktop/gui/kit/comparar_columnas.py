"""Comparar columnas: the columns of a file that are the same field («SDI» and «SBC», a hidden
«Salario Base de Cotización» and a visible «SBC») side by side, their first rows under the
header, the rows where they differ marked (in words and in colour); the clerk picks the one
that is the field with its button. Opened from the import assistant."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.kit import colores, mnemonics
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.services.archivos.lectura import Lectura

TITLE = "Comparar columnas"
MSG_CABECERA = (
    "Las columnas {columnas} son todas «{campo}». Abajo, sus primeras filas lado a lado; las "
    "que no coinciden van marcadas. Elige la que es el «{campo}»: {otras} quedará en «No se usa»."
)
MSG_DIFIEREN = "No coinciden en {n} de {filas}."
MSG_COINCIDEN = "Coinciden en {filas} (pueden diferir más abajo)."
MSG_SIN_FILAS = "No hay filas con datos debajo del encabezado en las primeras del archivo."
COINCIDEN, DIFIEREN = "Sí", "No"
USAR = "Usar {columna}"
AMBAR = QColor("#ffe08a")  # a row that differs: amber, its text in bold too


def juntas(nombres: list[str]) -> str:
    """«C «SDI» y D «SBC»», «B, C y D»: columns named in a sentence."""
    return ", ".join(nombres[:-1]) + f" y {nombres[-1]}"


class CompararColumnasDialog(QDialog):
    """``elegida``: the column the clerk chose (None: closed without choosing)."""

    def __init__(self, leida: Lectura, clave: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CompararColumnasDialog")
        campo = next(c.titulo for c in leida.esquema.campos if c.clave == clave)
        self.setWindowTitle(f"{TITLE} — «{campo}»")
        self.elegida: str | None = None
        columnas = leida.columnas_ambiguas[clave]
        ocultas = leida.eleccion.columnas_ocultas
        nombres = [
            leida.letra(c) + (" (oculta)" if leida.columnas.index(c) in ocultas else "")
            for c in columnas
        ]
        otras = "la otra" if len(columnas) == 2 else "las otras"
        layout = QVBoxLayout(self)
        self.mensaje = QLabel(
            MSG_CABECERA.format(columnas=juntas(nombres), campo=campo, otras=otras)
        )
        self.mensaje.setWordWrap(True)
        layout.addWidget(self.mensaje)
        filas = leida.lado_a_lado(clave)
        self.tabla = QTableWidget(len(filas), len(columnas) + 1)
        self.tabla.setObjectName("compararTable")
        self.tabla.setAccessibleName(f"Valores de {juntas(nombres)}, fila por fila")
        describir_lista(self.tabla, "Los valores de las columnas, renglón por renglón del archivo")
        self.tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabla.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tabla.setTabKeyNavigation(False)
        self.tabla.setHorizontalHeaderLabels([*nombres, "¿Coinciden?"])
        self.tabla.setVerticalHeaderLabels([f"Fila {numero}" for numero, _, _ in filas])
        negrita = QFont(self.tabla.font())
        negrita.setBold(True)
        fondo = _fondo_diferente()
        for r, (_numero, textos, iguales) in enumerate(filas):
            for c, texto in enumerate((*textos, COINCIDEN if iguales else DIFIEREN)):
                item = QTableWidgetItem(texto)
                if not iguales:
                    if fondo is not None:
                        item.setBackground(fondo)
                    item.setFont(negrita)
                self.tabla.setItem(r, c, item)
        header = self.tabla.horizontalHeader()
        for c in range(len(columnas)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(columnas), QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tabla, 1)
        diferentes = sum(1 for _, _, iguales in filas if not iguales)
        if not filas:
            resumen = MSG_SIN_FILAS
        elif diferentes:
            resumen = MSG_DIFIEREN.format(
                n=diferentes, filas=_mostradas(len(filas), "1 fila mostrada")
            )
        else:
            resumen = MSG_COINCIDEN.format(filas=_mostradas(len(filas), "la fila mostrada"))
        self.resumen = QLabel(resumen)
        self.resumen.setObjectName("resumenLabel")
        layout.addWidget(self.resumen)
        botones = QHBoxLayout()
        self.usar: dict[str, QPushButton] = {}
        for columna, nombre in zip(columnas, nombres, strict=True):
            boton = QPushButton(USAR.format(columna=nombre))
            boton.setObjectName(f"usar_{len(self.usar)}")
            boton.setAutoDefault(False)
            boton.clicked.connect(self._elegir)
            botones.addWidget(boton)
            self.usar[columna] = boton
        botones.addStretch(1)
        self.cancelar = QPushButton("Cancelar")
        self.cancelar.setObjectName("cancelarButton")
        self.cancelar.setAutoDefault(False)
        self.cancelar.clicked.connect(self.reject)
        botones.addWidget(self.cancelar)
        layout.addLayout(botones)
        mnemonics.assign(self)
        self.resize(640, 560)
        centrar(self, parent)
        next(iter(self.usar.values())).setFocus()

    def _elegir(self) -> None:
        boton = self.sender()
        self.elegida = next(col for col, b in self.usar.items() if b is boton)
        self.accept()


def _fondo_diferente() -> QBrush | None:
    """Amber under the grid's text where it reads; under high contrast, or a dark palette, the
    bold text and the «¿Coinciden?» column say it alone."""
    texto = QGuiApplication.palette().color(QPalette.ColorRole.Text)
    if colores.alto_contraste() or colores.contraste(AMBAR, texto) < colores.CONTRASTE_MINIMO:
        return None
    return QBrush(AMBAR)


def _mostradas(total: int, una: str) -> str:
    """«las 8 filas mostradas», or ``una`` for a single row: the count agrees with its noun."""
    return una if total == 1 else f"las {plural(total, 'fila mostrada', 'filas mostradas')}"
