"""The ``twostep`` command: Django's management commands with twostep's settings.

``twostep serve`` runs gunicorn; ``twostep mfa-reset`` and other dashed names map to the
underscored management commands (``mfa_reset``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twostep.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
