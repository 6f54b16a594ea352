"""What dossiers tell the apps above them (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# Sent by dossiers.services.copy_dossier inside its transaction, with ``source`` (the
# dossier copied), ``copy`` (the new Actif dossier) and ``user``. A receiver that raises
# rolls the copy back: a copy without its configuration must not exist.
dossier_copied = Signal()
