"""A restore killed (SIGKILL) between any two steps of putting the backup in place: the next
start finds either the old store or the restored one, whole, never an empty one, and says what
it did. Real processes: the command line's `restaurar`, stopped at each step by the product's
pause point (ICSOE_PAUSA_RESTAURAR, services/respaldo/restauracion.py) and killed there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.respaldo.restauracion import PASOS, PAUSA_ENV
from icsoe_desktop.store import cifrado, sumas
from tests import preloaded
from tests.services.test_accounts import ANA, LUIS, PASSWORD
from tests.services.test_accounts import form as registro

if TYPE_CHECKING:
    pass

ANTES, DESPUES = "Y5412345106", "NO191919191"  # the registros before and after the backup


def prepare(data_dir: Path, tmp_path: Path) -> Path:
    """A store with two registros; a backup taken when it had the first, which also lists Luis
    (a user this installation lacks)."""
    services = open_services(data_dir)
    try:
        services.accounts.register(registro())
        services.registros.save(ANTES, "ABC010101AB1", "Nóminas del Centro", ANA)
        services.accounts.register(registro(usuario=LUIS))
        backup = services.backup.backup(tmp_path / "lunes.icsoe-respaldo", actor=ANA)
        services.registros.save(DESPUES, "ABC010101AB1", "Nóminas del Centro", ANA)
    finally:
        services.close()
    # Luis leaves this installation after the backup: the restore brings him back.
    with cifrado.conectar(data_dir / "catalogo.sqlite3") as catalog:
        sumas.register(catalog)  # the synced tables' triggers keep their sums with it
        catalog.execute(
            "DELETE FROM empresa_accesos WHERE usuario_id = "
            "(SELECT id FROM idse_users WHERE usuario = ?)",
            (LUIS,),
        )
        catalog.execute("DELETE FROM idse_users WHERE usuario = ?", (LUIS,))
    catalog.close()
    return backup


def kill_at(step: str, data_dir: Path, backup: Path) -> None:
    """Run the real restore in another process, wait until it reports ``step`` done, kill it."""
    env = dict(os.environ, **{PAUSA_ENV: step})
    process = preloaded.start(
        [
            sys.executable,
            "-m",
            "icsoe_desktop",
            "--data-dir",
            str(data_dir),
            "restaurar",
            str(backup),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        for line in process.stderr:  # the pause point's line; anything else is an error
            lines.append(line)
            if line.strip() == f"{PAUSA_ENV}={step}":
                break
        else:
            pytest.fail(f"el proceso terminó sin llegar a {step}: {''.join(lines)}")
        process.kill()  # SIGKILL: no cleanup, no finally, as a power cut or the task manager
    finally:
        process.wait(timeout=60)
        process.stderr.close()
        process.stdout.close()
    # Windows: TerminateProcess with exit code 1 (Popen.kill), the Task Manager's «End task».
    assert process.returncode == (1 if sys.platform == "win32" else -9)


def registros(services) -> list[str]:
    return sorted(r.registro for r in services.registros.listar())


# One step before the store is replaced and one after stay in the quick loop (-m "not slow");
# every step is a process started and killed, and the whole sweep runs with the full suite.
QUICK_STEPS = ("candidato_listo", "reemplazada")


@pytest.mark.end2end
@pytest.mark.parametrize(
    "step",
    [s if s in QUICK_STEPS else pytest.param(s, marks=pytest.mark.slow) for s in PASOS],
)
def test_a_restore_killed_at_each_step_leaves_one_whole_store_and_says_so(
    data_dir: Path, tmp_path: Path, step: str
) -> None:
    backup = prepare(data_dir, tmp_path)
    kill_at(step, data_dir, backup)

    services = open_services(data_dir)
    try:
        replaced = PASOS.index(step) >= PASOS.index("reemplazada")
        assert registros(services) == ([ANTES] if replaced else sorted([ANTES, DESPUES]))
        users = [u.usuario for u in services.accounts.listar()]
        assert (LUIS in users) is replaced  # the restore's users came with it, or not at all
        assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA
        [aviso] = services.avisos
        actions = [r.action for r in services.audit.recent()]
        if replaced:
            [aside] = data_dir.glob("icsoe.sqlite3.antes-de-restaurar-*")
            assert aviso == (
                "La restauración del respaldo «lunes.icsoe-respaldo» se interrumpió después de "
                "reemplazar la base de datos; se terminó al abrir la empresa. La base de datos "
                f"anterior quedó en «{aside}»."
            )
            assert "respaldo_restaurado" in actions
            with cifrado.conectar(aside) as old:  # the aside is the old store, whole
                assert sorted(
                    r[0] for r in old.execute("SELECT registro FROM registros_patronales")
                ) == sorted([ANTES, DESPUES])
            old.close()
        else:
            assert aviso == (
                "La restauración de un respaldo se interrumpió antes de reemplazar la base de "
                "datos: la base de datos quedó como estaba y no se restauró nada."
                if step == "candidato_listo"
                else "La restauración del respaldo «lunes.icsoe-respaldo» se interrumpió antes "
                "de reemplazar la base de datos: la base de datos quedó como estaba y no se "
                "restauró nada."
            )
            assert "restauracion_revertida" in actions
            assert list(data_dir.glob("icsoe.sqlite3.antes-de-restaurar-*")) == []
        # Nothing of the restore is left but the aside; a second opening has nothing to say.
        assert sorted(p.name for p in data_dir.glob("icsoe.sqlite3.restaura*")) == []
    finally:
        services.close()
    again = open_services(data_dir)
    try:
        assert again.avisos == []
    finally:
        again.close()


def test_an_old_restore_that_left_no_store_puts_the_old_store_back(
    data_dir: Path, tmp_path: Path
) -> None:
    """What a restore that moved the store aside and was killed before moving the backup in
    left behind (no store, the aside, the candidate): the old store goes back in place; no
    empty store is created."""
    backup = prepare(data_dir, tmp_path)
    store = data_dir / "icsoe.sqlite3"
    store.rename(data_dir / "icsoe.sqlite3.antes-de-restaurar-20261122-090000")
    shutil.copyfile(backup, data_dir / "icsoe.sqlite3.restaurando")

    services = open_services(data_dir)
    try:
        assert registros(services) == sorted([ANTES, DESPUES])
        assert services.avisos == [
            "Una restauración se interrumpió cuando la base de datos estaba a un lado "
            "(«icsoe.sqlite3.antes-de-restaurar-20261122-090000»): se volvió a poner en su lugar "
            "y no se restauró nada."
        ]
        assert sorted(p.name for p in data_dir.iterdir() if "restaura" in p.name) == []
    finally:
        services.close()


def test_a_store_missing_beside_a_restores_files_is_never_created_empty(
    data_dir: Path, tmp_path: Path
) -> None:
    """Another empresa's store opened apart (the mail sender, ICSOE's entries) where only a
    restore's candidate is left: refused in Spanish, no empty store in its place."""
    from icsoe_desktop.store.db import Store, StoreError

    backup = prepare(data_dir, tmp_path)
    store = data_dir / "icsoe.sqlite3"
    store.unlink()
    shutil.copyfile(backup, data_dir / "icsoe.sqlite3.restaurando")
    with pytest.raises(StoreError) as info:
        Store(store)
    assert info.value.code == "restauracion_pendiente"
    assert "no se creó una base de datos vacía" in info.value.message
    assert not store.exists()


