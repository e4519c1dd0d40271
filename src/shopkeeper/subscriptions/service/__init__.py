"""Subscription use cases: purchases, staff actions, reads, scheduled expiry and reminders."""
