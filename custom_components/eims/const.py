"""Constants for the EIMS SMS Gateway integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "eims"
LOGGER = logging.getLogger(__package__)

DEFAULT_PORT: Final = 20003
DEFAULT_NAME: Final = "EIMS"
MANUFACTURER: Final = "Ejoin"
MODEL: Final = "EIMS"

CONF_ACCOUNT: Final = "account"
CONF_ENCRYPTION_KEY: Final = "encryption_key"
CONF_CURRENCY: Final = "currency"
CONF_GATEWAY_TIME_ZONE: Final = "gateway_time_zone"

NO_CURRENCY: Final = "none"

# Inbound SMS and pending delivery reports are what users wait for: poll them often.
UPDATE_INTERVAL: Final = timedelta(seconds=30)
# The balance only moves when we send (then it is refreshed at once) or when the account is topped up.
BALANCE_INTERVAL: Final = timedelta(minutes=30)
REQUEST_TIMEOUT: Final = 15.0
