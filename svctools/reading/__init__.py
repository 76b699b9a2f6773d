"""Raw rows to typed records and problems: cell values, columns, the whole book, usable rows."""
