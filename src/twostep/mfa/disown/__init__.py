"""*This wasn't me*: the link in the "MFA was set up" notice, what following it does (the authenticator goes, the
account is held), the reports to support and the admins, and the holds support lifts."""
