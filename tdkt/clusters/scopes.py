"""Who may see and do what. One `Viewer` per request, derived from the account and the cluster roles.

- the provincial board: everything;
- a unit's staff: their own unit, and, in every year their unit is head of a cluster, that cluster-year
  (the cluster head's staff);
- everyone else (the public): published data only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from tdkt.clusters.models import ClusterRole, ClusterRoleKind
from tdkt.org.models import Account, Role


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    is_board: bool = False
    unit_id: int | None = None
    head_of: frozenset[int] = field(default_factory=frozenset)  # ClusterYear ids

    @property
    def is_public(self) -> bool:
        return not self.is_board and self.unit_id is None

    def manages(self, cluster_year_id: int) -> bool:
        """The board, or the staff of the cluster's head unit in that year."""
        return self.is_board or cluster_year_id in self.head_of

    def is_staff_of(self, unit_id: int) -> bool:
        return self.unit_id is not None and self.unit_id == unit_id


PUBLIC = Viewer()


def viewer_for(user: AbstractBaseUser | AnonymousUser | None) -> Viewer:
    if user is None or not user.is_authenticated:
        return PUBLIC
    account = Account.objects.filter(user_id=user.pk).first()
    if account is None:
        return Viewer(user_id=user.pk, is_board=bool(getattr(user, "is_superuser", False)))
    if account.role == Role.BOARD:
        return Viewer(user_id=user.pk, is_board=True)
    if account.unit_id is None:
        return Viewer(user_id=user.pk)
    head_of = frozenset(
        ClusterRole.objects.filter(unit_id=account.unit_id, role=ClusterRoleKind.HEAD).values_list(
            "cluster_year_id", flat=True
        )
    )
    return Viewer(user_id=user.pk, unit_id=account.unit_id, head_of=head_of)
