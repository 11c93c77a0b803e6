//! A Europass Digital Credential in JSON-LD (or a round.json, or a signed
//! credential), through `import::read_file` (the JSON reader, which hands
//! credentials to the JSON-LD reader) and on into a round and its checks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    europass_fuzz::import_whole("europass-mobility.jsonld", data, None);
});
