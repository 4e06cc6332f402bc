"""The complete sign-in of each measured app, as a visitor does it, with every answer checked.

A sign-in is four requests: GET the sign-in page (CSRF cookie and token), POST e-mail and password
(302 to the code step), POST the code computed from the account's secret (302 to the home page),
GET the home page (200 and the account's e-mail on it). Anything else is a ``FlowError``.
"""

import time
from dataclasses import dataclass

from bench.browser import Browser, Response
from twostep.otp import b32decode, time_step, totp

STEPS = ("page", "password", "code", "home")


@dataclass(frozen=True)
class Flow:
    name: str
    signin_path: str
    login_field: str
    code_path: str
    home_path: str = "/"


TWOSTEP = Flow("twostep", "/signin/", "email", "/signin/code/")
ALLAUTH = Flow("allauth", "/accounts/login/", "login", "/accounts/2fa/authenticate/")
FLOWS = {flow.name: flow for flow in (TWOSTEP, ALLAUTH)}


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    secret: str  # base32

    def code(self, now: int) -> str:
        return totp(b32decode(self.secret), now=now)


class FlowError(Exception):
    def __init__(self, step: str, detail: str):
        super().__init__(f"{step}: {detail}")
        self.step, self.detail = step, detail


def _expect(step: str, response: Response, status: int, location: str | None = None) -> None:
    if response.status != status or (location is not None and response.location != location):
        raise FlowError(step, f"HTTP {response.status} to {response.location or '-'} "
                              f"(expected {status}{' to ' + location if location else ''})")


def begin(browser: Browser, flow: Flow, account: Account) -> tuple[dict[str, float], str]:
    """The page and password steps; returns their times (seconds) and the CSRF token."""
    page = browser.get(flow.signin_path)
    _expect("page", page, 200)
    token = page.csrf_token()
    if not token:
        raise FlowError("page", "no CSRF token on the sign-in page")
    password = browser.post(flow.signin_path, {"csrfmiddlewaretoken": token, flow.login_field: account.email,
                                               "password": account.password})
    _expect("password", password, 302, flow.code_path)
    return {"page": page.seconds, "password": password.seconds}, token


def post_code(browser: Browser, flow: Flow, account: Account, token: str) -> tuple[float, int]:
    """The code step; returns its time (seconds) and the time step of the code sent."""
    now = int(time.time())
    reply = browser.post(flow.code_path, {"csrfmiddlewaretoken": token, "code": account.code(now)})
    _expect("code", reply, 302, flow.home_path)
    return reply.seconds, time_step(now)


def check_home(browser: Browser, flow: Flow, account: Account) -> float:
    """The home page answers 200 with the account's e-mail on it: the visitor really is signed in."""
    home = browser.get(flow.home_path)
    _expect("home", home, 200)
    if account.email.encode() not in home.body:
        raise FlowError("home", "the home page does not show the account's e-mail")
    return home.seconds


def sign_in(base: str, flow: Flow, account: Account, *, tls_proxy: bool = True) -> tuple[dict[str, float], int]:
    """One complete sign-in in a new browser; returns the step times and the code's time step.
    Raises FlowError (or OSError) when any answer is not the expected one."""
    browser = Browser(base, tls_proxy=tls_proxy)
    times, token = begin(browser, flow, account)
    times["code"], step = post_code(browser, flow, account, token)
    times["home"] = check_home(browser, flow, account)
    return times, step
