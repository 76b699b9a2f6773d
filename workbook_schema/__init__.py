"""The sheet and column definitions, shipped as package data (``svctools.workbook_schema``)."""
