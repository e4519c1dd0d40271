"""Outbound URLs a tenant chooses must lead to the public internet, not into our network.

A shop's webhook endpoint is a URL anyone with staff rights can type; without this check it
could point at 127.0.0.1, 10.x, or a cloud metadata address (169.254.169.254) and make the
server call it (server-side request forgery).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class NonPublicAddress(ValueError):
    """The host is, or resolves to, an address that is not on the public internet."""


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_literal(host: str) -> None:
    """Refuse a host written as a non-public IP address (names are checked when sending)."""
    address = literal_address(host)
    if address is not None and not address.is_global:
        raise NonPublicAddress(f"{host} is not a public address")


async def ensure_public(url: str) -> None:
    """Every address the URL's host resolves to is public; NonPublicAddress otherwise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    check_literal(host)
    if literal_address(host) is not None:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise NonPublicAddress(f"{host} does not resolve: {exc}") from None
    for *_rest, sockaddr in infos:
        if not ipaddress.ip_address(sockaddr[0]).is_global:
            raise NonPublicAddress(f"{host} resolves to {sockaddr[0]}, not a public address")
