"""``{% work_queue %}``: « À traiter » on the admin's index (templates/admin/index.html).

The lines come from the providers each app registers (:mod:`workqueue`); this tag only
splits them into the staff member's own customers, first, and everybody's.
"""

from __future__ import annotations

from typing import Any

from django import template

import workqueue

register = template.Library()


@register.inclusion_tag("admin/fragment_work_queue.html", takes_context=True)
def work_queue(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    lines = workqueue.lines_for(request) if request is not None else []
    return {
        "mine": [line for line in lines if line.mine],
        "everyone": [line for line in lines if not line.mine],
    }