@pytest.mark.slow
def test_a_store_another_program_keeps_open_is_not_replaced(data_dir: Path, tmp_path: Path) -> None:
    """Another process with the store open (a second window, a script): the restore stops
    before the swap, says why, and leaves nothing behind."""
    from icsoe_desktop.services.respaldo.backup import BackupError

    backup = prepare(data_dir, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from icsoe_desktop.services import llave_almacen\n"
            "from icsoe_desktop.store import cifrado\n"
            "llave_almacen.usar(Path(sys.argv[1]).parent)\n"
            "c = cifrado.conectar(sys.argv[1]); c.execute('SELECT count(*) FROM empresa').fetchone()\n"
            "print('abierta', flush=True); time.sleep(120)",
            str(data_dir / "icsoe.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    services = open_services(data_dir)
    try:
        assert holder.stdout.readline().strip() == "abierta"
        with pytest.raises(BackupError) as info:
            services.backup.restore(backup, actor=ANA)
        assert info.value.code == "restauracion_fallida"
        assert "la base de datos actual no cambió" in info.value.message
        assert registros(services) == sorted([ANTES, DESPUES])  # reopened, unchanged
        assert sorted(p.name for p in data_dir.iterdir() if "restaura" in p.name) == []
    finally:
        services.close()
        holder.kill()
        holder.wait(timeout=60)
        holder.stdout.close()
