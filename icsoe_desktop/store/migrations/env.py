"""Alembic environment: the app passes its open connection in ``config.attributes``."""

from alembic import context

from icsoe_desktop.store import plain, sumas
from icsoe_desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` CLI use by a maintainer: -x url=sqlite:///file
    from pathlib import Path

    from icsoe_desktop.store.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url")
    if url is None or not url.startswith("sqlite:///"):
        raise SystemExit("Falta -x url=sqlite:///archivo")
    connection = make_engine(Path(url.removeprefix("sqlite:///"))).connect()  # keyed as the app

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    # The sums' triggers of columns synced since their migration (store/sumas.py): written
    # again after an upgrade to head (store/db.py), so that a downgrade may drop the column.
    sumas.drop_added(plain.driver(connection))
    context.run_migrations()
