"""Choice places: how many registrations hold each choice of an organiser's choice question, counted
on the event item in the same update as its seats, so a choice's own limit holds under a rush."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .items import CHOICE_COUNT_PREFIX


def full_place(places: tuple[str, ...], counts: Mapping[str, int], limits: Mapping[str, int]) -> str | None:
    """The first of `places` with no place left, by the counts as read."""
    return next((place for place in places if place in limits and counts.get(place, 0) >= limits[place]), None)


def place_changes(
    taken: tuple[str, ...] | list[str], freed: tuple[str, ...] | list[str], limits: Mapping[str, int]
) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    """The event update's part for choice places: `, SET` clauses counting `taken` up and `freed`
    down, and the condition (` AND …`) that each limited place taken still has room."""
    sets: list[str] = []
    conditions: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    for index, place in enumerate(taken):
        name = f"#take{index}"
        names[name] = CHOICE_COUNT_PREFIX + place
        sets.append(f"{name} = if_not_exists({name}, :zero) + :one")
        if place in limits:
            values[f":limit{index}"] = {"N": str(limits[place])}
            conditions.append(f"(attribute_not_exists({name}) OR {name} < :limit{index})")
    for index, place in enumerate(freed):
        name = f"#free{index}"
        names[name] = CHOICE_COUNT_PREFIX + place
        # Never below zero, whatever an earlier version of a registration held.
        sets.append(f"{name} = if_not_exists({name}, :one) - :one")
    if sets:
        values[":one"] = {"N": "1"}
    if taken:
        values[":zero"] = {"N": "0"}
    clause = "".join(f", {item}" for item in sets)
    condition = "".join(f" AND {item}" for item in conditions)
    return clause, condition, names, values
