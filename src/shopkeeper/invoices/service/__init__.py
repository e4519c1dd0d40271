"""The invoices context's use cases: settings, issuing, reading, signed links."""
