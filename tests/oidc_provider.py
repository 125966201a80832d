"""A tiny OpenID Connect provider for tests: generated RSA key, served by a thread on
127.0.0.1 (no internet). Tests set ``claims`` (merged into the next ID token) and
``sign_with_wrong_key`` to provoke refusals.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class LocalOidcProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.wrong_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.client_id = "bti-test-client"
        self.client_secret = "test-secret-" + secrets.token_hex(16)
        self.claims: dict[str, Any] = {}
        self.sign_with_wrong_key = False
        # "HS256" signs with the client secret (the classic algorithm confusion), "none" not at all.
        self.algorithm = "RS256"
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LocalOidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        self.claims = {}
        self.sign_with_wrong_key = False
        self.algorithm = "RS256"

    def rotate_key(self) -> None:
        """A new signing key under a new ``kid``, as an IdP rotates its keys."""
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"test-key-{secrets.token_hex(4)}"

    # --- what the endpoints do -------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def authorize(self, params: dict[str, str]) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        return f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("client_secret") != self.client_secret:
            return 400, {"error": "invalid_grant"}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(b"=")
        if challenge.decode() != request["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": request["client_id"],
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            "nonce": request["nonce"],
        }
        claims.update(self.claims)
        key: Any = self.wrong_key if self.sign_with_wrong_key else self.key
        if self.algorithm == "HS256":
            key = self.client_secret
        if self.algorithm == "none":
            header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": self.kid}).encode()).rstrip(b"=")
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
            id_token = (header + b"." + body + b".").decode()
        else:
            id_token = jwt.encode(claims, key, algorithm=self.algorithm, headers={"kid": self.kid})
        return 200, {"id_token": id_token, "access_token": "at", "token_type": "Bearer"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/.well-known/openid-configuration":
                    self._json(200, provider.discovery())
                elif parts.path == "/jwks":
                    self._json(200, provider.jwks())
                elif parts.path == "/authorize":
                    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(params))
                    self.end_headers()
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self._json(*provider.token(form))
                else:
                    self._json(404, {"error": "not found"})

        return Handler
