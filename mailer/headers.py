"""A Subject on one line.

Django encodes a non-ASCII subject as RFC 2047 encoded words folded at 76 characters;
Python's generator then folds the header once more, and the first encoded word no
longer fits after « Subject: »: the header starts with an empty line and continues on
the next. That is valid, yet some clients show it oddly. We send the encoded words
(each at most 75 characters, as RFC 2047 asks) side by side on the header's one line,
well within the 998 characters a line may hold.
"""

from __future__ import annotations

import itertools
from email.charset import Charset
from email.message import Message
from typing import Any

# RFC 2047 §2: an encoded word is at most 75 characters long.
MAX_ENCODED_WORD = 75
# RFC 5322 §2.1.1: a line holds at most 998 characters (« Subject: » included).
MAX_LINE = 998 - len("Subject: ")


class VerbatimHeader:
    """A header value the message generator writes as it is.

    Python's compat32 policy folds a ``str`` value but asks any other object to
    ``encode()`` itself: this one answers with its text, unfolded.
    """

    def __init__(self, value: str) -> None:
        self.value = value

    def encode(self, *args: Any, **kwargs: Any) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


def one_line_subject(subject: str) -> str:
    """``subject`` as plain ASCII, or as UTF-8 encoded words separated by spaces, on one line.

    Decoders ignore the spaces between two encoded words (RFC 2047 §6.2): the reader sees
    the subject as it was written.
    """
    if subject.isascii():
        return subject
    words = Charset("utf-8").header_encode_lines(subject, itertools.repeat(MAX_ENCODED_WORD))
    return " ".join(word for word in words if word)


def set_one_line_subject(message: Message, subject: str) -> None:
    """Replace the Subject of a built message, in place, by its one-line form.

    ``replace_header`` keeps the header where it was and, unlike Django's ``__setitem__``,
    does not encode the value again. Too long for one line, the subject keeps the folded
    form Django gave it.
    """
    value = one_line_subject(subject)
    if len(value) <= MAX_LINE and "\n" not in value and "\r" not in value:
        # Any object with encode() is a header value to the compat32 policy Django uses.
        message.replace_header("Subject", VerbatimHeader(value))  # type: ignore[arg-type]
