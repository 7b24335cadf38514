"""Stripe, the one thing the gift tests stand in for: its API server and its webhook signatures.

`FakeStripeAPI` is a tiny HTTP server on loopback that answers the official `stripe` library's
Checkout Session call (stripe.api_base points at it), so the library's real request goes over
a real socket and the test reads what Newsroom asked for. `signed()` signs a webhook body the
way Stripe documents it: header `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
endpoint's secret>`.

The fixtures every gift test starts from live here too (tests/conftest.py registers this
module as a plugin): `stripe_on` sets Stripe up in the settings, `stripe_api` points the
library at a running `FakeStripeAPI`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_harbour_gazette"  # a test's own secret
SECRET_KEY = "sk_test_harbour_gazette"


def signature(body: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event(kind: str, data: dict[str, Any], *, event_id: str = "evt_test_1") -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": data},
        }
    )


def paid_session(
    campaign_id: int,
    *,
    session_id: str = "cs_test_a1",
    amount: int = 2500,
    currency: str = "gbp",
    name: str = "Morwenna Pascoe",
    email: str = "morwenna@example.test",
    mode: str = "payment",
    invoice: str | None = None,
    subscription: str | None = None,
    payment_status: str = "paid",
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": mode,
        "payment_status": payment_status,
        "amount_total": amount,
        "currency": currency,
        "created": int(time.time()),
        "customer_details": {"email": email, "name": "Card Holder"},
        "metadata": {"campaign": str(campaign_id), "donor_name": name, "frequency": "one_off"},
        "invoice": invoice,
        "subscription": subscription,
    }


def paid_invoice(
    campaign_id: int,
    *,
    invoice_id: str,
    subscription: str = "sub_test_1",
    amount: int = 1000,
    email: str = "morwenna@example.test",
    name: str = "Morwenna Pascoe",
    reason: str = "subscription_cycle",
) -> dict[str, Any]:
    metadata = {"campaign": str(campaign_id), "donor_name": name, "frequency": "monthly"}
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_paid": amount,
        "currency": "gbp",
        "customer_email": email,
        "billing_reason": reason,
        "created": int(time.time()),
        "status_transitions": {"paid_at": int(time.time())},
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription, "metadata": metadata},
        },
    }


class FakeStripeAPI:
    """Answers POST /v1/checkout/sessions like Stripe's API; `status` makes it refuse."""

    def __init__(self, port: int | None = None) -> None:
        self.requests: list[dict[str, list[str]]] = []
        self.status = 200
        # Where the sessions' payment pages are: Stripe's, or this server (for a browser).
        self.checkout_base = "https://checkout.stripe.com"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                fake.requests.append(form | {"_auth": [self.headers.get("Authorization", "")]})
                if self.path != "/v1/checkout/sessions" or fake.status != 200:
                    body = {"error": {"type": "invalid_request_error", "message": "No."}}
                    self._answer(fake.status if fake.status != 200 else 404, body)
                    return
                n = len(fake.requests)
                self._answer(
                    200,
                    {
                        "id": f"cs_test_{n}",
                        "object": "checkout.session",
                        "url": f"{fake.checkout_base}/c/pay/cs_test_{n}",
                    },
                )

            def do_GET(self) -> None:
                """The payment page a browser is sent to (no card is ever asked for)."""
                raw = b"<!doctype html><title>Fake Checkout</title><h1>Fake Checkout</h1>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        # Port 0: the system picks a free one, so runs side by side never collide.
        self.server = ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripeAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stripe_on(settings: Any) -> None:
    """Online gifts on, with this module's test keys."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.NEWSROOM_ONLINE_GIFTS = True


@pytest.fixture
def stripe_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripeAPI]:
    """The official library talking to a `FakeStripeAPI`, once per request (no retries, so a
    refusal is one request)."""
    with FakeStripeAPI() as fake:
        monkeypatch.setattr(stripe, "api_base", fake.url)
        monkeypatch.setattr(stripe, "max_network_retries", 0)
        yield fake
