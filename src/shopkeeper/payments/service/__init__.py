"""Business operations of the payments context; each takes a session and never commits."""
