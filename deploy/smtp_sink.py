"""An SMTP server that keeps every mail it receives in a Maildir: the mail relay of `make stack`.

Each mail is a file under MAILDIR/new/ with its envelope added as X-MailFrom and X-RcptTo
headers (aiosmtpd's Mailbox handler), so the load-and-fault script can count what arrived
and find duplicates by Message-ID. Runs until SIGTERM or SIGINT.

    python deploy/smtp_sink.py --port 2525 --maildir var/stack/maildir
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    for sub in ("tmp", "new", "cur"):  # a Maildir, even if the folder exists already
        (args.maildir / sub).mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(args.maildir), hostname=args.host, port=args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port}, writing to {args.maildir}", flush=True)
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
