"""Load and faults against `make stack`: simulated dealers work while processes die.

Run by hand, not by the test suite (see bench/README.md, « Load and faults »):

    make stack
    .venv/bin/python bench/load_faults.py              # 20 dealers, 90 s, every fault
    .venv/bin/python bench/load_faults.py --help

What it does:

1. creates (or reuses) 20 dealer accounts of 20 customers numbered ``LOAD01``…, each with
   a dossier, and a staff contact person ``load-contact@renson.example``;
2. each dealer logs in through nginx, then repeats the steps of :data:`STEPS` until the
   time is up: the overview, a dossier and its Communication tab, a Remarque with a file,
   an E-mail message to two addresses, and an order: a new dossier, a Fixscreen line
   configured in the Configurateur, « Passer la commande » (its order confirmation is a
   PDF a worker makes and mails). A step is a function of :data:`STEPS`; what is counted
   at the end, a function of :data:`ACCOUNTS`;
3. meanwhile, :data:`FAULTS`: a web node killed (kill -9, its supervisor starts it again),
   a worker killed (kill -9) during sends, the SMTP sink stopped for 20 s, Redis restarted
   three times (empty: no persistence), Redis frozen for 10 s (SIGSTOP);
4. waits until every order confirmation of the run is made (a generation lost with Redis
   or a killed worker is queued again by the documents' sweep) and the outbox has sent
   every mail of the run (``--drain-timeout``; a send cut by the worker's death is retaken
   after ``OUTBOX_STALE_SENDING_SECONDS``), then reports: requests, 5xx inside and outside
   the windows when a node or Redis was down, p50/p99 per step, documents expected (orders
   placed) vs generated (each once), and mails expected (outbox rows of the run) vs
   delivered (Message-IDs in the SMTP sink's Maildir), with duplicates. A JSON copy goes
   to var/bench/.

A POST that fails (a 502 from the node being killed) is sent again once with the same
form, as a dealer would: the form's idempotency key makes the second send harmless.
"""

from __future__ import annotations

import argparse
import email
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]


