"""Alembic environment of the sync server (separate from the desktop store's)."""

from alembic import context

from icsoe_desktop.sync_server.models import ServerBase

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` CLI use by a maintainer: -x url=postgresql+psycopg://...
    from sqlalchemy import create_engine

    url = context.get_x_argument(as_dictionary=True)["url"]
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
