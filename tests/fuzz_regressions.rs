//! Replays the fuzzers' saved crashes and the committed corpora (`fuzz/`) through the
//! fuzzed paths on every `cargo test`: none may panic.

use vkxml_codegen_e2e::root;

/// Runs every file of the target's corpus and crash folders through `path`; returns how
/// many there were.
fn replay(target: &str, path: fn(&[u8])) -> usize {
    let mut count = 0;
    for dir in [format!("fuzz/corpus/{target}"), format!("fuzz/artifacts/{target}")] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for file in paths {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| path(&data));
            assert!(outcome.is_ok(), "{} panics", file.display());
            count += 1;
        }
    }
    println!("{count} {target} fuzz inputs replayed");
    count
}

#[test]
fn registry_fuzz_corpus_and_crashes_replay_without_panic() {
    assert!(replay("registry_model", vkxml_codegen::fuzz_registry_model) >= 30, "the committed corpus is missing");
}

#[test]
fn markup_fuzz_corpus_and_crashes_replay_without_panic() {
    assert!(replay("markup", vkxml_codegen::fuzz_markup) >= 30, "the committed corpus is missing");
}
