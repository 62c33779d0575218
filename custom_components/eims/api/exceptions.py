"""The EIMS client's exception tree: one class per kind of failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import SendResult


class EimsError(Exception):
    """Base of every error raised by the EIMS client."""


class EimsConnectionError(EimsError):
    """The gateway could not be reached or the transfer broke off."""


class EimsCannotConnectError(EimsConnectionError):
    """No connection could be made, so nothing was sent: the only error safe to retry."""


class EimsTimeoutError(EimsConnectionError):
    """The gateway did not answer within the request timeout."""


class EimsHttpError(EimsConnectionError):
    """The gateway answered with an HTTP status other than 2xx."""

    def __init__(self, http_status: int, path: str) -> None:
        """Keep the HTTP status; the message names only the path, never the URL."""
        super().__init__(f"HTTP {http_status} from {path}")
        self.http_status = http_status


class EimsResponseError(EimsError):
    """The gateway's reply is not what the API describes."""


class EimsValidationError(EimsError, ValueError):
    """A value was refused before anything was sent."""

    def __init__(self, field: str, reason: str, value: Any = None) -> None:
        """Keep the snake_case field and reason keys for translations."""
        text = f"{field}: {reason}"
        if value is not None:
            text = f"{text} ({value!r})"
        super().__init__(text)
        self.field = field
        self.reason = reason
        self.value = value


class EimsPartialSendError(EimsError):
    """
    A send failed after the gateway had accepted its earlier requests.

    `accepted` holds what went out (those numbers have ids and will be charged); `cause`,
    also the exception's `__cause__`, is the error of the request that failed.
    """

    def __init__(self, accepted: SendResult, cause: EimsError) -> None:
        """Keep what was accepted and the failure that ended the send."""
        super().__init__(
            f"{accepted.success} numbers accepted in {accepted.requests} requests"
            f" before {type(cause).__name__}: {cause}"
        )
        self.accepted = accepted
        self.cause = cause
        self.__cause__ = cause


class EimsStatusError(EimsError):
    """The gateway answered with a non-zero status."""

    def __init__(self, status: int, reason: str, description: str) -> None:
        """Keep the raw status and its snake_case reason key."""
        super().__init__(f"{description} (status {status})")
        self.status = status
        self.reason = reason


class EimsAuthError(EimsStatusError):
    """The account or password was refused (-1)."""


class EimsIpLimitedError(EimsStatusError):
    """The account may not be used from this address (-2)."""


class EimsContentError(EimsStatusError):
    """The message text was refused (-3 to -6)."""


class EimsNumberError(EimsStatusError):
    """The receiving numbers were refused (-7 to -9)."""


class EimsBalanceError(EimsStatusError):
    """The balance does not cover the sending (-10)."""


class EimsTimeError(EimsStatusError):
    """The scheduled time was refused (-11)."""


class EimsPlatformError(EimsStatusError):
    """The platform failed to take the batch (-12)."""


class EimsLockedError(EimsStatusError):
    """The account is locked (-13)."""


class EimsJobError(EimsStatusError):
    """The SMS job was refused (-14 to -17)."""


STATUS_ERRORS: dict[int, tuple[type[EimsStatusError], str, str]] = {
    -1: (EimsAuthError, "invalid_auth", "Authentication error"),
    -2: (EimsIpLimitedError, "ip_limited", "IP limited access"),
    -3: (EimsContentError, "sensitive_content", "Content has sensitive words"),
    -4: (EimsContentError, "empty_content", "Content is empty"),
    -5: (EimsContentError, "content_too_long", "Content is too long"),
    -6: (EimsContentError, "not_template", "Not a template SMS"),
    -7: (EimsNumberError, "too_many_numbers", "Too many numbers"),
    -8: (EimsNumberError, "no_numbers", "Number is empty"),
    -9: (EimsNumberError, "invalid_number", "Abnormal number"),
    -10: (EimsBalanceError, "insufficient_balance", "Balance is insufficient"),
    -11: (EimsTimeError, "invalid_time", "The time is wrong"),
    -12: (EimsPlatformError, "platform_error", "Platform batch commit error"),
    -13: (EimsLockedError, "account_locked", "User locked"),
    -14: (EimsJobError, "invalid_number_source", "Abnormal number source"),
    -15: (EimsJobError, "invalid_job_name", "Job name empty or over 64"),
    -16: (EimsJobError, "invalid_job_type", "Abnormal job type"),
    -17: (EimsJobError, "job_error", "Other job error"),
}


def status_error(status: int) -> EimsStatusError:
    """Return the exception for a non-zero gateway status."""
    cls, reason, description = STATUS_ERRORS.get(
        status, (EimsStatusError, "unknown_status", "Unknown status")
    )
    return cls(status, reason, description)
