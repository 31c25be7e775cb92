"""What each function imports at cold start (issue 17, item 2), in a fresh
interpreter: `import app` and the services a first request builds. The API
function never loads the email sender, retention, boto3 or s3transfer, nor
PyJWT/cryptography until an officer's token is checked; the email function
never loads the officer-token check's PyJWT/cryptography."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import app
from chalicelib import bootstrap
services = bootstrap.services()
for name in sys.argv[1:]:
    getattr(services, name)
print(json.dumps(sorted(sys.modules)))
"""

ENV = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "testing",
       "AWS_SECRET_ACCESS_KEY": "testing", "TOKEN_SECRET": "t" * 48, "MAIL_FROM": "no-reply@lincs.police.example",
       "OIDC_ISSUER": "https://login.example", "OIDC_AUDIENCE": "api", "OIDC_JWKS_URL": "https://login.example/k"}


def _loaded(*services: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *services], cwd=ROOT, env=ENV, capture_output=True,
                         text=True, check=True, timeout=60)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _under(modules: set[str], *packages: str) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)}


def test_the_api_function_loads_no_email_sender_retention_boto3_or_token_library():
    loaded = _loaded("victims", "officers")
    assert "chalicelib.victims.service" in loaded  # the probe did build what a request uses
    assert _under(loaded, "chalicelib.notify", "chalicelib.retention", "boto3", "s3transfer",
                  "jwt", "cryptography") == set()


def test_the_email_function_loads_no_officer_token_library():
    loaded = _loaded("email_sender")
    assert "chalicelib.notify.sender" in loaded
    # app.py names the authorizer, so chalicelib.web.officer_auth is loaded (json, re,
    # urllib): the check itself, PyJWT and cryptography, is not.
    assert _under(loaded, "jwt", "cryptography") == set()
