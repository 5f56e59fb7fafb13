//! Bad input: each case exits with code 1, names the file, line:column and element, does
//! not panic, and leaves the previous output as it was.

use std::path::Path;
use std::process::Command;

use vkxml_codegen_e2e::{root, xtask, TempDir};

struct Case {
    file: &'static str,
    /// `line:col` the message must name.
    at: &'static str,
    element: &'static str,
    says: &'static str,
}

const CASES: &[Case] = &[
    Case { file: "not-xml.xml", at: "1:1", element: "<registry>", says: "not a valid XML document" },
    Case { file: "empty-file.xml", at: "1:1", element: "<registry>", says: "not a valid XML document" },
    Case { file: "truncated.xml", at: "12:42", element: "<registry>", says: "never closed" },
    Case { file: "extends-unknown-type.xml", at: "24:17", element: "<enum>", says: "`VkMissing`, which is not a type" },
    Case { file: "alias-unknown.xml", at: "24:17", element: "<enum>", says: "alias of `VK_FOO_NOPE`" },
    Case { file: "alias-cycle.xml", at: "24:17", element: "<enum>", says: "alias cycle" },
    Case {
        file: "duplicate-different-values.xml",
        at: "25:17",
        element: "<enum>",
        says: "defined twice with different values",
    },
    Case { file: "value-not-integer.xml", at: "24:17", element: "<enum>", says: "value `three` is not an integer" },
];

/// Runs `generate` on `registry` into a folder that holds a previous crate; returns stderr.
fn run_failing(registry: &Path) -> String {
    let tmp = TempDir::new("bad-input");
    let out = tmp.0.join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// the previous crate\n").unwrap();
    let result = Command::new(xtask())
        .args(["generate", "--registry"])
        .arg(registry)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run xtask");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(result.status.code(), Some(1), "{}: exit code; stderr:\n{stderr}", registry.display());
    assert!(!stderr.contains("panicked"), "{}: a panic:\n{stderr}", registry.display());
    // Nothing written: the previous crate is whole, nothing beside it.
    assert_eq!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// the previous crate\n");
    let entries: Vec<_> = std::fs::read_dir(&tmp.0).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(entries, ["out"], "only the previous output is there");
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(files, ["src"], "nothing added to the previous output");
    stderr
}

#[test]
fn each_bad_registry_fails_cleanly_with_its_position() {
    for case in CASES {
        let path = root().join("tests/bad-input").join(case.file);
        let stderr = run_failing(&path);
        let file = path.display().to_string();
        assert!(
            stderr.contains(&format!("{file}:{}", case.at)),
            "{}: position {} missing in:\n{stderr}",
            case.file,
            case.at
        );
        assert!(stderr.contains(case.element), "{}: element {} missing in:\n{stderr}", case.file, case.element);
        assert!(stderr.contains(case.says), "{}: `{}` missing in:\n{stderr}", case.file, case.says);
    }
}

#[test]
fn a_missing_registry_fails_cleanly() {
    let path = root().join("tests/bad-input/no-such-file.xml");
    let stderr = run_failing(&path);
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    assert!(stderr.contains("No such file"), "{stderr}");
}

#[test]
fn the_minimal_valid_registry_generates() {
    let tmp = TempDir::new("valid");
    let status = Command::new(xtask())
        .args(["generate", "--registry"])
        .arg(root().join("tests/valid-minimal.xml"))
        .arg("--out")
        .arg(tmp.0.join("out"))
        .status()
        .expect("run xtask");
    assert!(status.success());
    assert!(tmp.0.join("out/src/enums.rs").is_file());
}
