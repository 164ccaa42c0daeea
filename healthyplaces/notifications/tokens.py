"""Signed, login-free unsubscribe tokens. They do not expire: a link in a digest from last year
must still stop the digests."""

from django.core import signing

_SALT = "healthyplaces.notifications.unsubscribe"


def make_unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps({"user": user_id}, salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> int:
    """The user id the token was made for; raises signing.BadSignature if it was tampered with."""
    payload = signing.loads(token, salt=_SALT)
    user_id = payload.get("user") if isinstance(payload, dict) else None
    if not isinstance(user_id, int):
        raise signing.BadSignature("Malformed unsubscribe token")
    return user_id
