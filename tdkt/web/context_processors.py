"""Template context shared by every page."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from tdkt.web.public import mywork


class MyWork:
    """The signed-in user's work count for the header, read only when a template asks for it (a fragment
    answered to htmx never does) and once per request, from the same list as the page "Việc của tôi"."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def count(self) -> int:
        return len(mywork.for_request(self.request))


def my_work(request: HttpRequest) -> dict[str, MyWork]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work": MyWork(request)}
