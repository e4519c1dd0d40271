"""Business-free helpers: clock, ids, crypto, pagination."""
