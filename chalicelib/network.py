"""The network: a series of meetings, who comes back, which sectors are missing.

Plain rules over plain data. People are recognised across a series' meetings by their canonical
address (`forms.email_key`); organisations by a normalised name (`normalise_organisation`) that an
organiser can merge with another (`merge_organisations`: "Hudiksvalls kommun" and "Kommunen i
Hudiksvall" are one). Only people who ticked "keep me informed about the network's meetings" are
kept beyond one meeting's retention, as members, and only members are named across meetings;
everyone else is counted.

This module is what a person's requests need (the member record a sign-up writes, the link to
leave); the report over a series, its text and the digest's section are in `network_report`, which
only the organisers' pages, the digest and the command line import.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .events import Event
from .fields import SINGLE_LINE_MAX
from .registrations import Registration

# Words that say what kind of body an organisation is rather than which one: "Röda Korset" and
# "Föreningen Röda Korset", "ICA Maxi" and "ICA Maxi AB", "Hudiksvalls kommun" and "Hudiksvall
# kommun" are each one organisation. Compared after case, accents and punctuation are gone.
LEGAL_FORM_WORDS = frozenset(
    {
        "ab",
        "aktiebolag",
        "aktiebolaget",
        "publ",
        "hb",
        "kb",
        "handelsbolag",
        "handelsbolaget",
        "kommanditbolag",
        "ek",
        "ekonomisk",
        "ekonomiska",
        "ideell",
        "ideella",
        "for",  # "ek. för." (after accents are gone)
        "forening",
        "foreningen",
        "kommun",
        "kommunen",
        "kommuns",
        "stiftelse",
        "stiftelsen",
        "inc",
        "ltd",
        "llc",
        "i",  # "Kommunen i Hudiksvall"
    }
)


def normalise_organisation(name: str) -> str:
    """The key an organisation is recognised by: case, accents, punctuation, extra spaces, "&" for
    "och" and legal-form words ("AB", "kommun", "förening") do not matter, nor a genitive s they
    leave behind ("Hudiksvalls kommun" is "hudiksvall"). A name made only of such words keeps them."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("&", " och ")
    words = re.findall(r"[^\W_]+", text)
    kept = [word for word in words if word not in LEGAL_FORM_WORDS]
    if not kept:
        return " ".join(words)
    if len(kept) < len(words) and len(kept[-1]) > 3 and kept[-1].endswith("s"):
        kept[-1] = kept[-1][:-1]
    return " ".join(kept)


def member_ref(email_key: str) -> str:
    """A member's key in the series and in the link to leave: a hash of the canonical address, so
    neither the table's keys nor the link spell the address out."""
    return hashlib.sha256(email_key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Member:
    """Someone who asked to be kept informed about the series' meetings (kept until they leave)."""

    series: str
    ref: str
    email: str
    name: str
    organisation: str
    sector: str
    language: str
    events: frozenset[str]
    joined_at: datetime


@dataclass(frozen=True)
class OrganisationAlias:
    """`alias` (a normalised name) is the organisation `canonical` (normalised), shown as `name`."""

    alias: str
    canonical: str
    name: str


class Organisations:
    """Organisation names resolved through the series' aliases to one key each, and a name to show."""

    def __init__(self, aliases: Iterable[OrganisationAlias] = ()) -> None:
        self._aliases = {alias.alias: alias for alias in aliases}
        self._spellings: dict[str, Counter[str]] = {}

    def key(self, name: str) -> str:
        """The organisation's key; the spelling is remembered for `name`."""
        key = self.resolve(name)
        self._spellings.setdefault(key, Counter())[name.strip()] += 1
        return key

    def resolve(self, name: str) -> str:
        """The organisation's key (the spelling is not counted)."""
        key = normalise_organisation(name)
        seen = {key}
        while key in self._aliases:
            key = self._aliases[key].canonical
            if key in seen:  # a loop cannot be written by merge_organisations; never follow one forever
                break
            seen.add(key)
        return key

    def name(self, key: str) -> str:
        """The name an organiser gave when merging, else the spelling people used most."""
        for alias in self._aliases.values():
            if alias.canonical == key:
                return alias.name
        spellings = self._spellings.get(key)
        if not spellings:
            return key
        return sorted(spellings.items(), key=lambda pair: (-pair[1], pair[0]))[0][0]


class AlreadyMerged(ValueError):
    """The two names are one organisation already."""


class NetworkStore(Protocol):
    def series_events(self, series: str) -> list[Event]: ...

    def registrations(self, event_id: str) -> Iterator[Registration]: ...

    def network_records(self, series: str) -> tuple[list[Member], list[OrganisationAlias]]: ...

    def put_alias(self, series: str, alias: OrganisationAlias, now: datetime) -> None: ...

    def get_member(self, series: str, ref: str) -> Member | None: ...

    def remove_member(self, series: str, ref: str) -> bool: ...


def merge_organisations(series: str, keep: str, other: str, *, store: NetworkStore, now: datetime) -> OrganisationAlias:
    """From now on `other` counts as `keep` (and is shown by the name `keep` as written). Merging
    the organisation `other` already resolves to, not the name itself, keeps chains short and
    makes a loop impossible. ValueError for a name that is empty or longer than a one-line answer."""
    if not keep.strip() or not other.strip() or max(len(keep.strip()), len(other.strip())) > SINGLE_LINE_MAX:
        raise ValueError("an organisation's name is one line of text")
    _, aliases = store.network_records(series)
    organisations = Organisations(aliases)
    keep_key, other_key = organisations.resolve(keep), organisations.resolve(other)
    if not keep_key or not other_key:
        raise ValueError("an organisation needs a name")
    if keep_key == other_key:
        raise AlreadyMerged(keep_key)
    alias = OrganisationAlias(alias=other_key, canonical=keep_key, name=keep.strip())
    store.put_alias(series, alias, now)
    # Earlier merges into `other` now point one step further; write them straight to `keep`.
    for earlier in aliases:
        if earlier.canonical == other_key:
            store.put_alias(series, OrganisationAlias(earlier.alias, keep_key, keep.strip()), now)
    return alias


def leave_network(series: str, ref: str, *, store: NetworkStore) -> bool:
    """The one-click way out: the member record is deleted at once (True when there was one)."""
    return store.remove_member(series, ref)
