"""Benchmarks: each module here has a `main()` that measures and prints ratios (`make bench`)."""
