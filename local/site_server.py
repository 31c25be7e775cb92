"""Serves the built victim site and officer console, passes /api/* to the local
API and, when given the development issuer, /oidc/* to it.

In production CloudFront serves the site from S3 and routes /api/* to API
Gateway (stage ``api``), so the browser sees one origin and the session cookie
(``__Host-``, SameSite=Strict) works. This server gives the same shape on one
machine: static files from ``site/dist`` with the security headers that
CloudFront's response-headers policy adds, and a proxy that strips the ``/api``
prefix because ``chalice local`` serves the routes at the root.

The officer console signs in with OIDC. A force's identity provider is on its
own origin, which the console's CSP must then name in connect-src; locally the
development issuer is reached through /oidc/ on this origin instead, so the
console runs under exactly the victim site's policy ('self') and the issuer
needs no CORS.

    python -m local.site_server --port 8080 --api http://127.0.0.1:8000 --site site/dist
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import mimetypes
import sys
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Kept in step with the CloudFront response-headers policy in infra/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        # No script of ours or of govuk-frontend writes HTML from strings:
        # forbid it outright, so an injected string can never become markup.
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}

# Request headers passed to the API; everything else stays here.
FORWARDED_REQUEST_HEADERS = ("Content-Type", "Cookie", "Accept", "Accept-Language", "Origin", "Authorization",
                             "User-Agent")
# Hop-by-hop headers (RFC 9110 §7.6.1), and those this server sets itself.
NOT_RETURNED = {
    "server", "date", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
    "content-length",
}
MAX_BODY_BYTES = 1024 * 1024


class SiteHandler(http.server.BaseHTTPRequestHandler):
    server_version = "tmc-site"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, site_dir: Path, api: tuple[str, str, str],
                 issuer: tuple[str, str, str] | None = None, **kwargs):
        self.site_dir = site_dir
        self.api = api
        self.issuer = issuer
        super().__init__(*args, **kwargs)

    # --- routing -----------------------------------------------------------

    def do_GET(self) -> None:
        self._route(send_body=True)

    def do_HEAD(self) -> None:
        self._route(send_body=False)

    def do_POST(self) -> None:
        self._route(send_body=True)

    def do_PUT(self) -> None:
        self._route(send_body=True)

    def do_PATCH(self) -> None:
        self._route(send_body=True)

    def do_DELETE(self) -> None:
        self._route(send_body=True)

    def do_OPTIONS(self) -> None:
        self._route(send_body=True)

    def _route(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == "/api" or path.startswith("/api/"):
            self._proxy(send_body, self.api, "/api")
        elif self.issuer is not None and path.startswith("/oidc/"):
            self._proxy(send_body, self.issuer, "/oidc")
        elif self.command in ("GET", "HEAD"):
            self._static(path, send_body)
        else:
            self._send(405, b"Method not allowed\n", "text/plain; charset=utf-8", send_body,
                       {"Allow": "GET, HEAD"})

    # --- static files ------------------------------------------------------

    def _static(self, path: str, send_body: bool) -> None:
        file = self._resolve(path)
        if file is None:
            # A Welsh address that finds nothing gets the Welsh "page not found".
            welsh = path.startswith("/cy/") and (self.site_dir / "cy" / "404.html").is_file()
            missing = self.site_dir / ("cy/404.html" if welsh else "404.html")
            body = missing.read_bytes() if missing.is_file() else b"Not found\n"
            self._send(404, body, CONTENT_TYPES[".html"], send_body, {"Cache-Control": "no-cache"})
            return
        content_type = (CONTENT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
                        or "application/octet-stream")
        # Pages and scripts change with each build: always revalidate. The officer
        # console's pages are never stored at all, so Back after signing out
        # cannot bring one back from a cache.
        officer = path.startswith(("/officer/", "/cy/officer/")) and file.suffix == ".html"
        self._send(200, file.read_bytes(), content_type, send_body,
                   {"Cache-Control": "no-store" if officer else "no-cache"})

    def _resolve(self, path: str) -> Path | None:
        relative = unquote(path).lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        candidate = (self.site_dir / relative).resolve()
        # Nothing outside the site folder, whatever "..", "%2e" or symlinks say.
        if not candidate.is_relative_to(self.site_dir) or not candidate.is_file():
            return None
        return candidate

    # --- the API -----------------------------------------------------------

    def _proxy(self, send_body: bool, upstream: tuple[str, str, str], prefix: str) -> None:
        scheme, host_port, base_path = upstream
        split = urlsplit(self.path)
        upstream_path = base_path + split.path[len(prefix) :] or "/"
        if split.query:
            upstream_path += "?" + split.query
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send_json(413, {"code": "too_large", "message": "The request is too large"}, send_body)
            return
        body = self.rfile.read(length) if length else None
        headers = {name: self.headers[name] for name in FORWARDED_REQUEST_HEADERS if self.headers.get(name)}
        headers["X-Forwarded-For"] = self.client_address[0]
        headers["X-Forwarded-Proto"] = "https"
        connection_class = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = connection_class(host_port, timeout=60)
        try:
            connection.request(self.command, upstream_path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            answer_headers = response.getheaders()  # a list: repeated Set-Cookie survive
            status = response.status
        except OSError:
            unavailable = {"code": "api_unavailable", "message": "The service is not available"}
            self._send_json(502, unavailable, send_body)
            return
        finally:
            connection.close()
        self.send_response(status)
        present = set()
        for name, value in answer_headers:
            if name.lower() in NOT_RETURNED:
                continue
            present.add(name.lower())
            self.send_header(name, value)
        # CloudFront's policy applies to every answer; add what the API did not.
        for name, value in SECURITY_HEADERS.items():
            if name.lower() not in present:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if send_body and self.command != "HEAD":
            self.wfile.write(payload)

    # --- helpers -----------------------------------------------------------

    def _send_json(self, status: int, document: dict, send_body: bool) -> None:
        self._send(status, json.dumps(document).encode(), "application/json", send_body,
                   {"Cache-Control": "no-store"})

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool,
              extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **extra}.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if getattr(self.server, "quiet", False):
            return
        # Only the path, never the query: nothing a browser sends in it is logged.
        status = args[1] if len(args) > 1 else ""
        sys.stderr.write(f"site {self.command} {urlsplit(self.path).path} {status}\n")


def _parse_api_url(api_url: str) -> tuple[str, str, str]:
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"api_url must be http(s)://host:port[/path], not {api_url!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def make_server(host: str, port: int, site_dir: str, api_url: str,
                issuer_url: str | None = None) -> http.server.ThreadingHTTPServer:
    """A server (not yet started) for the built site at ``site_dir``, ``/api/*`` → ``api_url``
    and, if given, ``/oidc/*`` → ``issuer_url`` (the development issuer).

    Port 0 picks a free port: read it back from ``server.server_address``.
    """
    directory = Path(site_dir).resolve()
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"{directory} has no index.html: build the site first (make site)")
    handler = partial(SiteHandler, site_dir=directory, api=_parse_api_url(api_url),
                      issuer=_parse_api_url(issuer_url) if issuer_url else None)
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.quiet = False
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the victim site and proxy /api/* to the local API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the local API (chalice local)")
    parser.add_argument("--site", default="site/dist", help="the built site")
    parser.add_argument("--issuer", default=None, help="the development issuer, served under /oidc/")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    options = parser.parse_args(argv)
    server = make_server(options.host, options.port, options.site, options.api, options.issuer)
    server.quiet = options.quiet
    host, port = server.server_address[:2]
    print(f"Victim site on http://{host}:{port}/ (API {options.api} under /api/)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
