"""The sign-in: the password, then the pending sign-in's one step (a first setup, or a code or a recovery code), then
signed in; sign-out, how long a session lasts, and the notice of a password used without its code."""
