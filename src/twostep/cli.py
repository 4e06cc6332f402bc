"""The ``twostep`` command: Django's management commands with twostep's settings.

``twostep serve`` runs gunicorn; ``twostep mfa-reset`` and other dashed names map to the
underscored management commands (``mfa_reset``). A configuration error (a missing or malformed
environment variable, a password hasher other than Argon2 in production) ends the command with one line per
problem, naming the variable or setting, and exit status 2.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twostep.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 — reads (and checks) the environment now
        django.setup()  # and the apps' own start-up checks (the production profile's password hasher)
    except ImproperlyConfigured as exc:
        for line in str(exc).splitlines():  # one line per variable
            sys.stderr.write(f"twostep: configuration error: {line}\n")
        raise SystemExit(2) from None
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
