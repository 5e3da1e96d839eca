"""The console's signed-cookie session, with its signer made once per key instead of on
every request.

Flask's `SecureCookieSessionInterface` builds an itsdangerous serializer each time it opens
or saves a session, and itsdangerous tries the serializer out (`dumps({})`) as it is built:
a tenth of a citizen's webhook request, which has no cookie and no use for a session, went
there (bench/webhook_cost.py). The serializer only depends on the keys, so it is kept per
(secret key, fallbacks) and a changed key still takes effect on the next request.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers.clear()  # one key in use at a time: nothing old is kept
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]
