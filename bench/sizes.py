"""The memory a delivery tracker holds, summed object by object."""

from __future__ import annotations

from enum import Enum
import sys

from custom_components.eims.account.track import DeliveryTracker


class _Sizer:
    """Sum `sys.getsizeof` over objects and what they hold, each counted once (shared ones too)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.total = 0

    def add(self, obj: object) -> None:
        # Enum members are shared class constants, not the tracker's.
        if isinstance(obj, Enum) or id(obj) in self.seen:
            return
        self.seen.add(id(obj))
        self.total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            for key, value in obj.items():
                self.add(key)
                self.add(value)
        elif isinstance(obj, list | tuple | set | frozenset):
            for item in obj:
                self.add(item)
        for slot in getattr(type(obj), "__slots__", ()):
            self.add(getattr(obj, slot, None))


def tracker_bytes(tracker: DeliveryTracker) -> int:
    """Return the bytes of the tracker's per-message state: its tables and what they hold."""
    sizer = _Sizer()
    # The bench reads the tracker's own tables: they are what grows with pending messages.
    sizer.add(tracker._pending)  # noqa: SLF001
    sizer.add(tracker._unknown_since)  # noqa: SLF001
    return sizer.total
