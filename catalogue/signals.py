"""What the catalogue tells the apps above it (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# Sent inside the load's transaction, with ``version`` (the new CatalogueVersion), after
# product and group names changed, products were withdrawn and definitions stored.
catalogue_loaded = Signal()
