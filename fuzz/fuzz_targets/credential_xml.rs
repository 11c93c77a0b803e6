//! A Europass credential or Learning Agreement in XML, through
//! `import::read_file` (the credential XML reader) and on into a round and
//! its checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    europass_fuzz::import_whole("europass-mobility.xml", data, None);
});
