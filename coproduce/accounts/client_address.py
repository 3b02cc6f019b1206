"""The address a request came from, as sign-in lockouts and rate limits count it.

Without a proxy in front of the app (`COPRODUCE_TRUSTED_PROXY_COUNT = 0`, the default) it is the
connection's own address and any `X-Forwarded-For` header is ignored: a client could write
anything there. Behind N proxies (load balancer, CDN), each one appends the address it was
reached from to `X-Forwarded-For`, so the client's address is the Nth entry from the right:
whatever a client wrote into the header itself sits further left and is never read. Counting
the proxy's own address instead would put everyone in one count, and let one attacker lock
everyone out.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    """The address of the person making the request, behind `COPRODUCE_TRUSTED_PROXY_COUNT` proxies."""
    connected = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "COPRODUCE_TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return connected
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # It did not come through every proxy (someone reached the app server directly): the
        # header is not the proxies' to trust.
        return connected
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return connected


class PerAddressRateThrottle(SimpleRateThrottle):
    """At most `rate` (like "10/h") requests per client address for `scope`, counted in Django's cache.

    Views and API routes that name the same scope share one count. The cache must be shared by
    every process (CACHES) for the limit to hold across app servers.
    """

    def __init__(self, *, scope: str, rate: str) -> None:
        self.scope = scope
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def has_room(self, request: HttpRequest) -> bool:
        """Would a request be allowed now? Counts nothing: `allow_request` counts it once it is done.

        For a page that counts only what it created, so that a form sent back to be corrected
        does not use up someone's allowance.
        """
        self.key = self.get_cache_key(request)
        self.now = self.timer()  # type: ignore[misc]  # ninja's clock, a plain function
        since = self.now - (self.duration or 0)
        self.history = [moment for moment in self.cache.get(self.key, []) if moment > since]
        return len(self.history) < (self.num_requests or 0)
