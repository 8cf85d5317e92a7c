"""Qt only: one module per window or dialog. Windows call services, never SQL or crypto."""
