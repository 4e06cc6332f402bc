"""The URLs of the MFA app, namespace ``mfa`` (``mfa:signin``, ``mfa:security``...): each feature package
has its own, and this module only puts them together. The paths and names are the README's (*Layout*)."""

from twostep.mfa.account import urls as account
from twostep.mfa.authenticators import urls as authenticators
from twostep.mfa.disown import urls as disown
from twostep.mfa.mailbox import urls as mailbox
from twostep.mfa.recovery import urls as recovery
from twostep.mfa.rollout import urls as rollout
from twostep.mfa.signin import urls as signin
from twostep.mfa.stepup import urls as stepup

app_name = "mfa"
urlpatterns = [
    *signin.urlpatterns,
    *mailbox.urlpatterns,
    *authenticators.urlpatterns,
    *recovery.urlpatterns,
    *disown.urlpatterns,
    *stepup.urlpatterns,
    *account.urlpatterns,
    *rollout.urlpatterns,
]
