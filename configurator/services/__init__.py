"""Writes of the Configurateur. Views, receivers, commands and the demo seed call these.

``lines`` holds add, edit, duplicate and remove; ``ordering`` « Passer la commande »;
``copying`` the lines of a copied dossier. Import from here.
"""

from .copying import copy_lines
from .lines import add_line, duplicate_line, remove_line, update_line
from .ordering import place_order
from .placing import PlacedOrder
from .refusals import ConfiguratorRefused, InputRefused, LineConflict
from .service_orders import add_service_line, open_service_order, place_service_order, remove_service_line

__all__ = [
    "ConfiguratorRefused",
    "InputRefused",
    "LineConflict",
    "PlacedOrder",
    "add_line",
    "add_service_line",
    "copy_lines",
    "duplicate_line",
    "open_service_order",
    "place_order",
    "place_service_order",
    "remove_line",
    "remove_service_line",
    "update_line",
]
