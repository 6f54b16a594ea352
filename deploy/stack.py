"""`make stack` / `make stack-stop`: the portal as production runs it, on this machine.

    python deploy/stack.py up       # start everything (idempotent), print the URL and logins
    python deploy/stack.py up --env OUTBOX_SWEEP_INTERVAL_SECONDS=15   # a setting for every process
    python deploy/stack.py down     # stop every process `up` started
    python deploy/stack.py status   # the processes and their state
    python deploy/stack.py env      # the environment the portal's processes get (shell syntax)

What runs, each process supervised by supervisord (var/stack/), which restarts any that
dies, as systemd's Restart=always does on a real host (deploy/systemd/):

    nginx :8443 (TLS) ──round robin──▶ gunicorn web1 :8001, web2 :8002   (DEBUG off)
    celery worker1, worker2 (prefork, 2 processes each; they render the documents' PDFs
        with WeasyPrint, whose pango `up` installs when missing), celery beat
    Redis :6380 (broker db 0, cache db 1), a Redis of the stack's own: the load-and-fault
        script restarts and freezes it, which must not disturb anything else on the machine
    PostgreSQL :5432, database ereps_stack (the machine's server; started if it is down)
    S3: moto server :9000, behind nginx's TLS on :9443 (bucket ereps-stack): uploads
    SMTP: deploy/smtp_sink.py :2525, writing a Maildir (var/stack/maildir)

Static files are collected (hashed, compressed) into var/stack/static and served by
WhiteNoise from each web node. The TLS certificate is self-signed (var/stack/tls/).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
HERE = BASE / "var" / "stack"
RUN, LOG, TLS = HERE / "run", HERE / "log", HERE / "tls"
# nginx's workers run as www-data and buffer request bodies (uploads, the S3 PUTs of the
# documents) in these folders. Not under the checkout: a checkout in a private folder
# (mktemp -d makes it 0700) would stop www-data on the way there, and every upload would
# fail with « Permission denied ». One folder per checkout, in the system's temp folder.
NGINX_TEMP = Path(tempfile.gettempdir()) / f"ereps-stack-nginx-{hashlib.sha256(str(BASE).encode()).hexdigest()[:12]}"
MAILDIR = HERE / "maildir"
BIN = Path(sys.executable).parent  # the virtualenv that runs this script

HOST = "127.0.0.1"
PORTS = {"https": 8443, "http": 8080, "web1": 8001, "web2": 8002, "redis": 6380, "s3": 9000, "s3_tls": 9443}
# Each web node also behind TLS on a port of its own (no round robin): to pick a node.
NODE_TLS_PORTS = {"web1": 8444, "web2": 8445}
SMTP_PORT = 2525
WEB_NODES = ("web1", "web2")
WORKERS = ("worker1", "worker2")
DATABASE = "ereps_stack"
BUCKET = "ereps-stack"
QUEUE = "ereps-stack"
URL = f"https://{HOST}:{PORTS['https']}"
CERT, KEY = TLS / "cert.pem", TLS / "key.pem"
SUPERVISOR_CONF = RUN / "supervisord.conf"
INFRASTRUCTURE = ("redis", "s3", "smtp")
APPLICATION = (*WEB_NODES, *WORKERS, "beat", "nginx")


OVERRIDES = HERE / "overrides.env"


def stack_environment(*, secret_key: str | None = None) -> dict[str, str]:
    """What every portal process of the stack gets: production settings (`check --deploy`
    is clean under them, tests/test_deploy_check.py), pointed at the stack's services,
    plus the `up --env KEY=VALUE` overrides of the last `up` (e.g. shorter outbox delays)."""
    return {**_base_environment(secret_key=secret_key), **_overrides()}


def _overrides() -> dict[str, str]:
    if not OVERRIDES.exists():
        return {}
    pairs = (line.split("=", 1) for line in OVERRIDES.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def _base_environment(*, secret_key: str | None = None) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "ereps.settings",
        "DEBUG": "false",
        "SECRET_KEY": secret_key or _secret_key(),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CSRF_TRUSTED_ORIGINS": ",".join([URL, f"https://localhost:{PORTS['https']}", *node_urls()]),
        "SITE_URL": URL,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://{HOST}:{PORTS['redis']}/0",
        "CACHE_URL": f"redis://{HOST}:{PORTS['redis']}/1",
        "CACHE_KEY_PREFIX": "ereps-stack",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
        "EMAIL_TIMEOUT": "10",
        "DEFAULT_FROM_EMAIL": "e-REPS <noreply@ereps.localhost>",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"https://{HOST}:{PORTS['s3_tls']}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "stack",
        "AWS_SECRET_ACCESS_KEY": "stack-secret",
        "AWS_CA_BUNDLE": str(CERT),  # boto3 trusts the stack's self-signed certificate
        "STATIC_ROOT": str(HERE / "static"),
        "MEDIA_ROOT": str(HERE / "media"),
        "USE_X_FORWARDED_PROTO": "true",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }


def _secret_key() -> str:
    path = HERE / "secret_key"
    if not path.exists():
        HERE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- helpers ---------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(args: list[str], *, env: dict[str, str] | None = None, quiet: bool = False) -> str:
    result = subprocess.run(
        args, cwd=BASE, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip())
    return result.stdout


def manage(*args: str, quiet: bool = False) -> str:
    return run([str(BIN / "python"), "manage.py", *args], env=stack_environment(), quiet=quiet)


def wait_for(what: str, check: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}; see {LOG}")


def supervisorctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), *args], capture_output=True, text=True, check=False
    )
    if check and result.returncode not in (0, 3):  # 3: some process not running (status)
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"supervisorctl {' '.join(args)} failed")
    return result


def supervisord_running() -> bool:
    pid_file = RUN / "supervisord.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


# --- the parts -------------------------------------------------------------------------


def ensure_nginx() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if Path(nginx).exists():
        return nginx
    say("Installing nginx (Debian's nginx-light)")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env, quiet=True)
    try:
        run(["apt-get", "install", "-y", "-qq", "nginx-light"], env=env, quiet=True)
    except SystemExit:
        run(["apt-get", "install", "-y", "-qq", "nginx"], env=env, quiet=True)
    # Debian may start its default server on port 80 after installing: not ours to keep.
    subprocess.run(["nginx", "-s", "quit"], capture_output=True, check=False)
    return shutil.which("nginx") or "/usr/sbin/nginx"


# WeasyPrint (the workers' PDFs) loads pango and its fonts at run time.
PDF_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")


def missing_packages(packages: tuple[str, ...]) -> list[str]:
    """The Debian packages of ``packages`` that are not installed."""
    missing = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if "ok installed" not in result.stdout:
            missing.append(package)
    return missing


def ensure_pdf_libraries() -> None:
    missing = missing_packages(PDF_PACKAGES)
    if not missing:
        return
    say(f"Installing WeasyPrint's libraries for the documents ({' '.join(missing)})")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env, quiet=True)
    run(["apt-get", "install", "-y", "-qq", *missing], env=env, quiet=True)


def ensure_postgresql() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode != 0:
        say("Starting PostgreSQL")
        version = sorted(os.listdir("/etc/postgresql"))[0]
        run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], quiet=True)
        (RUN / "started-postgresql").write_text(version)
        wait_for(
            "PostgreSQL", lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0
        )
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            say(f"Creating the database {DATABASE}")
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def ensure_certificate() -> None:
    if CERT.exists() and KEY.exists():
        return
    TLS.mkdir(parents=True, exist_ok=True)
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
            "-keyout", str(KEY), "-out", str(CERT), "-subj", "/CN=ereps-stack",
            "-addext", f"subjectAltName=IP:{HOST},DNS:localhost",
        ],
        quiet=True,
    )  # fmt: skip
    KEY.chmod(0o600)


def render_nginx_conf() -> Path:
    from django.conf import settings

    servers = "\n".join(f"        server {HOST}:{PORTS[node]} max_fails=1 fail_timeout=5s;" for node in WEB_NODES)
    values = {
        "RUN": str(RUN),
        "NGINX_TEMP": str(NGINX_TEMP),
        "LOG": str(LOG),
        "CERT": str(CERT),
        "KEY": str(KEY),
        "HOST": HOST,
        "HTTP_PORT": str(PORTS["http"]),
        "HTTPS_PORT": str(PORTS["https"]),
        "S3_PORT": str(PORTS["s3"]),
        "S3_TLS_PORT": str(PORTS["s3_tls"]),
        "UPSTREAM_SERVERS": servers,
        "NODE_ENTRY_POINTS": "\n".join(_node_entry_point(node) for node in WEB_NODES),
        # The largest form with files, plus 10 % for the multipart framing and the fields.
        "CLIENT_MAX_BODY_SIZE": str(int(settings.UPLOAD_REQUEST_MAX_BYTES * 1.1)),
    }
    text = (BASE / "deploy" / "nginx.conf.template").read_text()
    text = text.replace("{{NODE_ENTRY_POINTS}}", values.pop("NODE_ENTRY_POINTS"))
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    assert "{{" not in text, "a placeholder of nginx.conf.template was not filled"
    conf = RUN / "nginx.conf"
    conf.write_text(text)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (NGINX_TEMP / name).mkdir(parents=True, exist_ok=True)
    for folder in (NGINX_TEMP, *NGINX_TEMP.iterdir()):
        shutil.chown(folder, "www-data")
    return conf


def _node_entry_point(node: str) -> str:
    return f"""    server {{
        listen {HOST}:{NODE_TLS_PORTS[node]} ssl;
        client_max_body_size {{{{CLIENT_MAX_BODY_SIZE}}}};
        location / {{
            proxy_pass http://{HOST}:{PORTS[node]};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
        }}
    }}"""


def node_urls() -> list[str]:
    return [f"https://{HOST}:{NODE_TLS_PORTS[node]}" for node in WEB_NODES]


def programs(nginx: str, nginx_conf: Path) -> dict[str, str]:
    """Each supervised process: its command line."""
    py = str(BIN / "python")
    commands = {
        "redis": (
            f"redis-server --port {PORTS['redis']} --bind {HOST} --save '' --appendonly no --dir {RUN} --logfile ''"
        ),
        "s3": f"{BIN / 'moto_server'} -H {HOST} -p {PORTS['s3']}",
        "smtp": f"{py} deploy/smtp_sink.py --host {HOST} --port {SMTP_PORT} --maildir {MAILDIR}",
        "beat": f"{BIN / 'celery'} -A ereps beat --loglevel INFO --schedule {RUN / 'celerybeat-schedule'}",
        "nginx": f"{nginx} -c {nginx_conf}",
    }
    for node in WEB_NODES:
        commands[node] = (
            f"{BIN / 'gunicorn'} ereps.wsgi --name ereps-{node} --bind {HOST}:{PORTS[node]} --workers 3 "
            "--timeout 30 --graceful-timeout 20 --max-requests 5000 --max-requests-jitter 500"
        )
    for worker in WORKERS:
        commands[worker] = (
            f"{BIN / 'celery'} -A ereps worker -n {worker}@%%h -Q {QUEUE} --concurrency 2 -O fair "
            "--loglevel INFO --without-gossip --without-mingle"
        )
    return commands


def write_supervisor_conf(commands: dict[str, str]) -> None:
    env = ",".join(f'{k}="{v.replace("%", "%%")}"' for k, v in stack_environment().items())
    lines = [
        "; Written by deploy/stack.py (make stack). Do not edit: it is rewritten on every `up`.",
        "[unix_http_server]",
        f"file={RUN / 'supervisor.sock'}",
        "[supervisord]",
        f"logfile={LOG / 'supervisord.log'}",
        f"pidfile={RUN / 'supervisord.pid'}",
        f"childlogdir={LOG}",
        f"directory={BASE}",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]",
        f"serverurl=unix://{RUN / 'supervisor.sock'}",
    ]
    for name, command in commands.items():
        lines += [
            f"[program:{name}]",
            f"command={command}",
            f"directory={BASE}",
            f"environment={env}",
            # Started by `up` in order: infrastructure first, the portal once the database is migrated.
            "autostart=false",
            "autorestart=true",  # a process that dies, whatever the exit, is started again
            "startsecs=2",
            "startretries=1000",
            "stopasgroup=true",
            "killasgroup=true",
            "stopwaitsecs=25",
            "redirect_stderr=true",
            f"stdout_logfile={LOG / (name + '.log')}",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=2",
        ]
    SUPERVISOR_CONF.write_text("\n".join(lines) + "\n")


def create_bucket() -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=f"http://{HOST}:{PORTS['s3']}",
        aws_access_key_id="stack",
        aws_secret_access_key="stack-secret",  # noqa: S106 - moto's, local only
        region_name="us-east-1",
    )
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)


def https_get(url: str, timeout: float = 3) -> tuple[int, bytes]:
    context = ssl.create_default_context(cafile=str(CERT))
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


# --- commands --------------------------------------------------------------------------


def up(overrides: list[str]) -> None:
    for folder in (RUN, LOG, MAILDIR, TLS):
        folder.mkdir(parents=True, exist_ok=True)
    for pair in overrides:
        if "=" not in pair or not pair.split("=", 1)[0].isidentifier():
            raise SystemExit(f"--env takes KEY=VALUE, not {pair!r}")
    OVERRIDES.write_text("".join(f"{pair}\n" for pair in overrides))
    os.environ.update(stack_environment())
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    nginx = ensure_nginx()
    ensure_pdf_libraries()
    ensure_postgresql()
    ensure_certificate()
    nginx_conf = render_nginx_conf()
    run([nginx, "-t", "-q", "-c", str(nginx_conf)], quiet=True)
    write_supervisor_conf(programs(nginx, nginx_conf))

    infrastructure = list(INFRASTRUCTURE)
    if supervisord_running():
        say("supervisord already runs: reloading its configuration")
        supervisorctl("update")
    else:
        if port_open(PORTS["redis"]):  # a Redis runs there already: use it, do not start another
            say(f"A Redis already answers on port {PORTS['redis']}: the stack uses it")
            infrastructure.remove("redis")
        say("Starting supervisord (Redis, S3, SMTP first)")
        run([str(BIN / "supervisord"), "-c", str(SUPERVISOR_CONF)], quiet=True)
    supervisorctl("start", *infrastructure)
    wait_for("Redis", lambda: port_open(PORTS["redis"]))
    wait_for("the S3 server", lambda: port_open(PORTS["s3"]))
    wait_for("the SMTP sink", lambda: port_open(SMTP_PORT))
    create_bucket()

    say("Migrating, compiling translations, collecting static files (hashed, compressed)")
    manage("migrate", "--noinput", quiet=True)
    manage("compilemessages", "--ignore=.venv", "-v0", quiet=True)
    manage("collectstatic", "--noinput", "-v0", quiet=True)
    say("Starting web nodes, workers, beat and nginx")
    supervisorctl("start", *APPLICATION)
    supervisorctl("signal", "HUP", "nginx")  # a running nginx reads its (rewritten) configuration again
    for node in WEB_NODES:
        wait_for(f"{node}", lambda node=node: urllib.request.urlopen(
            f"http://{HOST}:{PORTS[node]}/healthz", timeout=2).status == 200)  # fmt: skip
    wait_for("/readyz through nginx", lambda: https_get(f"{URL}/readyz")[0] == 200)
    say("Demo data (seed_demo --force)")
    seed = manage("seed_demo", "--force", quiet=True)
    print()
    print(f"e-REPS runs at {URL}/  (self-signed certificate: {CERT})")
    print(f"  admin: {URL}/admin/   staff page « État du service »: {URL}/admin/status/")
    print(f"  probes: {URL}/healthz  {URL}/readyz   mails: {MAILDIR}/new/   logs: {LOG}/")
    print("\n".join("  " + line for line in seed.strip().splitlines()))
    print("Stop it with: make stack-stop")


def down() -> None:
    if supervisord_running():
        say("Stopping every process of the stack")
        supervisorctl("shutdown", check=False)
        wait_for("supervisord to exit", lambda: not supervisord_running(), timeout=90)
    else:
        say("The stack is not running")
    marker = RUN / "started-postgresql"
    if marker.exists():
        say("Stopping PostgreSQL (the stack started it)")
        run(["pg_ctlcluster", "--skip-systemctl-redirect", marker.read_text().strip(), "main", "stop"], quiet=True)
        marker.unlink()


def status() -> None:
    if not supervisord_running():
        print("The stack is not running.")
        return
    print(supervisorctl("status", check=False).stdout.rstrip())


def print_env() -> None:
    """For `eval`: the portal's environment, plus where the browser tests find the stack."""
    for key, value in stack_environment().items():
        print(f"export {key}='{value}'")
    print(f"export BROWSER_BASE_URL='{URL}'")
    print(f"export BROWSER_NODE_URLS='{','.join(node_urls())}'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status", "env"])
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="up: a setting for every process of the stack, e.g. --env OUTBOX_SWEEP_INTERVAL_SECONDS=15 "
        "(kept until the next up)",
    )
    args = parser.parse_args()
    if args.command == "up":
        up(args.env)
    else:
        {"down": down, "status": status, "env": print_env}[args.command]()


if __name__ == "__main__":
    main()
