"""Named notify actions keep their names: a name never moves to another account or recipient."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.const import DOMAIN
from custom_components.eims.notify_names import (
    NameBook,
    NotifyTarget,
    Wanted,
    base_name,
)
from custom_components.eims.store import store_key
from simulator.testing import RunningSimulator

from .common import async_set_up_account

NAMES_KEY = store_key("notify_names")


def _recipient(title: str, number: str) -> ConfigSubentryData:
    return ConfigSubentryData(
        subentry_type="recipient",
        title=title,
        unique_id=None,
        data={"numbers": [number], "message_type": "sms"},
    )


FAMILY = _recipient("Family", "+447911123456")
LOUD_FAMILY = _recipient("FAMILY", "+447911123457")


def _services(hass: HomeAssistant) -> list[str]:
    return sorted(
        name
        for name in hass.services.async_services_for_domain(NOTIFY_DOMAIN)
        if name.startswith(f"{DOMAIN}_")
    )


def _subentry(entry: MockConfigEntry, title: str) -> ConfigSubentry:
    return next(sub for sub in entry.subentries.values() if sub.title == title)


async def _sent_to(
    hass: HomeAssistant, simulator: RunningSimulator, service: str
) -> list[str]:
    """Call `notify.<service>`; return the numbers the gateway was asked to text."""
    before = len(simulator.state.submissions)
    # A text of its own: the repeat guard would hold back the same one.
    await hass.services.async_call(
        NOTIFY_DOMAIN, service, {"message": f"{service} #{before}"}, blocking=True
    )
    return [s.params["numbers"] for s in simulator.state.submissions[before:]]


@pytest.fixture
async def family(hass: HomeAssistant, sim_entry: MockConfigEntry) -> MockConfigEntry:
    """The simulator's account with "Family" and, added after it, "FAMILY"."""
    entry = await async_set_up_account(hass, sim_entry, subentries=[FAMILY])
    hass.config_entries.async_add_subentry(entry, ConfigSubentry(**LOUD_FAMILY))
    await hass.async_block_till_done()
    return entry


async def test_deleting_one_never_renames_another(
    hass: HomeAssistant, family: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Delete "Family": FAMILY keeps `_2`, and `eims_family` is gone, not re-pointed."""
    assert _services(hass) == ["eims_demo", "eims_family", "eims_family_2"]
    assert await _sent_to(hass, simulator, "eims_family_2") == ["+447911123457"]

    hass.config_entries.async_remove_subentry(
        family, _subentry(family, "Family").subentry_id
    )
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo", "eims_family_2"]
    assert await _sent_to(hass, simulator, "eims_family_2") == ["+447911123457"]

    # A new "Family" does not get the freed name: it would text someone else's phone.
    hass.config_entries.async_add_subentry(
        family, ConfigSubentry(**_recipient("Family", "+447911123458"))
    )
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo", "eims_family_2", "eims_family_3"]


async def test_renames(
    hass: HomeAssistant, family: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Only the renamed one's name changes; its old name is nobody's but its own again."""
    loud = _subentry(family, "FAMILY")
    hass.config_entries.async_update_subentry(family, loud, title="Kids")
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo", "eims_family", "eims_kids"]

    # The same name in other letters is no rename.
    quiet = _subentry(family, "Family")
    hass.config_entries.async_update_subentry(family, quiet, title="family")
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo", "eims_family", "eims_kids"]

    # A newcomer asking for the freed name gets the next one; the old holder gets it back.
    hass.config_entries.async_add_subentry(
        family, ConfigSubentry(**_recipient("Family", "+447911123458"))
    )
    await hass.async_block_till_done()
    hass.config_entries.async_update_subentry(family, loud, title="FAMILY")
    await hass.async_block_till_done()
    assert _services(hass) == [
        "eims_demo",
        "eims_family",
        "eims_family_2",
        "eims_family_3",
    ]
    assert await _sent_to(hass, simulator, "eims_family_2") == ["+447911123457"]
    assert await _sent_to(hass, simulator, "eims_family_3") == ["+447911123458"]


async def test_names_survive_a_restart(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The names an earlier run stored hold: "Family", deleted since, frees no name."""
    hass_storage[NAMES_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": NAMES_KEY,
        "data": {
            "held": {
                "account": {"name": "eims_demo", "base": "eims_demo"},
                "account/family": {"name": "eims_family", "base": "eims_family"},
                "account/loud": {"name": "eims_family_2", "base": "eims_family"},
            },
            "freed": {},
        },
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id="account",
        title=sim_entry.title,
        unique_id=sim_entry.unique_id,
        data=sim_entry.data,
        subentries_data=[{**LOUD_FAMILY, "subentry_id": "loud"}],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo", "eims_family_2"]
    assert await _sent_to(hass, simulator, "eims_family_2") == ["+447911123457"]

    assert hass_storage[NAMES_KEY]["data"] == {
        "held": {
            "account": {"name": "eims_demo", "base": "eims_demo"},
            "account/loud": {"name": "eims_family_2", "base": "eims_family"},
        },
        "freed": {"eims_family": "account/family"},
    }


async def test_two_accounts_with_the_same_name(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> None:
    """Two "demo" accounts: the newer is `eims_demo_2`, and stays so when the older goes."""
    first = await async_set_up_account(hass, sim_entry, subentries=[FAMILY])
    second = MockConfigEntry(
        domain=DOMAIN,
        title="demo @ 127.0.0.1 again",
        unique_id="second",
        data={**sim_entry.data, CONF_WEBHOOK_ID: "second"},
        subentries_data=[FAMILY],
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    assert _services(hass) == [
        "eims_demo",
        "eims_demo_2",
        "eims_family",
        "eims_family_2",
    ]

    assert await hass.config_entries.async_remove(first.entry_id)
    await hass.async_block_till_done()
    assert _services(hass) == ["eims_demo_2", "eims_family_2"]


def test_book_names_the_oldest_first() -> None:
    """Newcomers are named oldest first; slugs ignore case and punctuation."""
    first, second, third = (NotifyTarget(f"e{i}") for i in range(3))
    book = NameBook()
    assert book.update(
        [
            Wanted("02", second, base_name("Family!")),
            Wanted("01", first, base_name("family")),
            Wanted("03", third, base_name("***")),
        ]
    )
    assert [book.name(target) for target in (first, second, third)] == [
        "eims_family",
        "eims_family_2",
        "eims_2",
    ]
    assert book.newcomer_name(base_name("FAMILY")) == "eims_family_3"
    assert not book.update(
        [
            Wanted("01", first, base_name("family")),
            Wanted("02", second, base_name("Family!")),
            Wanted("03", third, base_name("***")),
        ]
    )
