from tdkt.clusters.scopes import PUBLIC, viewer_for
from tdkt.core.personas import World


def test_board_manages_everything(world: World) -> None:
    viewer = viewer_for(world.board)
    assert (
        viewer.is_board
        and viewer.manages(world.cluster_year.pk)
        and viewer.manages(world.other_cluster_year.pk)
    )


def test_head_staff_manage_only_the_year_their_unit_is_head(world: World) -> None:
    viewer = viewer_for(world.head)
    assert viewer.manages(world.cluster_year.pk)
    assert not viewer.manages(world.other_cluster_year.pk)


def test_member_staff_manage_nothing(world: World) -> None:
    viewer = viewer_for(world.member)
    assert viewer.is_staff_of(world.tien_phuoc.pk)
    assert not viewer.manages(world.cluster_year.pk)


def test_anonymous_is_public(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert viewer_for(AnonymousUser()) == PUBLIC
    assert PUBLIC.is_public
