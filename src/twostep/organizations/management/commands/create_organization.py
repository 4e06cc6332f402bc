"""``twostep create-organization --name NAME --slug SLUG --admin-email EMAIL``: the first organization and
its admin, for operators (the admin site cannot add users with a password)."""

import smtplib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email, validate_slug

from twostep.clock import now as clock_now
from twostep.errors import ServiceError
from twostep.organizations import conf
from twostep.organizations.founding import SlugTakenError, create_organization
from twostep.organizations.models import Membership

OPERATOR = "operator (command line)"


class Command(BaseCommand):
    help = ("Create an organization and its first admin: an existing user becomes admin at once; a new address "
            "gets an admin invitation by e-mail (they choose a password through its link).")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help='the organization\'s name, e.g. "Acme Calibration"')
        parser.add_argument("--slug", required=True, help="its short name in URLs (/orgs/SLUG/), e.g. acme")
        parser.add_argument("--admin-email", required=True, help="the first admin's e-mail address")

    def handle(self, *args, name: str, slug: str, admin_email: str, **options):
        name, slug, admin_email = name.strip(), slug.strip(), admin_email.strip()
        self.validate(name, slug, admin_email)
        try:
            admin = create_organization(name=name, slug=slug, admin_email=admin_email, actor=OPERATOR,
                                        now=clock_now())
        except SlugTakenError as exc:
            raise CommandError(f"{exc.message} ({slug!r}); choose another --slug.") from None
        except ServiceError as exc:  # the address: refused, or it looks like an account's
            raise CommandError(f"--admin-email: {exc.message}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise CommandError(f"The invitation e-mail could not be sent ({type(exc).__name__}: {exc}); nothing "
                               "was saved. Check the EMAIL_* settings and try again.") from None
        if isinstance(admin, Membership):
            self.stdout.write(f"Created {name} (/orgs/{slug}/) with {admin.user.email} as admin.")
        else:
            self.stdout.write(f"Created {name} (/orgs/{slug}/) and e-mailed an admin invitation to {admin.email}; "
                              f"its link works once, for {conf.invitation_lifetime()}.")

    @staticmethod
    def validate(name: str, slug: str, admin_email: str) -> None:
        if not name or len(name) > 200:
            raise CommandError("--name must be 1 to 200 characters.")
        for value, validator, problem in (
                (slug, validate_slug, "--slug must be letters, digits, - and _ (e.g. acme)"),
                (admin_email, validate_email, "--admin-email must be an e-mail address")):
            try:
                validator(value)
            except ValidationError:
                raise CommandError(f"{problem}, not {value!r}.") from None
        if len(slug) > 100:
            raise CommandError("--slug must be at most 100 characters.")
