"""Ayuda › Manual de usuario: the Markdown chapters of docs/manual/, shown offline.

Qt renders the Markdown itself (QTextBrowser loads a ``.md`` source as CommonMark), so the
chapters ship as they are written, with the screenshots they name (docs/screenshots/): no
build step, no browser, no network. What Qt's Markdown lacks is added here: a screenshot wider
than the page is scaled to fit, and a heading is found by its text or by its GitHub-style
anchor (``[…](#como-se-agrega)``, ``[…](03_certificados_imss.md#generar-pfx)``), so the same
links work on the repository's web page and in the app.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.gui.capitulos import INDICE, Capitulo
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas
from icsoe_desktop.paths import asset_dir

TITULO = "Manual de usuario — icsoe-desktop"
_MARGEN_IMAGEN = 48  # px left free beside a scaled screenshot (the page's margins, a scroll bar)


def carpeta_manual() -> Path:
    """docs/manual/ of a checkout, of an installed package or of the Windows bundle."""
    return asset_dir("docs") / "manual"


def capitulos(carpeta: Path | None = None) -> list[tuple[str, str]]:
    """``(archivo, título)`` of every chapter, in order: the title is its first ``# `` line."""
    carpeta = carpeta or carpeta_manual()
    result = []
    for path in sorted(carpeta.glob("[0-9][0-9]_*.md")):
        titulo = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                titulo = line[2:].strip()
                break
        result.append((path.name, titulo))
    return result


_IMAGEN = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def imagenes(markdown: str) -> list[str]:
    """The paths of the images a chapter shows (``![texto](ruta)``), as written."""
    return _IMAGEN.findall(markdown)


