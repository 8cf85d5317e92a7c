"""Who may enter and what they may do: IDSE accounts, sign-in with its lock, one-use codes and their guesses, and the role matrix enforced (permisos)."""
