"""Writing the audit trail. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models.fields.files import FieldFile

from tdkt.core.models import AuditEvent

# Who performs a write: a user (a request's, possibly anonymous), or None for the system itself.
Actor = User | AnonymousUser | None


def actor_user(actor: Actor) -> User | None:
    """The user to store as the author of a row: None for the system and for anonymous requests."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The stored values of a row, JSON-ready, for the `before`/`after` of an audit event."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def audit_record(
    *,
    actor: Actor,
    action: str,
    instance: models.Model,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor_user(actor),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        summary=summary,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )


def audit_record_many(
    *,
    actor: Actor,
    action: str,
    changes: Iterable[tuple[models.Model, dict[str, Any] | None]],
    summary: str = "",
) -> list[AuditEvent]:
    """`audit_record` for many rows written by one action, as (instance, after) pairs, in one bulk insert
    (a national publication writes 400 runs: one INSERT each cost more than scoring a tenth of them)."""
    user = actor_user(actor)
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=user,
                action=action,
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                summary=summary,
                after=_plain(after) if after is not None else None,
            )
            for instance, after in changes
        ]
    )


def state_at_version(instance: models.Model, version: int | None) -> dict[str, Any] | None:
    """A versioned row as it stood at `version`, read back from its audit trail (the `after` of the event
    that wrote that version): empty before the row existed (version 0 or none), None when the trail does
    not hold that version. Used to say what changed when a write read at an older version is refused."""
    if not version:
        return {}
    events = AuditEvent.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk))
    for event in events.order_by("-id"):
        after = event.after or {}
        if after.get("version") == version:
            return dict(after)
    return None