def _stack_module() -> Any:
    spec = importlib.util.spec_from_file_location("deploy_stack", ROOT / "deploy" / "stack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stack = _stack_module()
os.environ.update(stack.stack_environment())
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Customer, User  # noqa: E402
from catalogue.models import Product  # noqa: E402
from communication.models import Message  # noqa: E402
from documents.models import Document, DocumentKind, DocumentState  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from dossiers.services import create_dossier  # noqa: E402
from mailer.models import MailStatus, OutboundMail  # noqa: E402

PASSWORD = "load-and-faults-2026"  # noqa: S105 - the bench dealers' password, local stack only
CONTACT = "load-contact@renson.example"
FILE = b"%PDF-1.4 load test drawing\n" + bytes(range(256)) * 80  # ~20 kB
# The product each order configures, and its values as the dealer types them (a Fixscreen
# 100 with a wind sensor: orderable, no warning to confirm).
ORDER_PRODUCT = "FX100"
ORDER_VALUES = {"width_mm": "2130", "height_mm": "2480", "sensors": "wind_io"}
TIMEOUT = 30  # seconds a request may take before the client gives up on it


# --- recording -------------------------------------------------------------------------


@dataclass
class Sample:
    step: str
    start: float  # seconds since the start of the run
    seconds: float
    status: int  # 0: no answer (connection error, timeout)
    retry: bool = False


@dataclass
class Window:
    label: str
    start: float
    end: float | None = None
    affects_web: bool = True


@dataclass
class Run:
    started_monotonic: float
    started_at: datetime
    samples: list[Sample] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    posted_forms: set[str] = field(default_factory=set)  # form tokens of posts the portal accepted
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.started_monotonic

    def record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def note(self, text: str) -> None:
        line = f"[{self.now():5.1f}s] {text}"
        print(line, flush=True)
        with self.lock:
            self.notes.append(line)


# --- the dealers -----------------------------------------------------------------------


class Dealer:
    def __init__(self, run: Run, email: str, dossier_pk: int, product: tuple[int, int]) -> None:
        self.run = run
        self.email = email
        self.dossier_pk = dossier_pk
        self.group_pk, self.product_pk = product
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE and the like would replace the stack's certificate
        self.http.verify = str(stack.CERT)

    def request(self, step: str, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        """One request, recorded; a failed POST is sent once more, as the dealer would."""
        url = f"{stack.URL}{path}"
        for attempt in (1, 2):
            started = self.run.now()
            try:
                response = self.http.request(
                    method, url, timeout=TIMEOUT, allow_redirects=False, headers={"Referer": url}, **kwargs
                )
                status = response.status_code
            except requests.RequestException:
                response, status = None, 0
            self.run.record(Sample(step, started, self.run.now() - started, status, retry=attempt == 2))
            if status and status < 500:
                return response
            if method != "POST" or attempt == 2:
                return None
            time.sleep(1)
        return None

    def form(self, step: str, path: str) -> dict[str, str] | None:
        """The hidden fields of the form at ``path`` (CSRF and idempotency tokens)."""
        response = self.request(step, "GET", path)
        if response is None or response.status_code != 200:
            return None
        fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', response.text))
        return fields if "csrfmiddlewaretoken" in fields else None

    def post_form(self, step: str, path: str, data: dict[str, str], **kwargs: Any) -> bool:
        response = self.request(step, "POST", path, data=data, **kwargs)
        accepted = response is not None and response.status_code == 302
        if accepted and "form_token" in data:
            with self.run.lock:
                self.run.posted_forms.add(data["form_token"])
        return accepted

    def logged_in(self) -> bool:
        return "sessionid" in self.http.cookies

    def log_in(self) -> None:
        fields = self.form("log in", "/accounts/login/")
        if fields is not None:
            self.post_form("log in", "/accounts/login/", {**fields, "username": self.email, "password": PASSWORD})


def overview(dealer: Dealer) -> None:
    dealer.request("overview", "GET", "/dossiers/")


def open_dossier(dealer: Dealer) -> None:
    dealer.request("open a dossier", "GET", f"/dossiers/{dealer.dossier_pk}/")
    dealer.request("open a dossier", "GET", f"/dossiers/{dealer.dossier_pk}/communication/")


def remark_with_file(dealer: Dealer) -> None:
    path = f"/dossiers/{dealer.dossier_pk}/communication/add/"
    fields = dealer.form("remark with a file", f"{path}?type=remark")
    if fields is None:
        return
    data = {**fields, "type": "remark", "audience": "renson", "body": f"Remarque {uuid.uuid4().hex[:8]}"}
    dealer.post_form("remark with a file", path, data, files={"file": ("plan.pdf", FILE, "application/pdf")})


def email_message(dealer: Dealer) -> None:
    path = f"/dossiers/{dealer.dossier_pk}/communication/add/"
    fields = dealer.form("e-mail message", f"{path}?type=email")
    if fields is None:
        return
    tag = uuid.uuid4().hex[:8]
    data = {
        **fields,
        "type": "email",
        "audience": "renson",
        "recipients": f"client-{tag}@example.com, architect-{tag}@example.com",
        "subject": f"Offre {tag}",
        "body": "Veuillez trouver notre offre.",
    }
    dealer.post_form("e-mail message", path, data)


def place_order(dealer: Dealer) -> None:
    """A new dossier, one line configured, « Passer la commande »: the order confirmation follows."""
    step = "configure and place an order"
    path = f"/dossiers/new/{dealer.group_pk}/"
    fields = dealer.form(step, path)
    if fields is None:
        return
    reference = f"Commande {uuid.uuid4().hex[:8]}"
    response = dealer.request(
        step, "POST", path, data={**fields, "product": str(dealer.product_pk), "reference": reference}
    )
    created = re.match(r"^/dossiers/(\d+)/$", response.headers.get("Location", "")) if response is not None else None
    if created is None:
        return
    dossier = created.group(1)
    path = f"/dossiers/{dossier}/configurator/add/"
    fields = dealer.form(step, f"{path}?product={dealer.product_pk}")
    if fields is None:
        return
    line = {**fields, "product": str(dealer.product_pk), "quantity": "1", "action": "save"}
    line.update({f"p_{key}": value for key, value in ORDER_VALUES.items()})
    if not dealer.post_form(step, path, line):
        return
    fields = dealer.form(step, f"/dossiers/{dossier}/configurator/")
    if fields is None:
        return
    # A replayed order is refused as « déjà commandé » (a 302 too): never a second order.
    dealer.post_form(
        step, f"/dossiers/{dossier}/configurator/order/", {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}
    )


# The steps each dealer repeats, in order.
STEPS: list[Callable[[Dealer], None]] = [overview, open_dossier, remark_with_file, email_message, place_order]


def work(dealer: Dealer, until: float, stop: threading.Event) -> None:
    while not stop.is_set() and dealer.run.now() < until:
        if not dealer.logged_in():
            dealer.log_in()
            if not dealer.logged_in():
                time.sleep(1)
                continue
        for step in STEPS:
            if stop.is_set() or dealer.run.now() >= until:
                return
            step(dealer)
            time.sleep(0.2)  # a dealer reads the page


# --- the faults ------------------------------------------------------------------------


def supervisorctl(*args: str) -> str:
    return stack.supervisorctl(*args, check=False).stdout


def pid_of(program: str) -> int:
    return int(supervisorctl("pid", program).strip())


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:  # noqa: S110 - not back yet
            pass
        time.sleep(0.2)
    return False


def _node_up(node: str) -> bool:
    return requests.get(f"http://{stack.HOST}:{stack.PORTS[node]}/healthz", timeout=1).status_code == 200


def _redis_up() -> bool:
    import redis

    return bool(redis.Redis(host=stack.HOST, port=stack.PORTS["redis"], socket_timeout=0.5).ping())


def kill_web_node(run: Run) -> None:
    window = Window("web1 killed (kill -9), restarted by its supervisor", run.now())
    run.windows.append(window)
    os.killpg(os.getpgid(pid_of("web1")), signal.SIGKILL)
    back = wait_until(lambda: _node_up("web1"), 60)
    window.end = run.now()
    run.note(f"web1 killed; {'back' if back else 'NOT back'} after {window.end - window.start:.1f}s")


def kill_worker(run: Run) -> None:
    # Mid-task: wait (a little) until some mail is being sent.
    sending = wait_until(lambda: OutboundMail.objects.filter(status=MailStatus.SENDING).exists(), 5)
    window = Window("worker1 killed (kill -9)", run.now(), affects_web=False)
    run.windows.append(window)
    os.killpg(os.getpgid(pid_of("worker1")), signal.SIGKILL)
    wait_until(lambda: "RUNNING" in supervisorctl("status", "worker1"), 60)
    window.end = run.now()
    run.note(f"worker1 killed ({'a mail was being sent' if sending else 'no send seen in flight'}); restarted")


def stop_smtp(run: Run, seconds: float = 20) -> None:
    window = Window(f"SMTP sink stopped for {seconds:.0f}s", run.now(), affects_web=False)
    run.windows.append(window)
    supervisorctl("stop", "smtp")
    time.sleep(seconds)
    supervisorctl("start", "smtp")
    window.end = run.now()
    run.note("SMTP sink back")


def restart_redis(run: Run) -> None:
    window = Window("Redis restarted (empty)", run.now())
    run.windows.append(window)
    supervisorctl("restart", "redis")
    back = wait_until(_redis_up, 30)
    window.end = run.now()
    run.note(f"Redis restarted; {'answering' if back else 'NOT answering'} after {window.end - window.start:.1f}s")


def freeze_redis(run: Run, seconds: float = 10) -> None:
    pid = pid_of("redis")
    window = Window(f"Redis frozen (SIGSTOP) for {seconds:.0f}s", run.now())
    run.windows.append(window)
    os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)
    window.end = run.now()
    run.note("Redis thawed (SIGCONT)")


# (seconds into a 90 s run, the fault); scaled to --duration.
FAULTS: list[tuple[float, Callable[[Run], None]]] = [
    (10, kill_web_node),
    (20, kill_worker),
    (27, stop_smtp),
    (52, restart_redis),
    (59, restart_redis),
    (66, restart_redis),
    (73, freeze_redis),
]


def inject(run: Run, scale: float, stop: threading.Event) -> None:
    for at, fault in FAULTS:
        delay = at * scale - run.now()
        if delay > 0 and stop.wait(delay):
            return
        run.note(f"fault: {fault.__name__}")
        try:
            fault(run)
        except Exception as exc:  # a fault that could not be injected is reported, not fatal
            run.note(f"fault {fault.__name__} failed: {exc!r}")


# --- set-up and accounting -------------------------------------------------------------


def order_product() -> tuple[int, int]:
    """(product group, product) of the product the orders configure."""
    product = Product.objects.filter(code=ORDER_PRODUCT, is_active=True).first()
    if product is None:
        raise SystemExit(f"No product {ORDER_PRODUCT} in the catalogue: run `make stack` (it loads the demo data).")
    return product.group_id, product.pk


def prepare(count: int) -> list[tuple[str, int]]:
    contact, _ = User.objects.get_or_create(
        email=CONTACT, defaults={"first_name": "Load", "last_name": "Contact", "is_staff": True, "language": "fr"}
    )
    dealers = []
    for n in range(1, count + 1):
        customer, _ = Customer.objects.get_or_create(
            number=f"LOAD{n:02d}", defaults={"name": f"Charge {n:02d}", "account_manager": contact}
        )
        user = User.objects.filter(email=f"load{n:02d}@dealer.example").first()
        if user is None:
            user = User(email=f"load{n:02d}@dealer.example", customer=customer, language="fr", first_name="Load")
            user.set_password(PASSWORD)
            user.save()
        dossier = Dossier.objects.filter(customer=customer).first() or create_dossier(
            customer=customer, user=user, product=_product(), reference=f"Chantier {n:02d}"
        )
        dealers.append((user.email, dossier.pk))
    return dealers


def _product() -> Any:
    from catalogue.models import Product

    product = Product.objects.filter(is_active=True, group__is_active=True).order_by("pk").first()
    if product is None:
        raise SystemExit("No product in the catalogue: run `make stack` (it loads the demo data).")
    return product


def maildir_message_ids() -> Counter[str]:
    found: Counter[str] = Counter()
    for path in (stack.MAILDIR / "new").iterdir():
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle)
        found[str(message.get("Message-ID", "")).strip()] += 1
    return found


