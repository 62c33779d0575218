"""Status codes of the gateway API and the report codes of failed messages."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """The `status` field of every reply."""

    OK = 0
    AUTH_ERROR = -1
    IP_LIMITED = -2
    SENSITIVE = -3
    CONTENT_EMPTY = -4
    CONTENT_TOO_LONG = -5
    NOT_TEMPLATE = -6
    TOO_MANY = -7
    NUMBERS_EMPTY = -8
    BAD_NUMBER = -9
    NO_BALANCE = -10
    BAD_TIME = -11
    PLATFORM_ERROR = -12
    LOCKED = -13
    BAD_NUMBER_SOURCE = -14
    BAD_JOB_NAME = -15
    BAD_JOB_TYPE = -16
    OTHER = -17


class StatusError(Exception):
    """A request the gateway refuses with a non-zero status."""

    def __init__(self, status: Status) -> None:
        """Carry the status to answer with."""
        super().__init__(status.name)
        self.status = status


REPORT_REASONS: dict[int, str] = {
    0: "success",
    1001: "NoRoute",
    1002: "NoChannel",
    1003: "NoBabalance",
    1004: "Unkown",
    1005: "Send Refuse",
    1006: "Send Timeout",
    1007: "Server Timeout",
    1008: "SupplierMccMncLimit",
    1009: "ConsumerMccMncLimit",
    1010: "NoSupplier",
    1011: "Black Number",
    1012: "Sensitive Words",
    1013: "Daliy Limit",
    1014: "DestinationMccMncLimit",
    1016: "SMS Template Limit",
    1017: "SupplierNoBabalance",
    1018: "UserProfitLimit",
    1019: "ChannelProfitLimit",
    1020: "MccNumberLengthLimit",
    1021: "Job no found",
    1022: "china sms limit",
    1023: "RouteMccMncLimit",
}
