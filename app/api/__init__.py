"""The HTTP layer: thin routes over the query layer, problem responses, dependencies."""
