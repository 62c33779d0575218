"""Constants for the EIMS SMS Gateway integration."""

from typing import Final

DOMAIN: Final = "eims"