def ancla(texto: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    texto = unicodedata.normalize("NFC", texto).strip().lower()
    texto = re.sub(r"[^\w\- ]", "", texto)
    return texto.replace(" ", "-")


class _Pagina(QTextBrowser):
    """The chapter's page: a screenshot wider than the page is scaled down to its width when it
    is loaded (Markdown gives an image no size)."""

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        recurso = super().loadResource(kind, url)
        if kind != QTextDocument.ResourceType.ImageResource.value or recurso is None:
            return recurso
        imagen = QImage.fromData(recurso) if isinstance(recurso, QByteArray | bytes) else None
        ancho = max(self.viewport().width() - _MARGEN_IMAGEN, 320)
        if imagen is None or imagen.isNull() or imagen.width() <= ancho:
            return recurso
        return imagen.scaledToWidth(ancho, Qt.TransformationMode.SmoothTransformation)


class ManualWindow(QWidget):
    """The chapter list on the left, the chapter on the right; Atrás / Adelante as in a browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt

        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("ManualWindow")
        self.setWindowTitle(TITULO)
        self.carpeta = carpeta_manual()
        self.capitulo = INDICE
        self.seccion: str | None = None  # the heading the manual was last opened at

        self.lista = QListWidget(self)
        self.lista.setObjectName("capitulosList")
        self.lista.setAccessibleName("Capítulos")
        describir_lista(self.lista, "Los capítulos del manual; el elegido se muestra al lado")
        for archivo, titulo in capitulos(self.carpeta):
            item = QListWidgetItem(titulo, self.lista)
            item.setData(Qt.ItemDataRole.UserRole, archivo)
        self.lista.itemActivated.connect(self._elegido)
        self.lista.itemClicked.connect(self._elegido)

        self.texto = _Pagina(self)
        self.texto.setObjectName("manualBrowser")
        self.texto.setAccessibleName("Texto del manual")
        self.texto.setAccessibleDescription(
            "El capítulo elegido, de sólo lectura; las flechas y Av Pág lo recorren; Tab pasa por sus enlaces."
        )
        self.texto.setOpenLinks(False)  # each link is followed here (anchors, other chapters)
        self.texto.anchorClicked.connect(self._enlace)
        self.texto.sourceChanged.connect(self._cargado)

        self.atras = QPushButton("&Atrás", self)
        self.atras.setObjectName("atrasButton")
        self.atras.setShortcut(QKeySequence.StandardKey.Back)
        self.atras.clicked.connect(self.texto.backward)
        self.texto.backwardAvailable.connect(self.atras.setEnabled)
        self.adelante = QPushButton("A&delante", self)
        self.adelante.setObjectName("adelanteButton")
        self.adelante.setShortcut(QKeySequence.StandardKey.Forward)
        self.adelante.clicked.connect(self.texto.forward)
        self.texto.forwardAvailable.connect(self.adelante.setEnabled)
        self.cerrar = QPushButton("&Cerrar", self)
        self.cerrar.setObjectName("cerrarButton")
        self.cerrar.clicked.connect(self.close)
        self.cerrar.setAutoDefault(True)  # Enter, as Space, presses it (not a dialog)
        for button in (self.atras, self.adelante):
            button.setEnabled(False)

        self.buscar = QLineEdit(self)
        self.buscar.setObjectName("buscarEdit")
        self.buscar.setPlaceholderText("Texto del capítulo; Enter busca el siguiente")
        self.buscar.setClearButtonEnabled(True)
        self.buscar.returnPressed.connect(self.buscar_siguiente)
        buscar_label = QLabel("&Buscar:", self)
        buscar_label.setBuddy(self.buscar)
        nombrar_por_etiquetas([buscar_label])
        self.sin_coincidencias = QLabel(self)
        self.sin_coincidencias.setObjectName("sinCoincidenciasLabel")
        # Ctrl+F, as in any reader: the search field takes the focus.
        QShortcut(QKeySequence.StandardKey.Find, self, self._enfocar_busqueda)
        # Esc closes it, as it closes every dialog the clerk opened it from.
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, self.close)
        busqueda = QHBoxLayout()
        busqueda.addWidget(buscar_label)
        busqueda.addWidget(self.buscar, 1)
        busqueda.addWidget(self.sin_coincidencias)

        botones = QHBoxLayout()
        botones.addWidget(self.atras)
        botones.addWidget(self.adelante)
        botones.addStretch(1)
        botones.addWidget(self.cerrar)
        splitter = QSplitter(self)
        splitter.addWidget(self.lista)
        splitter.addWidget(self.texto)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 770])
        layout = QVBoxLayout(self)
        layout.addLayout(busqueda)
        layout.addWidget(splitter, 1)
        layout.addLayout(botones)
        self.resize(1040, 740)

    # --- navigation --------------------------------------------------------------------------

    def mostrar(self, capitulo: Capitulo | str, seccion: str | None = None) -> None:
        """Show a chapter (a file of docs/manual/) at its top or at one of its headings."""
        if isinstance(capitulo, str):
            capitulo = Capitulo(capitulo, seccion)
        url = QUrl.fromLocalFile(str(self.carpeta / capitulo.archivo))
        if self.texto.source().toLocalFile() != url.toLocalFile():
            self.texto.setSource(url, QTextDocument.ResourceType.MarkdownResource)
        self.ir_a(capitulo.seccion)

    def ir_a(self, seccion: str | None) -> None:
        """Scroll to the heading whose text (or anchor) is ``seccion``; the top if None."""
        barra = self.texto.verticalScrollBar()
        self.seccion = seccion
        bloque = self.encabezado(seccion) if seccion else None
        if bloque is None:
            barra.setValue(0)
            return
        cursor = QTextCursor(bloque)
        self.texto.setTextCursor(cursor)
        top = self.texto.document().documentLayout().blockBoundingRect(bloque).top()
        barra.setValue(int(top))

    def encabezado(self, seccion: str):
        """The heading block of the shown chapter named ``seccion`` (text or anchor), or None."""
        buscado = ancla(seccion)
        bloque = self.texto.document().begin()
        while bloque.isValid():
            if bloque.blockFormat().headingLevel() and ancla(bloque.text()) == buscado:
                return bloque
            bloque = bloque.next()
        return None

    def encabezado_visible(self, seccion: str) -> bool:
        """Whether the heading ``seccion`` of the shown chapter is on screen (what F1 led to)."""
        bloque = self.encabezado(seccion)
        if bloque is None:
            return False
        rect = self.texto.document().documentLayout().blockBoundingRect(bloque)
        top = self.texto.verticalScrollBar().value()
        return top <= rect.top() and rect.bottom() <= top + self.texto.viewport().height()

    def buscar_siguiente(self) -> bool:
        """Select the next occurrence of the search text in the chapter (from the top again
        after the last one); False, and «Sin coincidencias», when there is none."""
        texto = self.buscar.text().strip()
        self.sin_coincidencias.clear()
        if not texto:
            return False
        if self.texto.find(texto):
            return True
        cursor = self.texto.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        self.texto.setTextCursor(cursor)
        if self.texto.find(texto):
            return True
        self.sin_coincidencias.setText("Sin coincidencias")
        return False

    def _enfocar_busqueda(self) -> None:
        self.buscar.setFocus()
        self.buscar.selectAll()

    def _elegido(self, item: QListWidgetItem) -> None:
        from PySide6.QtCore import Qt

        self.mostrar(item.data(Qt.ItemDataRole.UserRole))

    def _enlace(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # the manual itself names no such link to follow
            return
        if not url.path() or url.path() == self.texto.source().path():
            self.ir_a(url.fragment() or None)
            return
        archivo = Path(url.path()).name
        if (self.carpeta / archivo).is_file():
            self.mostrar(Capitulo(archivo, url.fragment() or None))

    def _cargado(self, url: QUrl) -> None:
        from PySide6.QtCore import QSignalBlocker, Qt

        self.capitulo = Path(url.toLocalFile()).name
        self.texto.document().setDocumentMargin(12)
        with QSignalBlocker(self.lista):
            for row in range(self.lista.count()):
                if self.lista.item(row).data(Qt.ItemDataRole.UserRole) == self.capitulo:
                    self.lista.setCurrentRow(row)


def abrir_manual(
    ventana: QWidget | None, capitulo: Capitulo | str = INDICE, seccion: str | None = None
) -> ManualWindow:
    """Show the manual over ``ventana`` (the window in use) at ``capitulo``.

    The manual is a child window of the window in use, so a modal dialog (Certificados IMSS,
    Registros patronales…) does not block it: the clerk reads and keeps the dialog open. A
    window that already has its manual open reuses it."""
    from PySide6.QtCore import Qt

    manual: ManualWindow | None
    if isinstance(ventana, ManualWindow):
        manual = ventana
    else:
        manual = None
        if ventana is not None:
            manual = ventana.findChild(
                ManualWindow, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
        if manual is None:
            from icsoe_desktop.gui.kit.geometria import centrar

            manual = ManualWindow(ventana)
            manual.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            centrar(manual, ventana)  # inside its screen (1366×768 too), centred on the window
    manual.show()
    manual.raise_()
    manual.activateWindow()
    manual.mostrar(capitulo, seccion)
    return manual
