"""Reference sync server: an HTTP JSON API (Starlette on uvicorn) over SQLAlchemy, on PostgreSQL
(psycopg 3) or SQLite for a single office. Installed with the ``[server]`` extra.

Start: ``python -m icsoe_desktop.sync_server serve --database-url URL --listen HOST:PORT``.
"""
