"""What the query layer can refuse, each naming the parameter at fault."""


class QueryError(ValueError):
    """A request the store cannot answer as asked; ``parameter`` names the culprit."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


class UnknownName(QueryError):
    """A speaker, outlet or publisher filter that names nothing in the store; ``suggestions``
    are the closest stored ones, as (id, name). ``detail`` names them too; ``unknown`` says
    only what was not found, for pages that offer the suggestions as links."""

    def __init__(
        self, parameter: str, detail: str, suggestions: list[tuple[str, str]] | None = None
    ) -> None:
        self.unknown = detail
        self.suggestions = suggestions or []
        if self.suggestions:
            names = " or ".join(f"{name!r} ({id_})" for id_, name in self.suggestions)
            detail = f"{detail}; did you mean {names}?"
        super().__init__(parameter, detail)


class InvalidCursor(QueryError):
    """A cursor that was not made by this query."""


class AmbiguousName(LookupError):
    """A name that belongs to more than one speaker or outlet."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(f"{name!r} names {len(candidates)} entries: {', '.join(candidates)}")
        self.name = name
        self.candidates = candidates


def check_range(since: object, until: object) -> None:
    """A date range that ends before it starts matches nothing: a mistake to name, not an
    empty answer that looks like "never said"."""
    if since is not None and until is not None and since > until:  # type: ignore[operator]
        raise QueryError("since", f"since ({since}) is after until ({until})")
