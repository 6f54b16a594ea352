"""What the Configurateur tells whoever listens (documents, later: the order confirmation)."""

from django.dispatch import Signal

# Sent once the order's transaction has committed, with ``dossier`` (now Commandé, with
# its order number), ``user`` (who placed it) and ``items`` (the WarrantyItem rows).
order_placed = Signal()
