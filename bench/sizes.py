"""The memory a delivery tracker holds, summed object by object."""

from __future__ import annotations

from enum import Enum
import sys
from typing import Any

from custom_components.eims.account.track import DeliveryTracker


class _Sizer:
    """Sum `sys.getsizeof` over objects, each counted once (shared send times, strings)."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.total = 0

    def add(self, obj: object) -> None:
        # Enum members are shared class constants, not the tracker's.
        if isinstance(obj, Enum) or id(obj) in self.seen:
            return
        self.seen.add(id(obj))
        self.total += sys.getsizeof(obj)

    def add_record(self, record: Any) -> None:
        self.add(record)
        for slot in getattr(type(record), "__slots__", ()):
            self.add(getattr(record, slot))


def tracker_bytes(tracker: DeliveryTracker) -> int:
    """Return the bytes of the tracker's per-message state: its tables and their records."""
    sizer = _Sizer()
    # The bench reads the tracker's own tables: they are what grows with pending messages.
    tables: list[dict[int, Any]] = [tracker._pending, tracker._unknown_since]  # noqa: SLF001
    for table in tables:
        sizer.add(table)
        for key, value in table.items():
            sizer.add(key)
            sizer.add_record(value)
    return sizer.total
