"""The base of twostep's use-case errors (standard library only, importable by every app)."""


class ServiceError(Exception):
    """A use case refused: ``code`` is stable (forms, any JSON API, tests), ``message`` is for people.

    Subclasses set both as class attributes; ``ServiceError(message)`` overrides the message once.
    """

    code = "error"
    message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
