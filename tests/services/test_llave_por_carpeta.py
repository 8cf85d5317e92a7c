"""A key per data folder: whatever a clerk or IT does, in whatever order — the keyring lost, a
second folder opened, a folder copied to another PC, a code typed, a backup restored — every
folder opens with its own printed code, nothing opening one touches another's recovery, and a
folder under another key is said so («cifrada con otra llave»), never «dañado». Each PC (or
Windows profile) is a keyring of its own, as the suite isolates one."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services import carpeta_datos, recuperacion_almacen
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.llave_almacen import LlaveAlmacenFaltante
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.secrets import SERVICE_PREFIX
from tests.llaves import ALMACEN, BITACORA, CODIGO, LLAVE, perder_llaves
from tests.services.test_accounts import form as registro

ADMIN = "admin@empresa.com"
TODAY = date(2026, 11, 22)


def _equipo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nombre: str) -> None:
    """From now on the test runs on PC (or Windows profile) ``nombre``: its own keyring."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / f"llavero-{nombre}"))


def _crear(data_dir: Path, filas: int) -> str:
    """A new folder with an administrator and ``filas`` movimientos; its printed code."""
    services = open_services(data_dir)
    try:
        services.accounts.register(registro(usuario=ADMIN))
        create_demo_movimientos(services.store, filas, TODAY)
        return services.codigo_recuperacion.mostrar(ADMIN)
    finally:
        services.close()


def _filas(data_dir: Path) -> int:
    services = open_services(data_dir)
    try:
        integridad = verificar_bitacora(services.catalogo.path)
        assert integridad.integra, integridad.problema
        return services.movimientos.count(Filtro())
    finally:
        services.close()


def _abre_con_su_codigo(data_dir: Path, codigo: str) -> int:
    """Opens ``data_dir``; when its key is not in this PC's keyring, says so (never «dañado»)
    and its own code brings it back, its sealed file untouched by the failed opening."""
    sellado = (data_dir / recuperacion_almacen.ARCHIVO).read_bytes()
    try:
        return _filas(data_dir)
    except LlaveAlmacenFaltante as exc:
        assert "dañad" not in exc.message.replace("no están dañados", "")
        assert str(data_dir) in exc.message
        assert "código de recuperación de esta carpeta" in exc.message
    assert (data_dir / recuperacion_almacen.ARCHIVO).read_bytes() == sellado
    recuperacion_almacen.recuperar(data_dir, codigo)
    return _filas(data_dir)


@dataclass
class Mundo:
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    # folder → (PC it lives on, its printed code, its movimientos)
    carpetas: dict[Path, tuple[str, str, int]] = field(default_factory=dict)
    respaldo: Path | None = None

    def en(self, pc: str) -> None:
        _equipo(self.monkeypatch, self.tmp_path, pc)

    def perder(self) -> None:
        self.en("A")
        perder_llaves()

    def segunda(self) -> None:
        self.en("A")
        y = self.tmp_path / "Y"
        y.mkdir()
        self.carpetas[y] = ("A", _crear(y, 7), 7)

    def copia(self) -> None:
        x = self.tmp_path / "X"
        _pc, codigo, filas = self.carpetas[x]
        copia = self.tmp_path / "X-en-B"
        shutil.copytree(x, copia)
        self.en("B")
        assert _abre_con_su_codigo(copia, codigo) == filas
        self.carpetas[copia] = ("B", codigo, filas)

    def codigo(self) -> None:
        x = self.tmp_path / "X"
        self.en("A")
        assert _abre_con_su_codigo(x, self.carpetas[x][1]) == self.carpetas[x][2]

    def restaurar(self) -> None:
        """X's backup (taken at the start) restored into a new folder on PC B, with X's code."""
        assert self.respaldo is not None
        self.en("B")
        w = self.tmp_path / "W"
        w.mkdir()
        codigo_w = _crear(w, 3)
        _pc, codigo_x, filas_x = self.carpetas[self.tmp_path / "X"]
        services = open_services(w)
        try:
            services.backup.restore(self.respaldo, CLI_ACTOR, codigo=codigo_x)
        finally:
            services.close()
        self.carpetas[w] = ("B", codigo_w, filas_x)


