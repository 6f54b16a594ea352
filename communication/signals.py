"""What Communication tells the apps above it (they connect in their ``AppConfig.ready()``).

Communication sits below the configurator in the stack: it announces what was posted and
never imports upward.
"""

from django.dispatch import Signal

# A « Demande de service » was posted: sent once its transaction has committed (the
# complaint, the status Terminé → Demande de service and the Historique are in the
# database), never for a refused or repeated post. Arguments: ``dossier`` (now in status
# Demande de service), ``message`` (the « Demande de service ») and ``user`` (its author).
#
# Receivers:
# - the configurator opens the service order of the dossier (configurator.receivers.open_service_order),
#   which is what « libère l'onglet Configurateur » means once the status allows it;
# - the documents queue the « Document de garantie » of the dossier (every delivered item's
#   warranty number, product, dimensions – colour – operating side, article codes), mailed to
#   the request's author (documents.receivers.service_requested).
service_requested = Signal()
