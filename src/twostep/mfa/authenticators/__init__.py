"""Authenticators (TOTP apps today, passkeys later): verifying a code, enrolling one (with its session binding,
QR code and sealed secret), and the Security page that lists and removes them."""
