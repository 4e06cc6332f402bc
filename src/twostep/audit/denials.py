"""Refused authorization in the audit trail (OWASP ASVS 16.3.2): every HTTP 403 of an object check writes one
``access.denied`` event — who (the signed-in user, if any), which page (its URL pattern, never the raw path,
which may carry ids and secrets), which organization when the page belongs to one, and the rule that refused.

Views refuse either by raising ``PermissionDenied`` (``AccessDenied`` carries the organization and the rule;
Django's admin site raises the plain one), which ``AccessDeniedMiddleware`` records, or by rendering a 403 page
themselves after ``record_denial``. The row is internal: the visitor's answer is unchanged.
"""

from django.core.exceptions import PermissionDenied

from twostep.audit import events

# The rules that refuse, by their stable code (the detail's ``rule``), as the audit trail shows them.
RULES = {
    "not_organization_admin": "not an admin of this organization",
    "not_staff": "not staff",
    "not_support": "not support staff",
    "own_account": "one's own account",
    "staff_account": "a staff account (only a superuser or an operator)",
    "other_account": "signed in as another address",
    "permission_denied": "no permission",
}


class AccessDenied(PermissionDenied):
    """``PermissionDenied`` (HTTP 403) that names the organization concerned (or None) and the ``rule``."""

    def __init__(self, message: str, *, rule: str, organization=None):
        super().__init__(message)
        self.rule, self.organization = rule, organization


def route_of(request) -> str:
    """The URL pattern of the request's view (``/orgs/<slug:slug>/settings/``), or "" when it resolved none."""
    match = getattr(request, "resolver_match", None)
    return "/" + match.route if match is not None else ""


def record_denial(request, *, rule: str, organization=None, subject=None) -> None:
    """Write one ``access.denied`` event for ``request`` (autocommitted, outside any transaction of the view)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    events.record(events.ACCESS_DENIED, actor=actor, subject=subject, organization=organization, request=request,
                  outcome="failure", path=route_of(request), method=request.method, rule=rule)


class AccessDeniedMiddleware:
    """Records a ``PermissionDenied`` raised by a view; Django then answers 403 as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record_denial(request, rule=getattr(exception, "rule", "permission_denied"),
                          organization=getattr(exception, "organization", None))
        return None
