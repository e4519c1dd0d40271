"""The Discord adapter's use cases: connecting a shop, mapping roles, customers' accounts."""
