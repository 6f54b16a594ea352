"""Writes of the Configurateur. Views, receivers, commands and the demo seed call these.

``lines`` holds add, edit, duplicate and remove; ``ordering`` « Passer la commande »;
``copying`` the lines of a copied dossier. Import from here.
"""

from .copying import copy_lines
from .lines import add_line, duplicate_line, remove_line, update_line
from .ordering import PlacedOrder, place_order
from .refusals import ConfiguratorRefused, InputRefused, LineConflict

__all__ = [
    "ConfiguratorRefused",
    "InputRefused",
    "LineConflict",
    "PlacedOrder",
    "add_line",
    "copy_lines",
    "duplicate_line",
    "place_order",
    "remove_line",
    "update_line",
]