@pytest.mark.slow
@pytest.mark.parametrize(
    "orden",
    [
        ("perder", "segunda", "codigo", "copia", "restaurar"),
        ("segunda", "perder", "copia", "restaurar", "codigo"),
        ("restaurar", "copia", "segunda", "perder", "codigo"),
    ],
)
def test_every_folder_opens_with_its_own_code_in_any_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, orden: tuple[str, ...]
) -> None:
    mundo = Mundo(tmp_path, monkeypatch)
    mundo.en("A")
    x = tmp_path / "X"
    x.mkdir()
    mundo.carpetas[x] = ("A", _crear(x, 12), 12)
    services = open_services(x)
    try:
        mundo.respaldo = services.backup.backup(tmp_path / "X.icsoe-respaldo", CLI_ACTOR)
    finally:
        services.close()

    for paso in orden:
        getattr(mundo, paso)()

    # Every folder opens where it lives, with its own code when that PC's keyring lost it…
    for carpeta, (pc, codigo, filas) in mundo.carpetas.items():
        mundo.en(pc)
        assert _abre_con_su_codigo(carpeta, codigo) == filas, carpeta
    # …and after every keyring is lost, each printed code still opens its own folder.
    for pc in ("A", "B"):
        mundo.en(pc)
        perder_llaves()
    for carpeta, (pc, codigo, filas) in mundo.carpetas.items():
        mundo.en(pc)
        with pytest.raises(LlaveAlmacenFaltante):
            open_services(carpeta)
        recuperacion_almacen.recuperar(carpeta, codigo)
        assert _filas(carpeta) == filas, carpeta


def test_a_key_of_another_folder_is_said_and_never_resealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyring's slot of a folder holding another key (put there by hand, or a folder's
    files replaced by another's): «cifrada con otra llave», nothing written beside it, and the
    folder's own code opens it."""
    x, y = tmp_path / "X", tmp_path / "Y"
    x.mkdir()
    y.mkdir()
    codigo_x = _crear(x, 5)
    _crear(y, 2)
    llave_y = _valor(ALMACEN, carpeta_datos.cuenta(LLAVE, y))
    sellado = (x / recuperacion_almacen.ARCHIVO).read_bytes()
    assert not recuperacion_almacen.apartados(x)  # the audit key sealed beside: nothing aside
    _poner(ALMACEN, carpeta_datos.cuenta(LLAVE, x), llave_y)

    with pytest.raises(LlaveAlmacenFaltante) as otra:
        open_services(x)
    assert otra.value.code == "llave_almacen_otra"
    assert f"La carpeta de datos «{x}» está cifrada con otra llave" in otra.value.message
    assert "escribe el código de recuperación de esta carpeta" in otra.value.message
    assert (x / recuperacion_almacen.ARCHIVO).read_bytes() == sellado
    assert not recuperacion_almacen.apartados(x)

    with pytest.raises(DomainError) as mal:  # a wrong code is refused naming the folder
        recuperacion_almacen.recuperar(x, recuperacion_almacen.codigo_nuevo())
    assert mal.value.message == recuperacion_almacen.MSG_INCORRECTO.format(carpeta=x)
    # Y's sealed file copied over X's: the code (the user's, so Y's too) opens it, but its key
    # is not X's; refused, naming X, nothing changed.
    shutil.copy(y / recuperacion_almacen.ARCHIVO, x / recuperacion_almacen.ARCHIVO)
    with pytest.raises(DomainError) as ajeno:
        recuperacion_almacen.recuperar(x, codigo_x)
    assert ajeno.value.code == "codigo_de_otra_carpeta"
    assert ajeno.value.message == recuperacion_almacen.MSG_OTRA_CARPETA.format(carpeta=x)
    (x / recuperacion_almacen.ARCHIVO).write_bytes(sellado)
    recuperacion_almacen.recuperar(x, codigo_x)
    assert _filas(x) == 5
    assert _filas(y) == 2


