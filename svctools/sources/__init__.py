"""Where a book comes from: .xlsx (calamine or openpyxl), Google Sheets, decryption.

Raw rows only."""
