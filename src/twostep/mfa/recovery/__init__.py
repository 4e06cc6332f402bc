"""Recovery codes (a set issued with each authenticator app, used in place of a code, regenerated), and turning
MFA off or support's reset of it."""
