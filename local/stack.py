"""The whole service on one machine, no AWS account: `make run`.

Starts, on 127.0.0.1: an embedded AWS (moto server) with the tables and the SES
sender identity; a development OIDC issuer; `chalice local --no-autoreload`;
the victim site's server (passing /api/* to the API); the stream poller and the
scheduled retries when the email sender exists. Seeds a demo case with one
victim. Ctrl-C stops everything it started.

Tests use `LocalStack` directly, each service on a free port.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_FORCE = "lincs"
DEMO_CONTACT = {"role": "victim", "forename": "Sam", "surname": "Taylor",
                "dateOfBirth": "1980-03-31", "email": "sam.taylor@example.com"}
# Fictional forces: the demo site (site/config/default.json) is "Demo Constabulary",
# and the emails' sender name must match what the victim sees on the site.
FORCES = "lincs=Demo Constabulary,avon=Second Demo Constabulary"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def _restore_environment(saved: dict[str, str]) -> None:
    """Tests run the stack inside pytest: leave the process as it was found."""
    from chalicelib import bootstrap

    os.environ.clear()
    os.environ.update(saved)
    bootstrap.reset()


class LocalStack:
    """Every part of the service, started in order and stopped in reverse."""

    def __init__(self, base_dir: Path | None = None, *, api_port: int = 0, site_port: int = 0,
                 moto_port: int = 0, issuer_port: int = 0, seed: bool = False,
                 poll_interval: float = 0.5):
        self.base_dir = Path(base_dir or ROOT / ".local")
        self.api_port = api_port or free_port()
        self.site_port = site_port or free_port()
        self.moto_port = moto_port or free_port()
        self.issuer_port = issuer_port or free_port()
        self.seed = seed
        self.poll_interval = poll_interval
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.site_url = f"http://127.0.0.1:{self.site_port}"
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.issuer_url = f"http://127.0.0.1:{self.issuer_port}"
        self.outbox_dir = self.base_dir / "outbox"
        self.log_dir = self.base_dir / "logs"
        self.demo: dict[str, str] = {}
        self._stops: list[Callable[[], None]] = []
        self.env: dict[str, str] = {}

    # -- environment -----------------------------------------------------------------

    def app_environment(self) -> dict[str, str]:
        """What a Lambda of the `dev` stage would have, pointed at this machine."""
        return {
            "STAGE": "local",
            "AWS_DEFAULT_REGION": "eu-west-2",
            "AWS_REGION": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "DYNAMODB_ENDPOINT": self.moto_url,
            "CASES_TABLE": "tmc-local-cases",
            "SESSIONS_TABLE": "tmc-local-sessions",
            "AUDIT_TABLE": "tmc-local-audit",
            "FORCES": FORCES,
            "DEFAULT_FORCE": DEMO_FORCE,
            "SITE_URL": self.site_url,
            "OIDC_ISSUER": self.issuer_url,
            "OIDC_AUDIENCE": "track-my-crime",
            "OIDC_JWKS_URL": f"{self.issuer_url}/.well-known/jwks.json",
            "ALLOW_DEV_ISSUER": "true",
            "TOKEN_SECRET": secrets.token_urlsafe(32),
            "MAIL_FROM": "no-reply@demo-constabulary.police.example",
            "OUTBOX_DIR": str(self.outbox_dir),
            "POWERTOOLS_METRICS_NAMESPACE": "TrackMyCrime",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> LocalStack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        self.env = self.app_environment()
        saved = dict(os.environ)
        os.environ.update(self.env)
        self._stops.append(lambda: _restore_environment(saved))

        # moto in a process of its own: its state is then this stack's alone, and a
        # test's in-process `mock_aws` (which shares moto's module-level state) can
        # neither see nor reset it. With local/moto_patches.py installed: a refused
        # transaction leaves no stream record, and writes are atomic, as in AWS.
        self._start_process("moto", [sys.executable, "-m", "local.moto_server",
                                     "-H", "127.0.0.1", "-p", str(self.moto_port)],
                            f"{self.moto_url}/moto-api/data.json", timeout=30)
        self._create_resources()

        from local.dev_issuer import DevIssuer, serve_jwks

        self.issuer = DevIssuer.create(self.issuer_url)
        self.issuer.save(self.base_dir / "dev-issuer")
        # The console reaches the issuer through the site server's /oidc/ (local/site_server.py).
        issuer_server = serve_jwks(self.issuer, "127.0.0.1", self.issuer_port, console_url=self.site_url,
                                   public_url=f"{self.site_url}/oidc")
        self._stops.append(issuer_server.shutdown)

        self._start_api()
        self._start_site()
        self._start_email_workers()
        if self.seed:
            self.seed_demo()

    def _create_resources(self) -> None:
        import boto3

        from chalicelib import bootstrap
        from chalicelib.storage import models

        bootstrap.reset()
        models.create_tables(bootstrap.services().settings)
        boto3.client("ses", region_name=self.env["AWS_REGION"]).verify_email_identity(
            EmailAddress=self.env["MAIL_FROM"])

    def _start_process(self, name: str, command: list[str], ready_url: str, timeout: float) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)

        def stop() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            log.close()

        self._stops.append(stop)
        _wait_for(ready_url, timeout=timeout, process=process)
        if process.poll() is not None:  # something else answered on its port
            raise RuntimeError(f"{name} exited with {process.returncode}; see {self.log_dir / name}.log")

    def _start_api(self) -> None:
        self._start_process("api", [str(Path(sys.executable).parent / "chalice"), "local", "--no-autoreload",
                                    "--host", "127.0.0.1", "--port", str(self.api_port), "--stage", "local"],
                            f"{self.api_url}/health", timeout=60)

    def _start_site(self) -> None:
        try:
            from local.site_server import make_server
        except ImportError:
            return
        site_dir = ROOT / "site" / "dist"
        if not site_dir.exists():
            return
        server = make_server("127.0.0.1", self.site_port, str(site_dir), self.api_url, self.issuer_url)
        threading.Thread(target=server.serve_forever, daemon=True, name="site").start()
        self._stops.append(server.shutdown)

    def _start_email_workers(self) -> None:
        try:
            from local.stream_poller import start_workers
        except ImportError:
            return
        self._stops.append(start_workers(self, self.poll_interval))

    def stop(self) -> None:
        while self._stops:
            with contextlib.suppress(Exception):
                self._stops.pop()()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for people and tests ----------------------------------------------------

    def officer_token(self, force: str = DEMO_FORCE, role: str = "officer", **claims: object) -> str:
        return self.issuer.mint(force=force, role=role, **claims)

    def invitation_token(self, invitation_id: str) -> str:
        from chalicelib.core import tokens

        return tokens.link_token(self.env["TOKEN_SECRET"].encode(), tokens.INVITATION, invitation_id)

    def seed_demo(self) -> None:
        from chalicelib import bootstrap
        from chalicelib.core.domain import Officer

        # The officer whose token the banner prints (the dev issuer's subject for
        # the force and role): the demo case is theirs, so `mine=true` lists it.
        officer = Officer(id=f"dev-{DEMO_FORCE}-officer", name="PC 1234 Alex Morgan", force=DEMO_FORCE,
                          roles=frozenset({"officer"}))
        crime_number = f"LC-{date.today():%Y}-{secrets.randbelow(90000) + 10000}"
        created = bootstrap.services().officers.create_case(officer, {
            "crimeNumber": crime_number,
            "officer": {"name": "PC 1234 Alex Morgan", "email": "alex.morgan@lincs.police.example"},
            "contacts": [DEMO_CONTACT],
        })
        bootstrap.services().officers.post_update(officer, crime_number, {
            "type": "crime_recorded",
            "text": "We have recorded your report of a burglary. PC Morgan is the officer in charge.",
        })
        contact = created.case.contacts[0]
        token = self.invitation_token(created.invitation_ids[contact.id])
        self.demo = {"crimeNumber": crime_number, "surname": contact.surname, "contactId": contact.id,
                     "email": contact.email, "dateOfBirth": DEMO_CONTACT["dateOfBirth"], "invitation": token,
                     "registrationLink": f"{self.site_url}/register.html#invitation={token}"}


# `make run API_PORT=9000 SITE_PORT=9080 ...`: each port can be chosen.
PORT_SETTINGS = {"api_port": ("API_PORT", 8000), "site_port": ("SITE_PORT", 8080),
                 "moto_port": ("MOTO_PORT", 5005), "issuer_port": ("ISSUER_PORT", 8001)}


def chosen_ports(env: Mapping[str, str]) -> dict[str, int]:
    """The four ports, each from its variable or its default; exits with a
    message naming the variable and the port when one is taken or not a port."""
    ports = {}
    for argument, (variable, default) in PORT_SETTINGS.items():
        raw = env.get(variable, "").strip() or str(default)
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            sys.exit(f"{variable}={raw} is not a port number")
        port = int(raw)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                sys.exit(f"port {port} ({variable}) is already in use on 127.0.0.1: stop what uses it, "
                         f"or choose another, e.g. make run {variable}={port + 100}")
        ports[argument] = port
    return ports


def export_ports(ports: Mapping[str, int], environ: MutableMapping[str, str]) -> None:
    """Each port variable set to the port chosen. `make run` passes all four,
    empty when not given, and the processes the stack starts inherit them:
    moto's server reads MOTO_PORT itself and fails on an empty one."""
    for argument, (variable, _default) in PORT_SETTINGS.items():
        environ[variable] = str(ports[argument])


