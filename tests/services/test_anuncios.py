"""Every service operation that writes announces what it changed (domain/cambios.py), read from
the source: a public method of a service that opens a session (``store.session()``) and writes
in it (adds, merges or deletes rows, sets a row's attribute, runs an INSERT, UPDATE or DELETE,
or hands the session to a method or function of its module that does) must be marked
``@anuncia(...)`` or call ``.anunciar(...)``, itself or through a method of its class; else a
window showing that data would keep showing it as it was. The writes that no window shows are
named below with why.

What it does not see: a write made by a service of another module the session is handed to
(the audit's entries, which no window lists as they come)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "icsoe_desktop" / "services"

# Writes that no window shows: (file under services/, Class.method) → why.
SIN_ANUNCIO = {
    ("acceso/accounts.py", "AccountsService.register"): "the catalog's IDSE users: no kind",
    ("acceso/accounts.py", "AccountsService.set_enabled"): "the catalog's IDSE users",
    ("acceso/accounts.py", "AccountsService.set_password"): "the catalog's IDSE users",
    ("acceso/accounts.py", "AccountsService.set_administrador"): "the catalog's IDSE users",
    ("empresas/accesos.py", "AccesosService.conceder"): "the catalog's grants: no kind",
    ("empresas/accesos.py", "AccesosService.retirar"): "the catalog's grants",
    ("empresas/servicio.py", "EmpresasService.crear"): "the catalog's empresas: no kind",
    ("empresas/servicio.py", "EmpresasService.actualizar_datos"): "the catalog's empresas",
    ("empresas/servicio.py", "EmpresasService.permitir_solo_consulta"): "the catalog's empresas",
    ("empresas/servicio.py", "EmpresasService.recibos_en_solo_consulta"): "the catalog's empresas",
    ("empresas/servicio.py", "EmpresasService.marcar_abierta"): "when it was opened: not shown",
    ("empresas/servicio.py", "EmpresasService.registrar_cabeza"): "the audit chain's link",
    ("empresas/primer_uso.py", "PrimerUsoService.omitir"): "a step skipped: its own window",
    ("correo/mail.py", "MailService.send_pending"): "the outbox's state: not shown",
    ("sync/estado.py", "EstadoSync.escribir"): "the sync's notes: synchronize announces",
    ("audit.py", "AuditService.anotar"): "an export's audit entry: the log has no window open",
    ("nomina/importar.py", "_Lector.leer"): "its batches: importar announces once at its end",
    ("sisub/guia.py", "Guias.trasladar"): "at the opening, before a window reads the store",
}
WRITE_CALLS = {"add", "add_all", "merge", "delete"}
WRITE_STATEMENTS = ("insert(", "update(", "delete(", "sqlite_insert(")


@dataclass
class _Module:
    """A module's functions and classes' methods, by name, and which write a session handed
    to them (as their first parameter after ``self``)."""

    tree: ast.Module
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    writers: set[str] = field(default_factory=set)  # "f" or "Class.m"


def _written(body: list[ast.stmt], sessions: set[str], module: _Module, cls: str) -> str:
    """What in ``body`` writes through one of ``sessions`` ("" when nothing does)."""
    for node in (n for statement in body for n in ast.walk(statement)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in (t for each in targets for t in ast.walk(each)):
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.ctx, ast.Store)
                    and not (isinstance(target.value, ast.Name) and target.value.id == "self")
                ):
                    return f"sets {ast.unparse(target)}"
        if not isinstance(node, ast.Call):
            continue
        call, args = node.func, {ast.unparse(a) for a in node.args}
        receiver = call.value if isinstance(call, ast.Attribute) else None
        on_session = isinstance(receiver, ast.Name) and receiver.id in sessions
        if isinstance(call, ast.Attribute) and on_session and call.attr in WRITE_CALLS:
            return ast.unparse(call)
        if (
            isinstance(call, ast.Attribute)
            and on_session
            and call.attr == "execute"
            and node.args
            and ast.unparse(node.args[0]).startswith(WRITE_STATEMENTS)
        ):
            return f"execute({ast.unparse(node.args[0])[:30]}…)"
        if isinstance(call, ast.Name) and call.id == "setattr":
            return "setattr"
        if sessions & args:
            name = (
                f"{cls}.{call.attr}"
                if isinstance(receiver, ast.Name) and receiver.id == "self"
                else call.id
                if isinstance(call, ast.Name)
                else ""
            )
            if name in module.writers:
                return f"{name}(session)"
    return ""


def _session_param(function: ast.FunctionDef) -> str | None:
    params = [a.arg for a in function.args.args if a.arg not in ("self", "cls")]
    return params[0] if params and params[0] == "session" else None


def _read(path: Path) -> _Module:
    module = _Module(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    for node in module.tree.body:
        if isinstance(node, ast.FunctionDef):
            module.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    module.functions[f"{node.name}.{item.name}"] = item
    # What writes the session handed to it (as its first parameter), through others too.
    grew = True
    while grew:
        grew = False
        for name, function in module.functions.items():
            param = _session_param(function)
            cls = name.split(".")[0] if "." in name else ""
            if (
                param
                and name not in module.writers
                and _written(function.body, {param}, module, cls)
            ):
                module.writers.add(name)
                grew = True
    return module


def _opens_and_writes(function: ast.FunctionDef, module: _Module, cls: str) -> str:
    for node in ast.walk(function):
        if isinstance(node, ast.With):
            for item in node.items:
                opened = item.context_expr
                if (
                    isinstance(opened, ast.Call)
                    and isinstance(opened.func, ast.Attribute)
                    and opened.func.attr == "session"
                    and isinstance(item.optional_vars, ast.Name)
                ):
                    found = _written(node.body, {item.optional_vars.id}, module, cls)
                    if found:
                        return found
    return ""


def _announces(function: ast.FunctionDef) -> bool:
    return any("anuncia" in ast.unparse(d) for d in function.decorator_list) or any(
        isinstance(n, ast.Attribute) and n.attr == "anunciar" for n in ast.walk(function)
    )


def silent_writes(path: Path) -> dict[str, str]:
    """``Class.method`` → what it writes, for each public method of a class in ``path`` that
    opens a session and writes in it (itself or through a private method of its class)
    without announcing (itself or through a method of its class)."""
    module = _read(path)
    found: dict[str, str] = {}
    for cls in (n for n in module.tree.body if isinstance(n, ast.ClassDef)):
        methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}
        writes = {m: _opens_and_writes(f, module, cls.name) for m, f in methods.items()}
        announces = {m: _announces(f) for m, f in methods.items()}
        calls = {
            m: {
                n.func.attr
                for n in ast.walk(f)
                if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and isinstance(n.func.value, ast.Name)
                and n.func.value.id == "self"
                and n.func.attr in methods
            }
            for m, f in methods.items()
        }
        grew = True
        while grew:
            grew = False
            for method, called in calls.items():
                for other in called:
                    if other.startswith("_") and writes[other] and not writes[method]:
                        writes[method] = f"{other}: {writes[other]}"
                        grew = True
                    if announces[other] and not announces[method]:
                        announces[method] = grew = True
        found.update(
            (f"{cls.name}.{m}", writes[m])
            for m in methods
            if not m.startswith("_") and writes[m] and not announces[m]
        )
    return found


def test_every_service_operation_that_writes_announces_it() -> None:
    found = {
        (path.relative_to(SERVICES).as_posix(), method): what
        for path in sorted(SERVICES.rglob("*.py"))
        for method, what in silent_writes(path).items()
    }
    assert len(list(SERVICES.rglob("*.py"))) > 90  # the whole layer is read
    assert {key: what for key, what in found.items() if key not in SIN_ANUNCIO} == {}
    # A name left in the list once its method announces, or is gone, is dropped from it.
    assert sorted(set(SIN_ANUNCIO) - set(found)) == []


def test_a_silent_write_is_found_through_a_helper(tmp_path: Path) -> None:
    """What the test above reports of a service that forgets, and of one that does not."""
    source = tmp_path / "servicio.py"
    source.write_text(
        "from icsoe_desktop.domain.cambios import ICSOE, anuncia\n"
        "def _marcar(session, row):\n"
        "    row.visto = True\n"
        "class Olvida:\n"
        "    def leer(self):\n"
        "        with self._store.session() as session:\n"
        "            return session.get(Row, 1).nombre\n"
        "    def guardar(self, nombre):\n"
        "        with self._store.session() as session:\n"
        "            self._poner(session, nombre)\n"
        "    def _poner(self, session, nombre):\n"
        "        session.add(Row(nombre=nombre))\n"
        "    def marcar(self):\n"
        "        with self._store.session() as s:\n"
        "            _marcar(s, s.get(Row, 1))\n"
        "class Anuncia:\n"
        "    @anuncia(ICSOE)\n"
        "    def guardar(self, nombre):\n"
        "        with self._store.session() as session:\n"
        "            session.add(Row(nombre=nombre))\n"
        "    def borrar(self):\n"
        "        with self._store.session() as session:\n"
        "            session.delete(session.get(Row, 1))\n"
        "        self._store.cambios.anunciar({ICSOE})\n",
        encoding="utf-8",
    )
    assert silent_writes(source) == {
        "Olvida.guardar": "Olvida._poner(session)",
        "Olvida.marcar": "_marcar(session)",
    }
