"""Use cases of the Telegram adapter: bots (connect, read, disconnect), users, texts."""
