from .outbox_models import OutboundMail  # noqa: F401
