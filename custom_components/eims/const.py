"""Constants for the EIMS SMS Gateway integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "eims"
LOGGER = logging.getLogger(__package__)

DEFAULT_NAME: Final = "EIMS"
MANUFACTURER: Final = "Ejoin"
MODEL: Final = "EIMS"

CONF_ACCOUNT: Final = "account"
CONF_ENCRYPTION_KEY: Final = "encryption_key"
CONF_CURRENCY: Final = "currency"
CONF_GATEWAY_TIME_ZONE: Final = "gateway_time_zone"

NO_CURRENCY: Final = "none"

# Entry option: how numbers travel to the gateway, "+447911123456" or "447911123456".
CONF_NUMBER_FORMAT: Final = "number_format"
NUMBER_FORMAT_PLUS: Final = "plus"
NUMBER_FORMAT_DIGITS: Final = "digits"

# Recipient subentries: the title is the recipient's name.
SUBENTRY_RECIPIENT: Final = "recipient"
# SMS-controlled devices (alarm panels, relays, gate openers): text exactly as written, GSM-7.
SUBENTRY_DEVICE: Final = "device"
CONF_NUMBERS: Final = "numbers"
CONF_SENDER: Final = "sender"
CONF_MESSAGE_TYPE: Final = "message_type"
MESSAGE_TYPE_SMS: Final = "sms"
MESSAGE_TYPE_MMS: Final = "mms"

# Entry option: how long a sent message is followed before it counts as expired.
CONF_TRACKING_WINDOW: Final = "tracking_window"
DEFAULT_TRACKING_WINDOW_HOURS: Final = 72

# Assist over SMS: one section of the options flow, stored as a mapping under CONF_ASSIST.
CONF_ASSIST: Final = "assist"
CONF_ENABLED: Final = "enabled"
CONF_TRUSTED_NUMBERS: Final = "trusted_numbers"
CONF_AGENT_ID: Final = "agent_id"
CONF_LANGUAGE: Final = "language"
CONF_RATE_LIMIT: Final = "rate_limit"
# conversation.HOME_ASSISTANT_AGENT, spelled out: importing conversation costs ~170 ms.
DEFAULT_AGENT_ID: Final = "conversation.home_assistant"
DEFAULT_RATE_LIMIT: Final = 5
MAX_RATE_LIMIT: Final = 60
# Assist answers per hour across all numbers: an exchange every 3 minutes for a whole hour is
# more than people text; a loop is cut off at 20 answers an hour.
CONF_REPLIES_PER_HOUR: Final = "replies_per_hour"
DEFAULT_REPLIES_PER_HOUR: Final = 20
MAX_REPLIES_PER_HOUR: Final = 600
# SMS segments an Assist answer may take (3: 459 GSM-7 characters or 201 UCS-2).
CONF_MAX_SEGMENTS: Final = "max_segments"
DEFAULT_MAX_SEGMENTS: Final = 3
MAX_MAX_SEGMENTS: Final = 6

# Inbound SMS and pending delivery reports are what users wait for: poll them often.
UPDATE_INTERVAL: Final = timedelta(seconds=30)
# The balance only moves when we send (then it is refreshed at once) or when the account is topped up.
BALANCE_INTERVAL: Final = timedelta(minutes=30)
REQUEST_TIMEOUT: Final = 15.0

# Spending guards: the same text to the same number within this many seconds goes once (0: off).
CONF_DUPLICATE_WINDOW: Final = "duplicate_window"
DEFAULT_DUPLICATE_WINDOW: Final = 60
# Most SMS segments an account sends per day (0: no limit). Off by default: any fixed number
# would refuse somebody's deliberate bulk send; the guards against loops are on by default.
CONF_DAILY_LIMIT: Final = "daily_limit"
DEFAULT_DAILY_LIMIT: Final = 0

# Entry option: how many messages (received and sent) the account's conversations keep.
CONF_HISTORY_LIMIT: Final = "history_limit"
DEFAULT_HISTORY_LIMIT: Final = 1000
MAX_HISTORY_LIMIT: Final = 10_000

# A message's sender ID, MMS title and later send time: action fields and notify `data` keys;
# the sender is also an inbound SMS's attribute.
ATTR_SENDER: Final = "sender"
ATTR_MMS_TITLE: Final = "mms_title"
ATTR_SEND_TIME: Final = "send_time"
