//! Raw bytes of one input file, through `import::read_file` (content
//! sniffing, then the xlsx, xlsb, xls, ods, csv, docx, XML, JSON or PDF
//! reader) and on through the mapping stage and the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Named as a workbook, as schools name most of what they send; the
    // content decides the reader, and a name that lies is part of the test.
    europass_fuzz::import_whole("fuzz.xlsx", data, None);
});
