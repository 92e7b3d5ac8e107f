"""Versions of quotes and speakers, as HTTP entity tags: the number of the latest change in the
record's history (0 for one never changed). A client sends the tag it read back as
``If-Match``; a change made meanwhile makes the write a 412 instead of a lost update."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Expected:
    """The versions an ``If-Match`` accepts: ``versions`` None means any (``*``)."""

    versions: frozenset[int] | None

    def allows(self, version: int) -> bool:
        return self.versions is None or version in self.versions


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(header: str | None) -> Expected | None:
    """What an ``If-Match`` header asks for; None when there is none. Tags are compared
    strongly, so a weak tag (``W/"3"``) or one this service never made matches nothing."""
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return Expected(None)
    versions = {
        int(tag[1:-1])
        for tag in tags
        if len(tag) > 2 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and len(tag) < 22
    }
    return Expected(frozenset(versions))


class VersionMismatch(Exception):
    """The record changed since the version the client read."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the record is at version {current}")
        self.current = current
