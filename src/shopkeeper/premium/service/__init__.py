"""Premium use cases: a member's standing and staff actions (members), the figures."""
