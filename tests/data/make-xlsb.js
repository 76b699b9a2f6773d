// How tests/data/sheetjs-book.xlsb was made (LibreOffice cannot write .xlsb; SheetJS can):
//   .venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); from conftest import write_book;
//     from test_formats import the_book; write_book(__import__('pathlib').Path('book.xlsx'), the_book())"
//   npm install xlsx@0.18.5 && node tests/data/make-xlsb.js book.xlsx tests/data/sheetjs-book.xlsb
// SheetJS writes every cell after the first of a row as a BrtShort* record (the column left out,
// MS-XLSB 2.5.10), as other programs may; Excel writes the full form.
const XLSX = require("xlsx");
const [source, target] = process.argv.slice(2);
const book = XLSX.readFile(source, { cellNF: true, cellStyles: true });
XLSX.writeFile(book, target, { bookType: "xlsb", cellStyles: true, bookSST: true });
