"""One worker for the heavy jobs: the app's own executable started again with a hidden first
argument, the store's key handed on its standard input, paused and stopped through that input,
its progress and result read from its output. Each job registers by name from its own module
(``registro.registrar``); the worker imports no job (services/trabajos_aparte.py names them)."""
