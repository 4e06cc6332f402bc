"""The mailbox proof before a first QR code (``services``): at sign-in (``mfa:setup_mailbox``), while
signed in (``mfa:enroll_mailbox``), and before an account without MFA changes its address
(``mfa:account_mailbox``). GET mails a code when this session has none yet; POST takes the code
(``action=code``), a temporary access pass (``action=access_pass``) or asks for a new code (``action=resend``,
at most one a minute: HTTP 429 with ``Retry-After`` past the limits). The code and the pass share the back-off
of every second factor of the user (``lockout``): during a wait neither is checked (HTTP 429 with
``Retry-After``); a lock refuses the page (HTTP 403) until support resets MFA."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from twostep.accounts.backoff import describe_wait
from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import lockout, refusals
from twostep.mfa.authenticators.forms import CodeForm
from twostep.mfa.errors import LockedError, MfaError, ThrottledError
from twostep.mfa.mailbox import access_passes, services
from twostep.mfa.mailbox.forms import AccessPassForm
from twostep.mfa.signin import journey, pending
from twostep.mfa.stepup.services import step_up_required

guarded = [never_cache, csrf_protect, sensitive_post_parameters("code", "access_pass")]


class MailboxProofView(View):
    template_name = "mfa/mailbox.html"
    purpose = "Before you set up your app"
    proven_message = "Thank you: your e-mail address is confirmed. Now set up your app."
    allows_access_pass = True  # a pass leads only to enrollment

    def subject(self, request):
        """``(user, None)`` for whom this session proves the mailbox, else ``(None, response)``."""
        raise NotImplementedError

    def continue_url(self, request) -> str:
        raise NotImplementedError

    def get(self, request):
        user, elsewhere = self.subject(request)
        if user is None:
            return elsewhere
        if services.may_show_setup(request, user, now=clock_now()):
            return redirect(self.continue_url(request))
        lock = lockout.status_for(user, now=clock_now())
        if lock.locked:  # no code would be checked: none is mailed
            return self.locked(request, user)
        if services.challenge(request, user) is None:
            try:
                services.send_mailbox_code(request, user, now=clock_now())
            except services.MailboxSendLimitedError as exc:
                messages.warning(request, exc.message)
        wait = describe_wait(lock.retry_after) if lock.retry_after else ""
        return self.render(request, user, CodeForm(), AccessPassForm(), wait=wait)

    def post(self, request):
        user, elsewhere = self.subject(request)
        if user is None:
            return elsewhere
        if lockout.status_for(user, now=clock_now()).locked:
            return self.locked(request, user)
        action = request.POST.get("action")
        if action == "resend":
            return self.resend(request, user)
        if action == "access_pass" and self.allows_access_pass:
            return self.access_pass(request, user)
        return self.code(request, user)

    def resend(self, request, user):
        try:
            services.send_mailbox_code(request, user, now=clock_now())
        except services.MailboxSendLimitedError as exc:
            context = self.context(request, user, CodeForm(), AccessPassForm(), refusal=exc)
            return refusals.throttled(request, self.template_name, context, services.RESEND_AFTER)
        messages.info(request, f"A new code is on its way to {user.email}.")
        return redirect(request.get_full_path())

    def code(self, request, user):
        form, wait = CodeForm(request.POST, digits=6), 0
        if form.is_valid():
            try:
                services.verify_mailbox_code(request, user, form.cleaned_data["code"], now=clock_now())
            except (ThrottledError, LockedError) as exc:
                return self.refused(request, user, exc, form, AccessPassForm())
            except MfaError as exc:
                refusals.form_error(form, "code", exc)
                wait = exc.retry_after  # a wrong code that began a wait says so
            else:
                messages.success(request, self.proven_message)
                return redirect(self.continue_url(request))
        return self.render(request, user, form, AccessPassForm(), status=400, wait=describe_wait(wait) if wait else "")

    def access_pass(self, request, user):
        form, wait = AccessPassForm(request.POST), 0
        if form.is_valid():
            try:
                access_passes.use_access_pass(request, user, form.cleaned_data["access_pass"], now=clock_now())
            except (ThrottledError, LockedError) as exc:
                return self.refused(request, user, exc, CodeForm(), form, pass_open=True)
            except MfaError as exc:
                refusals.form_error(form, "access_pass", exc)
                wait = exc.retry_after
            else:
                messages.success(request, "Your temporary access pass is accepted. Now set up your app.")
                return redirect(self.continue_url(request))
        return self.render(request, user, CodeForm(), form, status=400, pass_open=True,
                           wait=describe_wait(wait) if wait else "")

    def refused(self, request, user, exc, form, pass_form, **extra):
        """Nothing was checked: 429 with ``Retry-After`` during a wait, the locked page (403) when locked."""
        if isinstance(exc, LockedError):
            return self.locked(request, user)
        context = self.context(request, user, form, pass_form, wait=describe_wait(exc.retry_after), **extra)
        return refusals.throttled(request, self.template_name, context, exc.retry_after)

    def locked(self, request, user):
        return refusals.locked(request, user=user, pending=isinstance(self, SetupMailboxView))

    def context(self, request, user, form, pass_form, **extra) -> dict:
        current = services.challenge(request, user)
        return {"mailbox_user": user, "form": form, "pass_form": pass_form, "challenge": current,
                "code_until": as_datetime(current.expires_at) if current else None,
                "in_signin": isinstance(self, SetupMailboxView), "purpose": self.purpose,
                "allows_access_pass": self.allows_access_pass, **extra}

    def render(self, request, user, form, pass_form, *, status: int = 200, **extra):
        return render(request, self.template_name, self.context(request, user, form, pass_form, **extra),
                      status=status)


@method_decorator(guarded, name="dispatch")
class SetupMailboxView(MailboxProofView):
    """At sign-in, between the password and the QR code of a first authenticator."""

    def subject(self, request):
        state = pending.current(request, now=clock_now())
        if state is None or state.stage != pending.SETUP:
            return None, redirect("mfa:signin")
        return state.user, None

    def continue_url(self, request) -> str:
        return resolve_url("mfa:setup")


@method_decorator([*guarded, step_up_required], name="dispatch")
class EnrollMailboxView(MailboxProofView):
    """Signed in, before the QR code of a voluntary first authenticator (a grace period)."""

    def subject(self, request):
        return request.user, None

    def continue_url(self, request) -> str:
        next_url = journey.safe_next(request, request.POST.get("next") or request.GET.get("next"))
        return resolve_url("mfa:enroll") + (f"?{urlencode({'next': next_url})}" if next_url else "")


@method_decorator([*guarded, step_up_required], name="dispatch")
class AccountMailboxView(MailboxProofView):
    """Signed in without MFA, before changing the e-mail address: the current address proves it is yours."""

    purpose = "Before you change your e-mail address"
    proven_message = "Thank you: your current e-mail address is confirmed. Now enter the new one."
    allows_access_pass = False

    def subject(self, request):
        return request.user, None

    def continue_url(self, request) -> str:
        return resolve_url("mfa:change_email")
