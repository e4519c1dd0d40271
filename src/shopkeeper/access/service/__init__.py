"""Access services by use case: targets, the grant engine, staff actions, reads."""
