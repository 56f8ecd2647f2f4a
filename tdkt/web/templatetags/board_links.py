"""`{% board_links %}`: the links to the data the board keeps (base salary, certificate layouts, working-days
calendar) and to the reward fund, for a page whose view does not pass the viewer (the decisions registry)."""

from __future__ import annotations

from typing import Any

from django import template

from tdkt.clusters.scopes import viewer_for

register = template.Library()


@register.inclusion_tag("web/dossiers/board_links.html", takes_context=True)
def board_links(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = viewer_for(user)
    return {"is_board": viewer.is_board, "keeps_fund": viewer.is_board or viewer.unit_id is not None}