def drain(run: Run, timeout: float) -> dict[str, int]:
    """Wait until the outbox has no mail of the run left to send; the counts by status."""
    rows = OutboundMail.objects.filter(created_at__gte=run.started_at)
    deadline = time.monotonic() + timeout
    last = 0.0
    while True:
        counts = {status: rows.filter(status=status).count() for status in MailStatus.values}
        pending = counts[MailStatus.QUEUED] + counts[MailStatus.SENDING]
        if not pending or time.monotonic() > deadline:
            return counts
        if time.monotonic() - last > 15:
            run.note(f"waiting for the outbox: {pending} mail(s) queued or sending")
            last = time.monotonic()
        time.sleep(2)


def mail_account(run: Run, drain_timeout: float) -> dict[str, Any]:
    counts = drain(run, drain_timeout)
    time.sleep(2)  # the last files land in the Maildir
    rows = list(OutboundMail.objects.filter(created_at__gte=run.started_at).values_list("message_id", "status"))
    delivered = maildir_message_ids()
    expected = {message_id for message_id, _status in rows}
    duplicates = {mid: n for mid, n in delivered.items() if mid in expected and n > 1}
    messages = Message.objects.filter(created_at__gte=run.started_at, author__email__startswith="load").count()
    delays = sorted(
        (sent - created).total_seconds()
        for created, sent in OutboundMail.objects.filter(
            created_at__gte=run.started_at, status=MailStatus.SENT
        ).values_list("created_at", "sent_at")
        if sent is not None
    )
    return {
        "posts accepted (distinct forms)": len(run.posted_forms),
        "messages saved": messages,
        "mails expected (outbox rows)": len(expected),
        "mails delivered (distinct Message-IDs)": len(expected & set(delivered)),
        "mails missing": len(expected - set(delivered)),
        "mails delivered twice or more": len(duplicates),
        "outbox by status": counts,
        "delay from queued to sent, p50 / p99 / max s": [
            round(_percentile(delays, 0.5), 1),
            round(_percentile(delays, 0.99), 1),
            round(delays[-1], 1) if delays else 0.0,
        ],
    }


