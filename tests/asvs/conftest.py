"""The ASVS tests use the MFA tests' member of an organization that requires MFA, and their recovery codes."""

from tests.mfa.conftest import codes, member  # noqa: F401  (fixtures)
