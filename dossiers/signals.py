"""What dossiers tell the apps above them (they connect in their ``AppConfig.ready()``)."""

from django.dispatch import Signal

# Sent by dossiers.services.copy_dossier inside its transaction, with ``source`` (the
# dossier copied), ``copy`` (the new Actif dossier) and ``user``. A receiver that raises
# rolls the copy back: a copy without its configuration must not exist.
dossier_copied = Signal()

# Sent by every status transition (dossiers.services.status) inside its transaction, once
# the dossier row is locked and moved, with ``dossier`` (the locked row, at its new status),
# ``user`` (who moved it), ``previous`` (the status before) and ``action`` (a
# workflow.Action value). A receiver writes in the same transaction (the invoice number is
# allocated with the move to Livré) and defers slow work to ``transaction.on_commit``; a
# receiver that raises rolls the move back.
status_changed = Signal()
