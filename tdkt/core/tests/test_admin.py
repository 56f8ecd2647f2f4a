from django.contrib.auth.models import User
from django.test import Client

from tdkt.core.personas import World


def test_admin_is_read_only_even_for_a_superuser(world: World, client: Client) -> None:
    root = User.objects.create_superuser("root", "root@example.vn", "x-very-long-password-1")
    client.force_login(root)
    assert client.get("/admin/org/unit/").status_code == 200
    assert client.get("/admin/org/unit/add/").status_code == 403
    response = client.post(f"/admin/org/unit/{world.phuoc_son.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    world.phuoc_son.refresh_from_db()


def test_admin_needs_a_staff_login(world: World, client: Client) -> None:
    response = client.get("/admin/org/unit/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
