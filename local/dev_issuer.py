"""A development OIDC issuer for the local stack: an RSA key made at start-up,
its JWKS served over HTTP on loopback, and tokens signed with it.

This file is never packaged (Chalice bundles app.py and chalicelib/ only), and
the prod stage refuses a loopback issuer (chalicelib/config.py).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "track-my-crime"


@dataclass
class DevIssuer:
    issuer: str
    private_pem: bytes
    kid: str
    audience: str = AUDIENCE

    @classmethod
    def create(cls, issuer: str) -> DevIssuer:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return cls(issuer=issuer, private_pem=pem, kid=uuid.uuid4().hex)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "private.pem").write_bytes(self.private_pem)
        (folder / "private.pem").chmod(0o600)
        (folder / "issuer.json").write_text(json.dumps(
            {"issuer": self.issuer, "kid": self.kid, "audience": self.audience}))

    @classmethod
    def load(cls, folder: Path) -> DevIssuer:
        meta = json.loads((folder / "issuer.json").read_text())
        return cls(issuer=meta["issuer"], private_pem=(folder / "private.pem").read_bytes(),
                   kid=meta["kid"], audience=meta["audience"])

    def jwks(self) -> dict:
        private = serialization.load_pem_private_key(self.private_pem, password=None)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def mint(self, *, force: str = "lincs", role: str = "officer", name: str = "PC Demo Officer",
             subject: str | None = None, lifetime: int = 3600, **extra: object) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": subject or f"dev-{force}-{role}",
                  "name": name, "force": force, "roles": [role], "iat": now, "nbf": now,
                  "exp": now + lifetime, **extra}
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


def serve_jwks(issuer: DevIssuer, host: str, port: int) -> ThreadingHTTPServer:
    """Serves the issuer's discovery document and JWKS in a daemon thread."""
    documents = {
        "/.well-known/jwks.json": issuer.jwks(),
        "/.well-known/openid-configuration": {
            "issuer": issuer.issuer, "jwks_uri": f"{issuer.issuer}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"]},
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            document = documents.get(self.path)
            body = json.dumps(document or {"error": "not found"}).encode()
            self.send_response(200 if document else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="dev-issuer").start()
    return server


def main() -> None:
    """`make officer-token`: a token from the running local stack's issuer."""
    import argparse

    parser = argparse.ArgumentParser(description="Print an officer token for the local stack.")
    parser.add_argument("--force", default="lincs")
    parser.add_argument("--role", default="officer")
    parser.add_argument("--name", default="PC Demo Officer")
    parser.add_argument("--dir", default=".local/dev-issuer")
    args = parser.parse_args()
    folder = Path(args.dir)
    if not (folder / "issuer.json").exists():
        raise SystemExit("No local issuer yet: start the stack with `make run` first.")
    print(DevIssuer.load(folder).mint(force=args.force, role=args.role, name=args.name))


if __name__ == "__main__":
    main()
