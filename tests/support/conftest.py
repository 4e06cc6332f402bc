"""Support staff and a member for the support console's tests."""

import pytest
from django.contrib.auth.models import Permission

from tests.signin_helpers import enroll_with_codes


@pytest.fixture
def grant_support():
    def grant(user):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
        return user

    return grant


@pytest.fixture
def support_user(clock, make_user, grant_support):
    user = grant_support(make_user("support@twostep.example", name="Sam Support", is_staff=True))
    enroll_with_codes(user, now=clock.now - 120)
    return user


@pytest.fixture
def acme(make_org, require_mfa):
    organization = make_org("Acme Calibration", slug="acme")
    require_mfa(organization)
    return organization


@pytest.fixture
def member(clock, make_user, make_org, acme):
    from twostep.organizations.models import Membership

    user = make_user("member@acme.example", name="Max Member")
    Membership.objects.create(user=user, organization=acme)
    make_org("Northwind Labs", slug="northwind", members=[user])
    enroll_with_codes(user, now=clock.now - 60)
    return user
