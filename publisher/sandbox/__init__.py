"""A local stand-in for the WeChat API, served over HTTP for the real wechatpy client.

See SPEC §8. `create_blueprint` / `create_app` serve it; `crypto` signs and encrypts
messages exactly as WeChat does, for pushing events and for posting chat messages to
a webhook.
"""

from .accounts import SandboxAccount
from .app import create_app, create_blueprint
from .crypto import (
    CryptoError,
    build_image_message,
    build_text_message,
    decrypt,
    decrypt_reply,
    encrypt,
    sign,
    wechat_post,
)

__all__ = [
    "CryptoError",
    "SandboxAccount",
    "build_image_message",
    "build_text_message",
    "create_app",
    "create_blueprint",
    "decrypt",
    "decrypt_reply",
    "encrypt",
    "sign",
    "wechat_post",
]
