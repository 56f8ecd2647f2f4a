"""Reads over units: validity, hierarchy and lineage."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from tdkt.org.models import Account, LineageLink, Unit


def units_valid_on(day: dt.date) -> QuerySet[Unit]:
    return Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _walk(start_ids: set[int], *, backwards: bool) -> list[int]:
    """Breadth-first over lineage links; nearest generation first, each unit once."""
    seen: set[int] = set(start_ids)
    order: list[int] = []
    frontier = set(start_ids)
    while frontier:
        if backwards:
            pairs = LineageLink.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        else:
            pairs = LineageLink.objects.filter(predecessor_id__in=frontier).values_list(
                "successor_id", flat=True
            )
        nxt = {pk for pk in pairs if pk not in seen}
        order.extend(sorted(nxt))
        seen |= nxt
        frontier = nxt
    return order


def unit_predecessors(unit: Unit) -> list[Unit]:
    """Every unit this one descends from, through any number of merges, splits, renames and moves."""
    ids = _walk({unit.pk}, backwards=True)
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def unit_successors(unit: Unit) -> list[Unit]:
    ids = _walk({unit.pk}, backwards=False)
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def unit_history_ids(unit: Unit) -> set[int]:
    """The unit and all its predecessors: the rows whose records make up this unit's history."""
    return {unit.pk, *_walk({unit.pk}, backwards=True)}


def unit_ancestors(unit: Unit) -> list[Unit]:
    """Parents upwards (the province last)."""
    chain: list[Unit] = []
    current = unit.parent
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.parent
    return chain


def unit_lineage_events(unit: Unit) -> QuerySet[LineageLink]:
    """The links that created or ended this unit, with both sides loaded."""
    return (
        LineageLink.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("event", "predecessor", "successor")
        .order_by("event__effective_date", "event_id")
    )


# --- accounts ----------------------------------------------------------------------------------------------


def setup_needed() -> bool:
    """The first run: no unit and no account yet (`tdkt setup`, the first page)."""
    return not Unit.objects.exists() and not Account.objects.exists()


def accounts_list(*, unit_id: int | None = None, active: bool | None = None) -> QuerySet[Account]:
    """The board's list of accounts: the board's first, then by unit and username; optionally one unit's,
    and only the active (or only the locked) ones."""
    accounts = Account.objects.select_related("user", "unit")
    if unit_id is not None:
        accounts = accounts.filter(unit_id=unit_id)
    if active is not None:
        accounts = accounts.filter(user__is_active=active)
    return accounts.order_by("role", "unit__name", "user__username", "pk")