def _run_orders(run: Run) -> Any:
    return Dossier.objects.filter(customer__number__startswith="LOAD", created_at__gte=run.started_at).exclude(
        order_number=""
    )


def document_account(run: Run, drain_timeout: float) -> dict[str, Any]:
    """Every order of the run has its confirmation made, once. Waits for the pending ones
    first: their mails join the outbox, so this comes before the mails' account."""
    orders = _run_orders(run)
    documents = Document.objects.filter(dossier__in=orders, kind=DocumentKind.ORDER_CONFIRMATION)
    deadline = time.monotonic() + drain_timeout
    last = 0.0
    while documents.filter(state=DocumentState.PENDING).exists() and time.monotonic() < deadline:
        if time.monotonic() - last > 15:
            run.note(f"waiting for the documents: {documents.filter(state=DocumentState.PENDING).count()} pending")
            last = time.monotonic()
        time.sleep(2)
    expected = orders.count()
    rows = list(documents.values("dossier_id", "state", "generations", "file_path", "created_at", "generated_at"))
    per_order = Counter(row["dossier_id"] for row in rows)
    made = [row for row in rows if row["state"] == DocumentState.READY and row["file_path"]]
    delays = sorted((row["generated_at"] - row["created_at"]).total_seconds() for row in made if row["generated_at"])
    return {
        "orders placed (dossiers ordered)": expected,
        "documents expected (one order confirmation each)": expected,
        "documents generated (ready, with their PDF)": len(made),
        "orders without a confirmation": expected - len(per_order),
        "orders with two confirmations or more": sum(1 for n in per_order.values() if n > 1),
        "documents made twice or more (generations > 1)": sum(1 for row in rows if row["generations"] > 1),
        "documents by state": dict(Counter(row["state"] for row in rows)),
        "delay from issued to generated, p50 / p99 / max s": [
            round(_percentile(delays, 0.5), 1),
            round(_percentile(delays, 0.99), 1),
            round(delays[-1], 1) if delays else 0.0,
        ],
    }


