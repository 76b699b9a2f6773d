"""What people read: text tables, JSON, statement and report workbooks, annotated copies,
blank books."""
