"""Reference sync server: an HTTP JSON API (Starlette on uvicorn) over SQLAlchemy, on PostgreSQL
(psycopg 3) or SQLite for a single office. Installed with the ``[server]`` extra.

Start: ``python -m icsoe_desktop.sync_server serve --database-url URL --listen HOST:PORT``.
"""

# Settings ``serve`` passes to each uvicorn worker process (and the database URL's variable).
DATABASE_URL_ENV = "ICSOE_SYNC_DATABASE_URL"
MAX_BODY_ENV = "ICSOE_SYNC_MAX_BODY"
MAX_ROWS_ENV = "ICSOE_SYNC_MAX_ROWS"
POOL_SIZE_ENV = "ICSOE_SYNC_POOL_SIZE"
