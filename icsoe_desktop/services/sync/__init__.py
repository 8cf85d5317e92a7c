"""Optional sync with the company's server: the client (servicio) and its steps, encode the pending changes, decode, decide and apply pulled rows, and the drift check."""
