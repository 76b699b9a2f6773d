"""svctools: run a small service firm's after-sales office from the spreadsheets it keeps."""

__version__ = "0.1.0"
