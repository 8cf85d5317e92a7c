"""Pieces every window shares: the change notifier (``notificador``), background operations with
callbacks (``operaciones``), and small widgets (password fields, file pickers)."""
