"""Mail: rendering in the recipient's language, the outbox, delivery by Celery, the sweep.

The bottom of the stack: it imports no app of the portal. The rest of the portal comes
in through :mod:`mailer.services` (``queue_mail``, the address checks) and nothing else.
"""
