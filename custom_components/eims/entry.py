"""The config entry of an EIMS account, for modules that only need to name it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    # Type-only and one way: nothing below the runtime data imports this module.
    from .runtime import EimsRuntimeData

type EimsConfigEntry = ConfigEntry[EimsRuntimeData]
