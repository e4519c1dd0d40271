"""Use cases of the notifications context."""