def test_a_folder_of_the_one_key_per_user_release_opens_after_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """A folder as the release with one key per Windows user left it (no id; the key, the code
    and the audit key in the user's slots; its sealed file naming no code) opens as it was, its
    printed code kept; and when the user's slot holds another folder's key (the keyring lost,
    then a second folder opened), it is said «cifrada con otra llave», its sealed file is not
    rewritten, and its printed code opens it."""
    codigo = _crear(data_dir, 9)
    _a_la_version_anterior(data_dir)

    assert _filas(data_dir) == 9
    assert (data_dir / carpeta_datos.ARCHIVO).is_file()
    services = open_services(data_dir)
    try:
        assert services.codigo_recuperacion.mostrar(ADMIN) == codigo
    finally:
        services.close()
    assert "codigo" in json.loads((data_dir / recuperacion_almacen.ARCHIVO).read_text())
    recuperacion_almacen.recuperar(data_dir, codigo)  # the file now names it, same code

    # Again as the old release left it; then the keyring lost, and a second folder of the old
    # release opened (its key in the user's slot).
    _a_la_version_anterior(data_dir)
    perder_llaves()
    otra = tmp_path / "otra"
    otra.mkdir()
    _crear(otra, 4)
    _a_la_version_anterior(otra)
    sellado = (data_dir / recuperacion_almacen.ARCHIVO).read_bytes()

    with pytest.raises(LlaveAlmacenFaltante) as error:
        open_services(data_dir)
    assert error.value.code == "llave_almacen_otra"
    assert "está cifrada con otra llave" in error.value.message
    assert (data_dir / recuperacion_almacen.ARCHIVO).read_bytes() == sellado
    recuperacion_almacen.recuperar(data_dir, codigo)
    assert _filas(data_dir) == 9
    assert _filas(otra) == 4  # the other one adopted the user's slot: its own key


def _a_la_version_anterior(data_dir: Path) -> None:
    """``data_dir`` and this keyring as the one-key-per-user release keeps them."""
    ident = carpeta_datos.identidad(data_dir)
    for scope, base in ((ALMACEN, LLAVE), (ALMACEN, CODIGO), (BITACORA, LLAVE)):
        valor = _valor(scope, f"{base}:{ident}")
        assert valor is not None
        _poner(scope, base, valor)
        _quitar(scope, f"{base}:{ident}")
    (data_dir / carpeta_datos.ARCHIVO).unlink()
    sellado = json.loads((data_dir / recuperacion_almacen.ARCHIVO).read_text())
    sellado.pop("codigo")
    (data_dir / recuperacion_almacen.ARCHIVO).write_text(json.dumps(sellado))
    for aparte in recuperacion_almacen.apartados(data_dir):
        aparte.unlink()


def _llavero() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "keyring-de-prueba.json"


def _entradas() -> dict[str, str]:
    entradas: dict[str, str] = json.loads(_llavero().read_text(encoding="utf-8"))
    return entradas


def _valor(scope: str, cuenta: str) -> str | None:
    return _entradas().get(f"{SERVICE_PREFIX}/{scope}\n{cuenta}")


def _poner(scope: str, cuenta: str, valor: str | None) -> None:
    assert valor is not None
    entradas = _entradas()
    entradas[f"{SERVICE_PREFIX}/{scope}\n{cuenta}"] = valor
    _llavero().write_text(json.dumps(entradas), encoding="utf-8")


def _quitar(scope: str, cuenta: str) -> None:
    entradas = _entradas()
    entradas.pop(f"{SERVICE_PREFIX}/{scope}\n{cuenta}", None)
    _llavero().write_text(json.dumps(entradas), encoding="utf-8")


def test_a_damaged_catalog_under_its_own_key_is_said_damaged(tmp_path: Path) -> None:
    """The key sealed beside the stores is the keyring's: a catalog whose first page does not
    decrypt is damaged (its opening says so), not «cifrada con otra llave»."""
    x = tmp_path / "X"
    x.mkdir()
    _crear(x, 1)
    catalogo = x / "catalogo.sqlite3"
    datos = bytearray(catalogo.read_bytes())
    datos[100:900] = bytes(800)  # the salt kept, the first page garbled
    catalogo.write_bytes(bytes(datos))

    with pytest.raises(DomainError) as error:
        open_services(x)
    assert not isinstance(error.value, LlaveAlmacenFaltante)
    assert "dañado" in error.value.message
