"""Web Push plumbing: the server's VAPID key pair (generated once into the data dir, mode 0600)
and one push message encrypted (RFC 8291, aes128gcm, via pywebpush/http_ece) and signed (RFC 8292,
via py_vapid)."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import WebPusher

from todochat.config import Settings

if TYPE_CHECKING:
    from todochat.notify.channels import PushTarget

KEY_FILE = "vapid_private.pem"
TTL_SECONDS = 24 * 3600
"""How long a push service keeps a message for an offline browser."""


def key_path(settings: Settings) -> Path:
    """Where the VAPID private key lives: ``<data_dir>/vapid_private.pem``."""
    return settings.data_dir / KEY_FILE


def vapid(settings: Settings) -> Vapid02:
    """The server's VAPID key, generated on first use and kept (0600) in the data dir; every
    replica sharing the data dir (or the file) uses the same key."""
    path = key_path(settings)
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key = Vapid02()
        key.generate_keys()
        tmp = path.with_name(f"{KEY_FILE}.{os.getpid()}.tmp")
        tmp.write_bytes(key.private_pem())
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # fails if another process made the key first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return Vapid02.from_file(str(path))


def application_server_key(settings: Settings) -> str:
    """The public key a browser subscribes with (``applicationServerKey``): the uncompressed P-256
    point, base64url without padding."""
    raw = vapid(settings).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def encrypt_and_sign(settings: Settings, target: PushTarget, payload: bytes) -> tuple[bytes, dict[str, str]]:
    """Encrypt ``payload`` to the subscription and build the request headers.

    Returns:
        ``(body, headers)``: the aes128gcm body and ``Authorization`` (vapid t=…, k=…),
        ``Content-Encoding``, ``TTL``, ``Urgency``.
    """
    pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
    body = pusher.encode(payload, "aes128gcm")["body"]
    parts = urlsplit(target.endpoint)
    claims = {
        "sub": settings.webpush_contact,
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 3600,
    }
    headers = {k: str(v) for k, v in vapid(settings).sign(claims).items()}
    headers.update({"Content-Encoding": "aes128gcm", "TTL": str(TTL_SECONDS), "Urgency": "high"})
    return body, headers
