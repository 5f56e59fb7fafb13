//! Fuzz target: any bytes -> registry parse -> model for both APIs. Errors are fine;
//! a panic, a hang or an out-of-memory is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vkxml_codegen::fuzz_registry_model(data);
});
