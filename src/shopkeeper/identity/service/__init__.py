"""Identity business operations, one module per use case."""
