//! Fuzz target: any bytes as specification AsciiDoc -> conditionals -> Markdown. A panic or
//! a hang is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vkxml_codegen::fuzz_markup(data);
});
