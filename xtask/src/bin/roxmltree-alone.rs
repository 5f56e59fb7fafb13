//! The benchmark's yardstick: `roxmltree-alone PATH` reads and parses one registry with
//! roxmltree on one thread, and does nothing else. Input: the registry's path; output:
//! exit code 0, or 1 with the error. A program of its own, with the system's allocator and
//! no set-up, as the issue measured "roxmltree alone" on this machine: `cargo xtask bench`
//! times it as a whole process beside each run, because the machine's speed varies by
//! spells and the ratio of a run to it varies much less.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: roxmltree-alone PATH");
        return ExitCode::from(1);
    };
    let parsed = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| roxmltree::Document::parse(&text).map(|d| d.descendants().count()).map_err(|e| e.to_string()));
    match parsed {
        // The tree is built whole (and walked once, as any reader would); nothing else.
        Ok(nodes) => {
            std::hint::black_box(nodes);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", std::path::Path::new(&path).display());
            ExitCode::from(1)
        }
    }
}
