"""Step-up: the password and a fresh code (or a recovery code) again before a sensitive change."""
