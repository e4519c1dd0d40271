"""Use cases of the orders context: placing, reading, and moving orders through their states."""
