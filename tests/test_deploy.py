"""The sync server's deployment recipes (deploy/, docs/administracion.md) stay true to the code:
their command lines are ones the server accepts, and the container installs every library the
server imports, at the versions pyproject.toml pins."""

from __future__ import annotations

import ast
import json
import re
import shlex
import tomllib
from pathlib import Path

from icsoe_desktop.sync_server.__main__ import _listen, _parser

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
# The distribution that provides each module the server imports.
DISTRIBUTION = {
    "alembic": "alembic",
    "cryptography": "cryptography",  # the encrypted dumps (sync_server/respaldo_cifrado.py)
    "sqlcipher3": "sqlcipher3",  # the catálogo de códigos postales (services/catalogos)
    "orjson": "orjson",
    "sqlalchemy": "SQLAlchemy",
    "starlette": "starlette",
    "stdnum": "python-stdnum",
    "uvicorn": "uvicorn",
}


def server_command(argv: list[str]) -> list[str]:
    """The arguments after ``-m icsoe_desktop.sync_server``."""
    at = argv.index("icsoe_desktop.sync_server")
    assert argv[at - 1] == "-m"
    return argv[at + 1 :]


def accepted(arguments: list[str]) -> None:
    args = _parser().parse_args([*arguments, "--database-url", "postgresql+psycopg://u:p@h/db"])
    assert args.command == "serve"
    _listen(args.listen)  # raises on a bad HOST:PUERTO
    assert 1 <= args.workers <= 64


def test_the_systemd_unit_starts_the_server_as_the_code_accepts():
    unit = (DEPLOY / "icsoe-sync.service").read_text(encoding="utf-8")
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE)
    assert exec_start is not None
    accepted(server_command(shlex.split(exec_start.group(1))))
    assert re.search(r"^EnvironmentFile=/etc/icsoe-sync/env$", unit, re.MULTILINE)
    assert re.search(r"^User=icsoe-sync$", unit, re.MULTILINE)  # never as root


def containerfile() -> str:
    return (DEPLOY / "Containerfile").read_text(encoding="utf-8")


def test_the_container_starts_the_server_as_the_code_accepts():
    cmd = re.search(r"^CMD (\[.+\])$", containerfile(), re.MULTILINE)
    assert cmd is not None
    accepted(server_command(json.loads(cmd.group(1))))
    assert re.search(r"^USER \d+$", containerfile(), re.MULTILINE)  # never as root


def pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["server"]]:
        name, _, version = requirement.partition("==")
        found[name.split("[")[0].lower()] = version
    return found


def _files_of(module: str) -> list[Path]:
    """The file of one of our modules (a package: its ``__init__.py``); none if not a module."""
    path = ROOT / Path(*module.split("."))
    return [p for p in (path.with_suffix(".py"), path / "__init__.py") if p.is_file()]


def server_imports() -> set[str]:
    """Third-party top-level modules imported by the server and by the modules of ours it
    imports (its migrations included, which Alembic loads from their files)."""
    import sys

    todo = sorted((ROOT / "icsoe_desktop" / "sync_server").rglob("*.py"))
    todo += _files_of("icsoe_desktop")
    seen: set[Path] = set()
    third_party: set[str] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for module in modules:
                if module.startswith("icsoe_desktop"):
                    parts = module.split(".")
                    for end in range(2, len(parts) + 1):  # every package on the way
                        todo += _files_of(".".join(parts[:end]))
                elif module.split(".")[0] not in sys.stdlib_module_names:
                    third_party.add(module.split(".")[0])
    return third_party


def test_the_container_installs_what_the_server_imports_at_the_pinned_versions():
    installed = dict(re.findall(r'"([A-Za-z][\w.-]*)(?:\[\w+\])?==([\w.]+)"', containerfile()))
    installed = {name.lower(): version for name, version in installed.items()}
    needed = server_imports()
    assert needed - set(DISTRIBUTION) == set(), "un módulo del servidor sin distribución conocida"
    for module in needed:
        assert DISTRIBUTION[module].lower() in installed, module
    assert "psycopg" in installed  # the PostgreSQL driver the database URL names
    pinned = pins()
    assert {name: pinned[name] for name in installed} == installed
