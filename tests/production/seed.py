"""Seeds a deployment for the two-server test: ``python -m tests.production.seed`` with the deployment's
environment and ``{"email": ..., "password": ...}`` on stdin.

Creates the member of an organization that requires MFA (``slug`` and ``name`` when given, else Acme
Calibration), with an authenticator enrolled one minute ago, and prints the authenticator's base32 secret (the
test's stand-in for the phone).
"""

import json
import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twostep.settings")
    django.setup()
    from twostep import otp
    from twostep.accounts.models import User
    from twostep.clock import as_datetime
    from twostep.mfa.authenticators import enrollment as enrollments
    from twostep.mfa.rollout.services import set_require_mfa
    from twostep.organizations.models import Membership, Organization

    given = json.load(sys.stdin)
    user = User.objects.create_user(given["email"], given["password"], name="Max Member")
    organization = Organization.objects.create(name=given.get("name", "Acme Calibration"),
                                               slug=given.get("slug", "acme"))
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.MEMBER)
    enrolled_at = int(time.time()) - 60
    set_require_mfa(organization, required=True, actor=None, moment=as_datetime(enrolled_at))
    enrollment = enrollments.start_enrollment(user, binding="fixture", now=enrolled_at)
    enrollments.confirm_enrollment(user, otp.totp(enrollment.secret, now=enrolled_at), binding="fixture",
                                   now=enrolled_at)
    print(otp.b32encode(enrollment.secret))


if __name__ == "__main__":
    main()
