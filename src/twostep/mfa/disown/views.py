"""*This wasn't me*: the link of the "MFA was set up" notice, open to anyone who has it (the owner may be
locked out of their own account).

The link (``/mfa/not-me/<signed token>/``) only puts the token into the session and redirects to
``/mfa/not-me/``, so the token does not linger in the address bar or a ``Referer`` header and no page
(nor Django's log line about a 4xx answer) ever carries it. GET there shows what the link will do and
changes nothing; the POST does it. Every page sends ``Referrer-Policy: strict-origin`` and is never cached.
"""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from twostep.accounts.headers import private_page
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.disown import links, services
from twostep.mfa.models import Authenticator

SESSION_KEY = "twostep_disown"


@private_page
@require_safe
def open_link(request, token: str):
    request.session[SESSION_KEY] = token
    return redirect("mfa:disown")


def _refused(request, error: links.DisownLinkError):
    request.session.pop(SESSION_KEY, None)
    return render(request, "mfa/disown_invalid.html", {"error": error,
                                                       "support_contact": app_settings().support_contact},
                  status=error.status)


@method_decorator([private_page, csrf_protect], name="dispatch")
class DisownView(View):
    """GET: what following the link does (nothing changes yet); POST: do it."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.link = links.find_link(request.session.get(SESSION_KEY, ""))
            links.check_open(self.link, now=clock_now())
        except links.DisownLinkError as exc:
            return _refused(request, exc)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        still_set_up = (self.link.authenticator_id is not None and Authenticator.objects.filter(
            pk=self.link.authenticator_id, confirmed_at__isnull=False).exists())
        return render(request, "mfa/disown_confirm.html", {"link": self.link, "still_set_up": still_set_up})

    def post(self, request):
        try:
            outcome = services.disown_authenticator(self.link, now=clock_now(), request=request)
        except links.DisownLinkError as exc:
            return _refused(request, exc)
        request.session.pop(SESSION_KEY, None)
        if request.user.is_authenticated and request.user.pk == self.link.user_id:
            logout(request)  # its sessions ended: this page should not show it signed in
        return render(request, "mfa/disown_done.html", {"link": self.link, "outcome": outcome,
                                                        "support_contact": app_settings().support_contact})
