"""Domain errors: raised by services with a Vietnamese message, turned into HTTP answers
(JSON for the API, a flashed message for pages) at the boundary."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message: str, details: list[dict] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code:
            self.code = code

    def to_json(self) -> dict:
        return {"error": self.code, "message": self.message, "details": self.details}


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
