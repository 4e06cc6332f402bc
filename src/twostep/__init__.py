"""twostep — account portal with organization-enforced TOTP multi-factor authentication."""

__version__ = "0.1.0"
