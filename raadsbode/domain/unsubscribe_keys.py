"""The long-lived unsubscribe key in every newsletter: an HMAC of the subscriber id with the secret key.

Nothing to store, it keeps working for every old issue, and it cannot be guessed for another subscriber.
"""
import hashlib
import hmac


def unsubscribe_key(secret_key: str, subscriber_id: int) -> str:
    mac = hmac.new(secret_key.encode(), f"newsletter-unsubscribe|{subscriber_id}".encode(), hashlib.sha256)
    return f"{subscriber_id}.{mac.hexdigest()[:32]}"


def subscriber_id_of_key(secret_key: str, key: str) -> int | None:
    """The subscriber id a key was made for, or None for a forged or mangled key."""
    sub_id, _, _mac = (key or "").partition(".")
    if not sub_id.isdigit() or len(key) > 80:
        return None
    return int(sub_id) if hmac.compare_digest(unsubscribe_key(secret_key, int(sub_id)), key) else None
