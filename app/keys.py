"""API keys: ``sw_<prefix>_<secret>``. The prefix finds the row; only a hash of the secret is
stored, and it is compared in constant time. A key has a scope (``read``, ``write``,
``admin``), may expire, and remembers when it last wrote. Creating, revoking and every refused
key are audit events on the ``saidwho.audit`` logger."""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, or_, select

from app.models import ApiKey
from app.writes import utcnow

KEY_PREFIX = "sw"
Scope = Literal["read", "write", "admin"]
# What each scope may do, cumulatively.
_RANK = {"read": 0, "write": 1, "admin": 2}
# last_used_at is kept to this precision, so a busy key costs one extra row write a minute.
_TOUCH_EVERY = dt.timedelta(minutes=1)

audit = logging.getLogger("saidwho.audit")


@dataclass(frozen=True)
class NewKey:
    record: ApiKey
    token: str


@dataclass(frozen=True)
class Verdict:
    """The key a token is, or why it is none (for the audit log, never for the client)."""

    key: ApiKey | None
    reason: str | None = None


def _hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session,
    name: str,
    *,
    admin: bool = False,
    scope: Scope | None = None,
    expires_at: dt.datetime | None = None,
) -> NewKey:
    """A new key: ``write`` unless told otherwise (``admin`` may also change speakers)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        created_at=utcnow(),
        scope=scope or ("admin" if admin else "write"),
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    audit.info(
        "key created",
        extra={"event": "key.created", "key": prefix, "key_name": name, "scope": record.scope},
    )
    return NewKey(record=record, token=f"{KEY_PREFIX}_{prefix}_{secret}")


def check_key(session: Session, token: str, now: dt.datetime | None = None) -> Verdict:
    """Which live key this token is. Reads only: a made-up key costs one indexed lookup and
    never waits for a writer."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return Verdict(None, "malformed")
    record = session.exec(select(ApiKey).where(ApiKey.prefix == parts[1][:32])).first()
    if record is None:
        return Verdict(None, "unknown")
    if not hmac.compare_digest(record.secret_hash, _hash(parts[2])):
        return Verdict(None, "wrong secret")
    if record.revoked_at is not None:
        return Verdict(None, "revoked")
    if record.expires_at is not None and _aware(record.expires_at) <= (now or utcnow()):
        return Verdict(None, "expired")
    return Verdict(record)


def allows(key: ApiKey, needed: Scope) -> bool:
    return _RANK.get(key.scope, -1) >= _RANK[needed]


def touch(connection: Connection, key_id: int, now: dt.datetime | None = None) -> None:
    """Records the key's use, at most once a minute, in the transaction of the write it opens."""
    now = now or utcnow()
    connection.execute(
        update(ApiKey)
        .where(
            col(ApiKey.id) == key_id,
            or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < now - _TOUCH_EVERY),
        )
        .values(last_used_at=now)
    )


def list_keys(session: Session) -> list[ApiKey]:
    """Every key ever made, live or revoked, oldest first; secrets are never stored."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def revoke_key(session: Session, prefix: str) -> bool:
    """Revokes the key with this prefix; False when no live key has it."""
    record = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    session.add(record)
    session.flush()
    audit.info(
        "key revoked", extra={"event": "key.revoked", "key": prefix, "key_name": record.name}
    )
    return True


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored one is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
