"""What the query layer can refuse, each naming the parameter at fault."""


class QueryError(ValueError):
    """A request the store cannot answer as asked; ``parameter`` names the culprit."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail


class UnknownName(QueryError):
    """A speaker, outlet or publisher filter that names nothing in the store."""


class InvalidCursor(QueryError):
    """A cursor that was not made by this query."""


class AmbiguousName(LookupError):
    """A name that belongs to more than one speaker or outlet."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(f"{name!r} names {len(candidates)} entries: {', '.join(candidates)}")
        self.name = name
        self.candidates = candidates
