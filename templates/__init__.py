"""The reminder templates and sample config, shipped as package data (``svctools.templates``)."""
