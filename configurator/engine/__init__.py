"""The Configurateur's engine: pure evaluation of a configured product (no ORM, no I/O).

``evaluate(product, raw_values, discount_percent=…, context=…) -> Evaluation`` is the one
entry point; the product definitions come from :mod:`catalogue.schema`.
"""

from .evaluate import evaluate
from .results import ComponentLine, Evaluation, Message, PriceLine

__all__ = ["ComponentLine", "Evaluation", "Message", "PriceLine", "evaluate"]
