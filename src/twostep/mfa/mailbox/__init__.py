"""The mailbox proof before a first authenticator: a code mailed to the account's address, an invitation link opened
in this session, or a temporary access pass from support."""
