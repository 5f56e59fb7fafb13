//! Replays the fuzzers' saved crashes and the committed corpora (`fuzz/`) through the
//! fuzzed paths on every `cargo test`: none may panic.

use vkxml_codegen_e2e::root;

#[test]
fn fuzz_corpus_and_crashes_replay_without_panic() {
    let mut count = 0;
    for dir in ["fuzz/corpus/registry_model", "fuzz/artifacts/registry_model"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| vkxml_codegen::fuzz_registry_model(&data));
            assert!(outcome.is_ok(), "{} panics", path.display());
            count += 1;
        }
    }
    println!("{count} registry fuzz inputs replayed");
    assert!(count >= 30, "the committed corpus is missing");
}

#[test]
fn markup_fuzz_corpus_and_crashes_replay_without_panic() {
    let mut count = 0;
    for dir in ["fuzz/corpus/markup", "fuzz/artifacts/markup"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| vkxml_codegen::fuzz_markup(&data));
            assert!(outcome.is_ok(), "{} panics", path.display());
            count += 1;
        }
    }
    println!("{count} markup fuzz inputs replayed");
    assert!(count >= 2, "the committed corpus is missing");
}
