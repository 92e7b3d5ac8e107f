"""API keys for writes: ``sw_<prefix>_<secret>``. The prefix finds the row; only a hash of the
secret is stored, and it is compared in constant time."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from app.crud import utcnow
from app.models import ApiKey

KEY_PREFIX = "sw"


@dataclass(frozen=True)
class NewKey:
    record: ApiKey
    token: str


def _hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, name: str, *, admin: bool = False) -> NewKey:
    """A new key; an ``admin`` one may also edit, merge and split speakers."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        created_at=utcnow(),
        scope="admin" if admin else "write",
    )
    session.add(record)
    session.flush()
    return NewKey(record=record, token=f"{KEY_PREFIX}_{prefix}_{secret}")


def verify_key(session: Session, token: str) -> ApiKey | None:
    """The live key this token is, or None; never says which part was wrong."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    record = session.exec(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if record is None or record.revoked_at is not None:
        return None
    return record if hmac.compare_digest(record.secret_hash, _hash(parts[2])) else None


def list_keys(session: Session) -> list[ApiKey]:
    """Every key ever made, live or revoked, oldest first; secrets are never stored."""
    return list(session.exec(select(ApiKey).order_by(ApiKey.id)))  # type: ignore[arg-type]


def revoke_key(session: Session, prefix: str) -> bool:
    """Revokes the key with this prefix; False when no live key has it."""
    record = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    session.add(record)
    session.flush()
    return True
