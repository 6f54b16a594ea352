"""The portal's own date formats per language (``FORMAT_MODULE_PATH``), over Django's.

Only what differs from Django's locale formats is here: a module names the formats it
changes, and every other format falls back to Django's module for that language.
"""