# What is counted at the end, by name, in this order (the documents' mails join the outbox).
ACCOUNTS: dict[str, Callable[[Run, float], dict[str, Any]]] = {"documents": document_account, "mails": mail_account}


# --- the report ------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(round(q * (len(ordered) - 1)), len(ordered) - 1)]


def in_window(sample: Sample, windows: list[Window], grace: float = 2.0) -> bool:
    end_of_sample = sample.start + sample.seconds
    for window in windows:
        if not window.affects_web:
            continue
        end = (window.end if window.end is not None else float("inf")) + grace
        if sample.start <= end and end_of_sample >= window.start:
            return True
    return False


def report(run: Run, accounts: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    failed = [s for s in run.samples if s.status >= 500 or s.status == 0]
    inside = [s for s in failed if in_window(s, run.windows)]
    outside = [s for s in failed if not in_window(s, run.windows)]
    steps = {}
    for name in dict.fromkeys(s.step for s in run.samples):
        seconds = [s.seconds for s in run.samples if s.step == name]
        steps[name] = {
            "requests": len(seconds),
            "p50 ms": round(_percentile(seconds, 0.50) * 1000),
            "p99 ms": round(_percentile(seconds, 0.99) * 1000),
            "max ms": round(max(seconds) * 1000),
            "failed": sum(1 for s in failed if s.step == name),
        }
    result = {
        "date": run.started_at.isoformat(timespec="seconds"),
        "dealers": args.dealers,
        "duration s": args.duration,
        "requests": len(run.samples),
        "requests per second": round(len(run.samples) / args.duration, 1),
        "5xx or no answer": len(failed),
        "inside the windows": len(inside),
        "outside the windows": len(outside),
        "outside the windows, detail": [asdict(s) for s in outside],
        "windows": [asdict(w) for w in run.windows],
        "steps": steps,
        "accounts": accounts,
        "notes": run.notes,
        "settings": {
            "OUTBOX_SWEEP_INTERVAL_SECONDS": settings.OUTBOX_SWEEP_INTERVAL_SECONDS,
            "OUTBOX_SWEEP_GRACE_SECONDS": settings.OUTBOX_SWEEP_GRACE_SECONDS,
            "OUTBOX_STALE_SENDING_SECONDS": settings.OUTBOX_STALE_SENDING_SECONDS,
            "DOCUMENTS_SWEEP_INTERVAL_SECONDS": settings.DOCUMENTS_SWEEP_INTERVAL_SECONDS,
            "DOCUMENTS_SWEEP_GRACE_SECONDS": settings.DOCUMENTS_SWEEP_GRACE_SECONDS,
        },
    }
    print()
    print(f"requests: {result['requests']} ({result['requests per second']}/s), 5xx or no answer: {len(failed)}")
    print(f"  inside the windows when a node or Redis was down: {len(inside)};  outside: {len(outside)}")
    print()
    print("| step | requests | p50 ms | p99 ms | max ms | 5xx or no answer |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in steps.items():
        print(f"| {name} | {row['requests']} | {row['p50 ms']} | {row['p99 ms']} | {row['max ms']} | {row['failed']} |")
    print()
    print("| window | from s | to s |")
    print("|---|---:|---:|")
    for window in run.windows:
        end = f"{window.end:.1f}" if window.end is not None else "?"
        print(f"| {window.label} | {window.start:.1f} | {end} |")
    for name, account in accounts.items():
        print()
        print(f"{name}:")
        for key, value in account.items():
            print(f"  {key}: {value}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dealers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load (the faults are scaled to it)")
    parser.add_argument("--no-faults", action="store_true", help="load only")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=float(900),
        help="seconds to wait for the outbox afterwards (a send cut by a killed worker waits "
        "OUTBOX_STALE_SENDING_SECONDS, 600 by default)",
    )
    args = parser.parse_args()
    if stack.https_get(f"{stack.URL}/readyz")[0] != 200:
        raise SystemExit("The stack is not ready: run `make stack` first.")
    own_redis = f"redis://{stack.HOST}:{stack.PORTS['redis']}/0"
    if not args.no_faults and (
        os.environ["REDIS_URL"] != own_redis or "RUNNING" not in supervisorctl("status", "redis")
    ):
        raise SystemExit(f"The faults restart and freeze Redis: the stack must run its own ({own_redis}).")
    dealers_data = prepare(args.dealers)
    product = order_product()
    run = Run(started_monotonic=time.monotonic(), started_at=timezone.now())
    run.note(f"{args.dealers} dealers for {args.duration:.0f}s against {stack.URL}")
    stop = threading.Event()
    threads = [
        threading.Thread(target=work, args=(Dealer(run, address, pk, product), args.duration, stop), daemon=True)
        for address, pk in dealers_data
    ]
    if not args.no_faults:
        threads.append(threading.Thread(target=inject, args=(run, args.duration / 90.0, stop), daemon=True))
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        stop.set()
        raise
    finally:
        subprocess.run([str(stack.BIN / "supervisorctl"), "-c", str(stack.SUPERVISOR_CONF), "start", "all"],
                       capture_output=True, check=False)  # fmt: skip
    run.note("load over; accounting")
    accounts = {name: account(run, args.drain_timeout) for name, account in ACCOUNTS.items()}
    result = report(run, accounts, args)
    out = ROOT / "var" / "bench" / f"load_faults-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
