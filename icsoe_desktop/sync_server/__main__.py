"""``python -m icsoe_desktop.sync_server``: serve the API, or manage the desktops' tokens.

    python -m icsoe_desktop.sync_server serve --database-url postgresql+psycopg://u:p@host/db \\
        --listen 127.0.0.1:8765
    python -m icsoe_desktop.sync_server token create --database-url URL --empresa RFC \\
        --nombre "Escritorio nómina 1"
    python -m icsoe_desktop.sync_server esquema show|reset --database-url URL --empresa RFC
    python -m icsoe_desktop.sync_server sepomex cargar CPdescarga.zip [--empresa RFC …]
    python -m icsoe_desktop.sync_server sepomex estado
    python -m icsoe_desktop.sync_server certificados-sat cargar CARPETA | ver
    python -m icsoe_desktop.sync_server token create --admin --database-url URL --nombre "TI"
    python -m icsoe_desktop.sync_server instalador publicar ARCHIVO --database-url URL
    python -m icsoe_desktop.sync_server verificar|reparar [--empresa RFC]
    python -m icsoe_desktop.sync_server llave-respaldo /ruta/segura/servidor.llave
    python -m icsoe_desktop.sync_server respaldar --llave servidor.llave ARCHIVO
    python -m icsoe_desktop.sync_server restaurar --llave servidor.llave ARCHIVO [--reemplazar]

The database URL may also come from ``ICSOE_SYNC_DATABASE_URL``; the dumps' key file from
``ICSOE_SYNC_LLAVE_RESPALDO``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.sync_server import DATABASE_URL_ENV, MAX_BODY_ENV, MAX_ROWS_ENV, POOL_SIZE_ENV
from icsoe_desktop.sync_server.protocol import MAX_BATCH_ROWS, MAX_BODY_BYTES

if TYPE_CHECKING:
    from sqlalchemy import Engine

KEEP_ALIVE_S = 65  # longer than any pause between two requests of one sync
LLAVE_RESPALDO_ENV = "ICSOE_SYNC_LLAVE_RESPALDO"
# Run on the database as it is: the dump as it was made, the restore into an empty database
# (migrated after it, to this version's schema).
SIN_MIGRAR_ANTES = ("respaldar", "restaurar")


def _parser() -> argparse.ArgumentParser:
    from icsoe_desktop.domain import argparse_es

    argparse_es.install()  # its usage line and errors in Spanish
    parser = argparse.ArgumentParser(
        prog="python -m icsoe_desktop.sync_server",
        description="Servidor de sincronización de icsoe-desktop (PostgreSQL o SQLite).",
    )
    commands = parser.add_subparsers(dest="command", metavar="comando", required=True)

    def database(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database-url",
            default=os.environ.get(DATABASE_URL_ENV),
            help=f"URL de SQLAlchemy (postgresql+psycopg://… o sqlite:///…); o {DATABASE_URL_ENV}",
        )

    serve = commands.add_parser("serve", help="aplica las migraciones y atiende la API HTTP")
    database(serve)
    serve.add_argument("--listen", default="127.0.0.1:8765", help="HOST:PUERTO")
    serve.add_argument("--max-body", type=int, default=MAX_BODY_BYTES, help="bytes por solicitud")
    serve.add_argument("--max-rows", type=int, default=MAX_BATCH_ROWS, help="renglones por lote")
    serve.add_argument("--ssl-certfile", help="certificado TLS (PEM); sin él, HTTP simple")
    serve.add_argument("--ssl-keyfile", help="llave privada TLS (PEM)")
    serve.add_argument(
        "--workers", type=int, default=1, help="procesos que atienden (uno por núcleo)"
    )
    serve.add_argument(
        "--pool-size",
        type=int,
        default=5,
        help="conexiones a la base por proceso: hasta 3×, que se conservan abiertas",
    )

    token = commands.add_parser("token", help="tokens de los escritorios")
    actions = token.add_subparsers(dest="token_command", metavar="acción", required=True)
    create = actions.add_parser("create", help="emite un token para un escritorio de una empresa")
    database(create)
    create.add_argument("--empresa", help="RFC de la empresa (obligatorio salvo con --admin)")
    create.add_argument("--nombre", required=True, help="nombre del escritorio")
    create.add_argument(
        "--admin",
        action="store_true",
        help="token de administrador del servidor: publica el instalador por HTTP",
    )
    listing = actions.add_parser("list", help="lista los tokens (nunca el token mismo)")
    database(listing)
    revoke = actions.add_parser("revoke", help="revoca un token por su número")
    database(revoke)
    revoke.add_argument("id", type=int)
    revoke.add_argument("--admin", action="store_true", help="el número es de un token --admin")

    instalador = commands.add_parser(
        "instalador", help="el instalador de icsoe-desktop que se ofrece a los escritorios"
    )
    acciones_inst = instalador.add_subparsers(
        dest="instalador_command", metavar="acción", required=True
    )
    publicar = acciones_inst.add_parser(
        "publicar",
        help="publica ARCHIVO (icsoe-desktop-X.Y.Z-instalador.exe): los escritorios con una "
        "versión anterior ofrecen instalarlo",
    )
    database(publicar)
    publicar.add_argument("archivo", metavar="ARCHIVO")
    publicar.add_argument(
        "--version", help="versión del instalador (por omisión, la de su nombre de archivo)"
    )
    estado_inst = acciones_inst.add_parser("estado", help="muestra el instalador publicado")
    database(estado_inst)

    esquema = commands.add_parser(
        "esquema", help="esquema de las empresas (el más reciente que anunció un escritorio)"
    )
    acciones = esquema.add_subparsers(dest="esquema_command", metavar="acción", required=True)
    show = acciones.add_parser("show", help="muestra el esquema de cada empresa (o de una)")
    database(show)
    show.add_argument("--empresa", help="RFC de la empresa")
    reset = acciones.add_parser(
        "reset", help="olvida el esquema de una empresa: el próximo escritorio lo fija de nuevo"
    )
    database(reset)
    reset.add_argument("--empresa", required=True, help="RFC de la empresa")
    sepomex = commands.add_parser(
        "sepomex",
        help="catálogo de códigos postales de SEPOMEX que reciben los escritorios de cada empresa",
    )
    acciones_cp = sepomex.add_subparsers(dest="sepomex_command", metavar="acción", required=True)
    cargar = acciones_cp.add_parser(
        "cargar", help="carga el catálogo oficial (CPdescarga.txt o .zip) para las empresas"
    )
    database(cargar)
    cargar.add_argument("archivo", metavar="ARCHIVO")
    cargar.add_argument(
        "--empresa",
        action="append",
        metavar="RFC",
        help="sólo para esta empresa (se puede repetir); sin ella, para todas las del servidor",
    )
    cargar.add_argument(
        "--parcial",
        action="store_true",
        help="acepta un archivo con menos colonias o entidades que el catálogo que tenían",
    )
    estado_cp = acciones_cp.add_parser("estado", help="qué catálogo tiene cada empresa")
    database(estado_cp)
    estado_cp.add_argument("--empresa", action="append", metavar="RFC", help="RFC de la empresa")
    from icsoe_desktop.sync_server import inhabiles

    inhabiles.agregar_parser(commands, database)
    from icsoe_desktop.sync_server import certificados_sat

    certificados_sat.agregar_parser(commands, database)
    for name, what in (
        (
            "verificar",
            "compara las sumas de la verificación con los renglones (tras un cambio con SQL o "
            "una restauración) y lista las claves guardadas dos veces",
        ),
        ("reparar", "rehace las sumas de la verificación a partir de los renglones"),
    ):
        sums = commands.add_parser(name, help=what)
        database(sums)
        sums.add_argument("--empresa", metavar="RFC", help="sólo esta empresa")
    _respaldo_parsers(commands, database)
    return parser


def _respaldo_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    database: Callable[[argparse.ArgumentParser], None],
) -> None:
    llave = commands.add_parser(
        "llave-respaldo",
        help="crea la llave de los respaldos cifrados en ARCHIVO (guárdala fuera del servidor)",
    )
    llave.add_argument("archivo", metavar="ARCHIVO")
    for name, what in (
        (
            "respaldar",
            "escribe en ARCHIVO un respaldo de la base (pg_dump) cifrado con la llave",
        ),
        (
            "restaurar",
            "restaura en la base (vacía) el respaldo cifrado ARCHIVO (pg_restore), tras "
            "comprobarlo entero con la llave",
        ),
    ):
        sub = commands.add_parser(name, help=what)
        database(sub)
        sub.add_argument(
            "--llave",
            default=os.environ.get(LLAVE_RESPALDO_ENV),
            metavar="LLAVE",
            help=f"el archivo de la llave (llave-respaldo); o {LLAVE_RESPALDO_ENV}",
        )
        sub.add_argument(
            "--pg-bin", metavar="CARPETA", help="carpeta de pg_dump y pg_restore (si no, el PATH)"
        )
        sub.add_argument("archivo", metavar="ARCHIVO")
        if name == "restaurar":
            sub.add_argument(
                "--reemplazar",
                action="store_true",
                help="pone el respaldo en lugar de las tablas que ya tenga la base",
            )


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit(f"--listen debe ser HOST:PUERTO, no {value!r}")
    return host.strip("[]"), int(port)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "llave-respaldo":
        return _llave_respaldo(args)
    if not args.database_url:
        print(f"Falta --database-url (o {DATABASE_URL_ENV}).", file=sys.stderr)
        return 2
    from icsoe_desktop.sync_server import db

    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    engine = db.make_engine(args.database_url)
    try:
        if args.command in SIN_MIGRAR_ANTES:
            return _respaldo(args, engine)
        db.upgrade(engine)
        return _run(args, engine)
    finally:
        engine.dispose()


def _llave_respaldo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from icsoe_desktop.sync_server.respaldo_cifrado import llave_nueva

    try:
        llave = llave_nueva(Path(args.archivo))
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(
        f"Llave de respaldo creada en {args.archivo} (huella {llave.huella}). Guárdala fuera del "
        "servidor y de sus respaldos (una memoria USB en resguardo, el gestor de contraseñas de "
        "TI): sin ella ningún respaldo cifrado se puede restaurar."
    )
    return 0


def _respaldo(args: argparse.Namespace, engine: Engine) -> int:
    """``respaldar`` / ``restaurar`` (sync_server/respaldo.py)."""
    from pathlib import Path

    from icsoe_desktop.sync_server import db, respaldo
    from icsoe_desktop.sync_server.respaldo_cifrado import huella_sha256, leer_llave

    if not args.llave:
        print(f"Falta --llave ARCHIVO (o {LLAVE_RESPALDO_ENV}).", file=sys.stderr)
        return 2
    archivo = Path(args.archivo)
    pg_bin = Path(args.pg_bin) if args.pg_bin else None
    try:
        llave = leer_llave(Path(args.llave))
        if args.command == "respaldar":
            respaldo.respaldar(args.database_url, llave, archivo, pg_bin)
            print(
                f"Respaldo cifrado guardado en {archivo} ({archivo.stat().st_size:,} bytes, "
                f"SHA-256 {huella_sha256(archivo)}), con la llave de huella {llave.huella}."
            )
            return 0
        respaldo.restaurar(engine, args.database_url, llave, archivo, pg_bin, args.reemplazar)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    db.upgrade(engine)  # a dump of an earlier version: brought to this one's schema
    print(
        f"Respaldo {archivo} restaurado. Corre «python -m icsoe_desktop.sync_server verificar» "
        "y vuelve a dar permisos a los usuarios de PostgreSQL que lean la base (el respaldo "
        "no los trae)."
    )
    return 0


def _run(args: argparse.Namespace, engine: Engine) -> int:
    from icsoe_desktop.sync_server import db

    if args.command == "serve":
        import uvicorn

        host, port = _listen(args.listen)
        if not 1 <= args.workers <= 64 or not 1 <= args.pool_size <= 100:
            print("--workers va de 1 a 64 y --pool-size de 1 a 100.", file=sys.stderr)
            return 2
        # Each worker process builds its own app (and engine) from these: uvicorn runs several
        # workers only from an import string, never from an app object.
        os.environ.update(
            {
                DATABASE_URL_ENV: args.database_url,
                MAX_BODY_ENV: str(args.max_body),
                MAX_ROWS_ENV: str(args.max_rows),
                POOL_SIZE_ENV: str(args.pool_size),
            }
        )
        engine.dispose()  # migrated; the workers open their own connections
        uvicorn.run(
            "icsoe_desktop.sync_server.app:app_from_env",
            factory=True,
            workers=args.workers,
            host=host,
            port=port,
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
            log_level="info",
            # An idle kept-alive connection closed after this long (uvicorn's default, 5 s, is
            # shorter than a desktop's pause between two requests of one sync, and a request
            # sent as the server closes its connection fails).
            timeout_keep_alive=KEEP_ALIVE_S,
        )
        return 0
    if args.command == "esquema":
        return _esquema(args, engine)
    if args.command == "sepomex":
        return _sepomex(args, engine)
    if args.command == "instalador":
        return _instalador(args, engine)
    if args.command == "inhabiles":
        from icsoe_desktop.sync_server import inhabiles

        return inhabiles.ejecutar(args, engine)
    if args.command == "certificados-sat":
        from icsoe_desktop.sync_server import certificados_sat

        return certificados_sat.ejecutar(args, engine)
    if args.command in ("verificar", "reparar"):
        return _sumas(args, engine)
    if args.token_command == "create":
        if args.admin == bool(args.empresa):
            print(
                "Indica --empresa RFC (token de escritorio) o --admin, no ambos.", file=sys.stderr
            )
            return 2
        try:
            if args.admin:
                issued = db.create_admin_token(engine, args.nombre)
            else:
                issued = db.create_token(engine, args.empresa, args.nombre)
        except DomainError as exc:
            print(exc.message, file=sys.stderr)
            return 2
        para = "administrador del servidor" if args.admin else issued.empresa
        print(f"Token {issued.id} para {issued.nombre} ({para}). Se muestra sólo esta vez:")
        print(issued.token)
        return 0
    if args.token_command == "list":
        for token_id, rfc, nombre, revoked in db.list_tokens(engine):
            print(f"{token_id}\t{rfc}\t{nombre}\t{'revocado' if revoked else 'activo'}")
        for token_id, nombre, revoked in db.list_admin_tokens(engine):
            estado = "revocado" if revoked else "activo"
            print(f"{token_id}\t(administrador, --admin)\t{nombre}\t{estado}")
        return 0
    revoke = db.revoke_admin_token if args.admin else db.revoke_token
    if not revoke(engine, args.id):
        print(f"No existe el token {args.id}.", file=sys.stderr)
        return 2
    print(f"Token {args.id} revocado.")
    return 0


def _instalador(args: argparse.Namespace, engine: Engine) -> int:
    from pathlib import Path

    from icsoe_desktop.domain import versiones
    from icsoe_desktop.sync_server import instalador

    if args.instalador_command == "publicar":
        path = Path(args.archivo)
        version = args.version or versiones.de_nombre_de_instalador(path.name)
        if not version:
            print(
                f"No se sabe la versión de {path.name}: indícala con --version X.Y.Z.",
                file=sys.stderr,
            )
            return 2
        try:
            with path.open("rb") as archivo:
                firmado = instalador.trae_firma(archivo)
                publicado = instalador.publicar(engine, archivo, version, path.name)
        except OSError as exc:
            print(f"No se pudo leer {path}: {motivo_os(exc)}.", file=sys.stderr)
            return 2
        except DomainError as exc:
            print(exc.message, file=sys.stderr)
            return 2
        print(
            f"Publicado {publicado.nombre}: versión {publicado.version}, "
            f"{publicado.tamano:,} bytes, SHA-256 {publicado.sha256}. Los escritorios con una "
            "versión anterior lo ofrecerán en su próxima sincronización."
        )
        if not firmado:
            print(
                f"Aviso: {publicado.nombre} no está firmado (Authenticode). Cada escritorio lo "
                "descargará y lo rechazará sin ejecutarlo: publica el instalador firmado por el "
                "editor de icsoe-desktop o por el certificado de la empresa.",
                file=sys.stderr,
            )
        return 0
    vigente = instalador.vigente(engine)
    if vigente is None:
        print("No hay un instalador publicado.")
        return 1
    print(
        f"{vigente.nombre}: versión {vigente.version}, {vigente.tamano:,} bytes, "
        f"SHA-256 {vigente.sha256}, publicado el {vigente.publicado_el:%Y-%m-%d %H:%M} UTC."
    )
    return 0


def _sumas(args: argparse.Namespace, engine: Engine) -> int:
    """``verificar``: exit status 1 when the sums differ from the rows (``reparar`` fixes
    them) or a key is held twice; ``reparar``: the sums made again, saying what differed.
    Both list the keys held twice (``duplicados``), which neither merges."""
    from icsoe_desktop.sync_server import duplicados

    found = _sumas_guardadas(args, engine)
    if found < 0:
        return 2
    dobles = duplicados.hallar(engine, args.empresa)
    for doble in dobles:
        print(doble.texto())
    if dobles:
        print(
            f"{plural(len(dobles), 'clave')} con dos renglones o más, guardados antes de que el servidor "
            "rechazara el segundo: los conserva y no los une (la guía de administración dice "
            "qué hacer)."
        )
    return 1 if (found or dobles) and args.command == "verificar" else 0


def _sumas_guardadas(args: argparse.Namespace, engine: Engine) -> int:
    """The sums checked or made again, what differed printed: how many differences (-1: no
    such company)."""
    from icsoe_desktop.sync_server import sumas

    if engine.dialect.name != "postgresql":
        print("Con SQLite el servidor suma los renglones en cada consulta: no guarda sumas.")
        return 0
    if args.empresa and not _empresa_existe(engine, args.empresa):
        print(f"No existe la empresa {args.empresa}.", file=sys.stderr)
        return -1
    reparar = args.command == "reparar"
    found = (sumas.reparar if reparar else sumas.verificar)(engine, args.empresa)
    for diferencia in found:
        print(diferencia.texto())
    if not found:
        print("Las sumas de la verificación coinciden con los renglones.")
    elif reparar:
        print(
            f"Sumas rehechas a partir de los renglones ({plural(len(found), 'diferencia')} arriba): cada "
            "escritorio vuelve a comparar en su siguiente sincronización."
        )
    else:
        print(
            f"{plural(len(found), 'diferencia')} entre las sumas y los renglones: corre "
            "«python -m icsoe_desktop.sync_server reparar»."
        )
    return len(found)


def _empresa_existe(engine: Engine, rfc: str) -> bool:
    from icsoe_desktop.sync_server import esquemas

    return bool(esquemas.listar(engine, rfc))


def _esquema(args: argparse.Namespace, engine: Engine) -> int:
    from icsoe_desktop.sync_server import esquemas

    if args.esquema_command == "show":
        empresas = esquemas.listar(engine, args.empresa)
        if args.empresa and not empresas:
            print(f"No existe la empresa {args.empresa}.", file=sys.stderr)
            return 2
        print(f"Esquema del servidor: {esquemas.HEAD}")
        for empresa in empresas:
            print(f"{empresa.rfc}\t{empresa.esquema or '-'}\t{empresa.situacion}")
        return 0
    antes = esquemas.restablecer(engine, args.empresa)
    if antes is None:
        print(f"No existe la empresa {args.empresa}.", file=sys.stderr)
        return 2
    print(
        f"Esquema de {antes.rfc} restablecido (era {antes.esquema or 'ninguno'}): el próximo "
        "escritorio que sincronice lo fija de nuevo."
    )
    return 0


def _sepomex(args: argparse.Namespace, engine: Engine) -> int:
    from pathlib import Path

    from icsoe_desktop.domain.clock import texto_del_centro
    from icsoe_desktop.sync_server import sepomex

    try:
        if args.sepomex_command == "cargar":
            publicado, rfcs = sepomex.cargar(engine, Path(args.archivo), args.empresa, args.parcial)
            print(
                f"Catálogo de códigos postales cargado en el servidor: "
                f"{plural(publicado.codigos_postales, 'código postal', 'códigos postales')}, para {', '.join(rfcs)}. Cada "
                "escritorio de esas empresas lo recibe en su siguiente sincronización."
            )
            return 0
        estados = sepomex.estados(engine, args.empresa)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    for estado in estados:
        if estado.version is None:
            print(f"{estado.rfc}\tsin catálogo de códigos postales")
            continue
        print(
            f"{estado.rfc}\t{plural(estado.codigos_postales, 'código postal', 'códigos postales')}\t"
            f"cargado el {texto_del_centro(estado.version.fecha)} en {estado.de}\t"
            f"{estado.origen}\t{estado.version.huella[:12]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
