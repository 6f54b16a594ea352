"""What the Configurateur tells whoever listens (documents, later: the order confirmation)."""

from django.dispatch import Signal

# Sent once an order's transaction has committed, with ``dossier`` (now Commandé, with its
# order number), ``user`` (who placed it), ``items`` (the WarrantyItem rows it issued) and
# ``service_order``: for a service order (spare parts for delivered items, which get no
# warranty number of their own: ``items`` is empty) the ServiceOrder, with its order number
# and reference and its lines; None for any other order.
order_placed = Signal()
