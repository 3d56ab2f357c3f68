"""Market data: providers, validation, the session calendar and the shared cache."""