def main() -> None:
    import logging

    # The console is for people: moto's request lines and the service's JSON
    # logs from in-process work (seeding, the stream poller) would bury it.
    # The API's own log is in .local/logs/api.log.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from chalicelib.observability import logger

    logger.setLevel(logging.WARNING)
    ports = chosen_ports(os.environ)
    export_ports(ports, os.environ)
    stack = LocalStack(**ports, seed=True)
    print("Starting the local stack (moto server, tables, issuer, chalice local)...", flush=True)
    stack.start()
    demo = stack.demo
    from local.dev_issuer import DEMO_OFFICERS

    officers = "\n".join(f"  - {o.name}: {o.force_name} ({o.force}), {o.role}" for o in DEMO_OFFICERS)
    print(f"""
Track My Crime is running on this machine.

  API:              {stack.api_url}   (try {stack.api_url}/health)
  Victim site:      {stack.site_url}
  Officer console:  {stack.site_url}/officer/index.html
  Embedded AWS:     {stack.moto_url}  (moto server; sent mail: {stack.moto_url}/moto-api/data.json)
  Emails, texts:    {stack.outbox_dir}/  (.eml and .sms files)
  API log:          {stack.log_dir}/api.log

Demo case {demo['crimeNumber']} (force {DEMO_FORCE}); victim {DEMO_CONTACT['forename']} {demo['surname']},
date of birth {demo['dateOfBirth']}; contact id {demo['contactId']} (to reply: README, "Messages both ways").

Registration link for the demo victim:
  {demo['registrationLink']}
Invitation token (for POST /victim/register):
{demo['invitation']}

Officer console: sign in on the development issuer's page as one of
{officers}
The demo case is {DEMO_OFFICERS[0].name}'s: after the demo victim sends a message, it is in the inbox.

Officer token (force {DEMO_FORCE}, role officer; valid 1 hour; `make officer-token` for another):
{stack.officer_token()}

Press Ctrl-C to stop.
""", flush=True)
    try:
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
