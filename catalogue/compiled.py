"""Compiled product definitions, kept per process and keyed by their database row.

Compiling a definition (rebuilding it from JSON and compiling every expression) costs a
few milliseconds, more than the rest of a live Configurateur round trip. A row of
:class:`catalogue.models.ProductVersion` never changes once written, so its compiled
form can be kept for the life of the process; the key is the row's id, never a product
code, so a new catalogue version is a new key and never a stale hit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from .definition import ProductDefinition
from .schema import definition_from_json

# A few catalogue versions' worth of products; old ones fall out when orders on them
# are no longer opened.
MAX_ENTRIES = 256

_compiled: OrderedDict[int, ProductDefinition] = OrderedDict()
_lock = threading.Lock()


def compiled_definition(row_id: int, load: Callable[[], Mapping[str, Any]]) -> ProductDefinition:
    """The compiled definition of row ``row_id``; ``load`` gives its JSON on a miss."""
    with _lock:
        found = _compiled.get(row_id)
        if found is not None:
            _compiled.move_to_end(row_id)
            return found
    # Compiled outside the lock: two threads may compile the same row once each, harmlessly.
    definition = definition_from_json(load())
    with _lock:
        _compiled[row_id] = definition
        _compiled.move_to_end(row_id)
        while len(_compiled) > MAX_ENTRIES:
            _compiled.popitem(last=False)
    return definition
