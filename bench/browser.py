"""A minimal cookie-keeping HTTP client on http.client (loopback only), cheap enough that the load
driver takes little CPU from the servers it measures. Redirects are returned, not followed.

With ``tls_proxy`` (the default) requests carry ``X-Forwarded-Proto: https`` as a TLS-terminating proxy
in front of the app servers would, so the servers run with their production security settings (secure
cookies, HTTPS redirect).
"""

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    seconds: float  # wall time from connecting to the last byte

    def csrf_token(self) -> str | None:
        match = CSRF_INPUT.search(self.body)
        return match.group(1).decode() if match else None


class Browser:
    """One visitor: its cookies, one request at a time. ``base`` like ``http://127.0.0.1:8123``."""

    def __init__(self, base: str, timeout: float = 60.0, *, tls_proxy: bool = True):
        parts = urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"benchmarks only talk to loopback, not {parts.hostname}")
        self.host, self.port, self.timeout, self.tls_proxy = parts.hostname, parts.port, timeout, tls_proxy
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], referer: str = "") -> Response:
        return self.request("POST", path, urlencode(fields).encode(), referer=referer)

    def request(self, method: str, path: str, body: bytes | None = None, referer: str = "") -> Response:
        origin = f"{'https' if self.tls_proxy else 'http'}://{self.host}:{self.port}"
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "twostep-bench"}
        if self.tls_proxy:  # as behind a TLS-terminating proxy on the same host, which is how production runs
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = f"{origin}{referer or path}"
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - start
        self._keep_cookies(reply.msg.get_all("Set-Cookie") or [])
        return Response(reply.status, reply.getheader("Location", ""), data, seconds)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
