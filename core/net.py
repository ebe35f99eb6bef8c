"""The client's IP address, trusting as many X-Forwarded-For hops as there are proxies (the ALB)."""

import ipaddress

from django.http import HttpRequest
from rest_framework.settings import api_settings


def _valid(ip: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h for h in forwarded.split(",") if h.strip()]
        if hops:
            return _valid(hops[-min(proxies, len(hops))]) or remote
    return remote
