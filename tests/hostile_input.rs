//! Hostile and broken input, table-driven: each bad registry in `tests/hostile/` exits
//! with code 1, names the file, line:column and element, does not panic and writes nothing
//! (the previous crate stays as it was); each `ok-*` registry generates.

use std::path::Path;
use std::process::{Command, Output};

use vkxml_codegen_e2e::{root, xtask, TempDir};

/// (file, line:column, element, what the message says)
const FAILING: &[(&str, &str, &str, &str)] = &[
    ("not-xml.xml", "1:1", "<registry>", "not a valid XML document"),
    ("empty-file.xml", "1:1", "<registry>", "does not have a root"),
    ("truncated.xml", "24:5", "<registry>", "never closed"),
    ("truncated-in-attribute.xml", "22:24", "<registry>", "unexpected end of stream"),
    ("invalid-utf8.xml", "16:38", "<registry>", "invalid UTF-8"),
    ("billion-laughs.xml", "4:30", "<registry>", "entity reference loop"),
    ("external-entity.xml", "3:20", "<registry>", "unknown entity reference"),
    ("not-a-registry.xml", "2:1", "<html>", "not <registry>"),
    ("empty-registry.xml", "2:1", "<registry>", "no <feature>"),
    ("no-features.xml", "2:1", "<registry>", "no <feature>"),
    ("value-not-integer.xml", "36:17", "<enum>", "value `three` is not an integer"),
    ("value-float.xml", "36:17", "<enum>", "value `1.5` is not an integer"),
    ("value-beyond-i32.xml", "36:17", "<enum>", "2147483648 does not fit an enum"),
    ("value-below-i32.xml", "36:17", "<enum>", "-2147483649 does not fit an enum"),
    ("bitmask-value-negative.xml", "36:17", "<enum>", "-1 does not fit a 32-bit bitmask"),
    ("bitpos-32-on-32-bit.xml", "36:17", "<enum>", "bitpos 32 is outside a 32-bit type"),
    ("bitpos-64.xml", "36:17", "<enum>", "bitpos 64 is outside a 64-bit type"),
    ("bitpos-negative.xml", "36:17", "<enum>", "bitpos -1 is outside"),
    ("offset-1000.xml", "36:17", "<enum>", "offset 1000 is outside 0..1000"),
    ("offset-negative.xml", "36:17", "<enum>", "offset -1 is outside"),
    ("extnumber-zero.xml", "36:17", "<enum>", "extension number 0 is out of range"),
    ("dir-unknown.xml", "36:17", "<enum>", "dir `*` is neither"),
    ("enum-without-value.xml", "36:17", "<enum>", "no value"),
    ("unknown-enum-attribute.xml", "36:17", "<enum>", "unknown attribute `valueexpr`"),
    ("extends-unknown-type.xml", "36:17", "<enum>", "extends `VkMissing`, which is not a type"),
    ("alias-unknown.xml", "36:17", "<enum>", "alias of `VK_FOO_NOPE`"),
    ("alias-cycle.xml", "36:17", "<enum>", "alias cycle"),
    ("alias-self.xml", "36:17", "<enum>", "alias cycle"),
    ("enumerant-not-an-identifier.xml", "36:17", "<enum>", "`VK_BAR_B-X` is not an identifier"),
    ("bad-name-and-alias-cycle.xml", "37:17", "<enum>", "`VK_FOO_B` is part of an alias cycle"),
    ("duplicate-different-values.xml", "37:17", "<enum>", "defined twice with different values"),
    ("enums-without-name.xml", "15:5", "<enums>", "missing attribute `name`"),
    ("two-extensions-one-number.xml", "38:9", "<extension>", "has number 1, which `VK_KHR_test` already has"),
    ("extension-without-number-uses-offset.xml", "39:13", "<enum>", "`offset` without `extnumber`"),
];

fn run(registry: &Path, out: &Path) -> Output {
    Command::new(xtask())
        .args(["generate", "--registry"])
        .arg(registry)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run xtask")
}

/// Runs a registry that must fail into a folder holding a previous crate; returns stderr.
fn run_failing(registry: &Path) -> String {
    let tmp = TempDir::new("hostile");
    let out = tmp.0.join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// the previous crate\n").unwrap();
    let result = run(registry, &out);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    let name = registry.display();
    assert_eq!(result.status.code(), Some(1), "{name}: exit code; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{name}: a panic:\n{stderr}");
    assert!(stderr.len() < 2000, "{name}: a message of {} bytes", stderr.len());
    assert_eq!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// the previous crate\n");
    let entries: Vec<_> = std::fs::read_dir(&tmp.0).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(entries, ["out"], "{name}: only the previous output is there");
    let files: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(files, ["src"], "{name}: nothing added to the previous output");
    stderr
}

#[test]
fn each_bad_registry_fails_cleanly_with_its_position() {
    let dir = root().join("tests/hostile");
    for (file, at, element, says) in FAILING {
        let path = dir.join(file);
        let stderr = run_failing(&path);
        let expected = format!("{}:{at}: {element}: ", path.display());
        assert!(stderr.contains(&expected), "{file}: `{expected}` missing in:\n{stderr}");
        assert!(stderr.contains(says), "{file}: `{says}` missing in:\n{stderr}");
    }
    // Every bad case in the folder is in the table.
    let on_disk = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml") && !n.starts_with("ok-"))
        .count();
    assert_eq!(on_disk, FAILING.len(), "a case file without a row in the table");
    println!("{} failing cases checked", FAILING.len());
}

#[test]
fn a_missing_registry_fails_cleanly() {
    let path = root().join("tests/hostile/no-such-file.xml");
    let stderr = run_failing(&path);
    assert!(stderr.contains(&path.display().to_string()) && stderr.contains("No such file"), "{stderr}");
}

/// A 50 MB attribute: a clear message that quotes a short excerpt, not the value.
#[test]
fn a_50_mb_attribute_fails_with_a_short_message() {
    let tmp = TempDir::new("huge");
    let path = tmp.0.join("huge-attribute.xml");
    let base = std::fs::read_to_string(root().join("tests/hostile/ok-alias-chain.xml")).unwrap();
    let huge = "1".repeat(50 * 1024 * 1024);
    std::fs::write(
        &path,
        base.replacen(
            "<enum value=\"0\" name=\"VK_FOO_A\"/>",
            &format!("<enum value=\"{huge}\" name=\"VK_FOO_A\"/>"),
            1,
        ),
    )
    .unwrap();
    let stderr = run_failing(&path);
    assert!(stderr.contains(&format!("{}:16:9: <enum>: ", path.display())), "{stderr}");
    assert!(stderr.contains("is not an integer") && stderr.contains("bytes in all"), "{stderr}");
}

/// Well-formed XML nested 100,000 deep, in a part the generator does not read: no stack
/// overflow, the registry generates.
#[test]
fn nesting_100000_deep_does_not_overflow() {
    let tmp = TempDir::new("deep");
    let path = tmp.0.join("deep.xml");
    let base = std::fs::read_to_string(root().join("tests/hostile/ok-alias-chain.xml")).unwrap();
    let deep = format!("<comment>{}{}</comment>", "<x>".repeat(100_000), "</x>".repeat(100_000));
    std::fs::write(&path, base.replacen("<types>\n", &format!("<types>\n{deep}\n"), 1)).unwrap();
    let result = run(&path, &tmp.0.join("out"));
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
}

/// Valid registries with odd but legal content generate; unknown elements are warnings.
#[test]
fn ok_registries_generate() {
    for file in [
        "ok-alias-chain.xml",
        "ok-duplicate-equal-values.xml",
        "ok-disabled-extension-odd-entries.xml",
        "ok-unknown-elements-warned.xml",
    ] {
        let tmp = TempDir::new("ok");
        let path = root().join("tests/hostile").join(file);
        let result = run(&path, &tmp.0.join("out"));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{file}: {stderr}");
        let stderr = stderr.replace("--no-docs: the docs carry no specification text\n", "");
        assert!(tmp.0.join("out/src/enums.rs").is_file(), "{file}: no crate");
        if file == "ok-unknown-elements-warned.xml" {
            assert!(
                stderr.contains(&format!("warning: {}:5:9: <newthing>: unknown element", path.display())),
                "{stderr}"
            );
        } else {
            assert!(!stderr.contains("warning"), "{file}: {stderr}");
        }
    }
}

/// The alias chain resolves to the value at its end.
#[test]
fn an_alias_chain_takes_the_value_at_its_end() {
    let reg = vkxml_codegen::registry::read(&root().join("tests/hostile/ok-alias-chain.xml")).unwrap();
    let model = vkxml_codegen::model::build(&reg, vkxml_codegen::Api::Vulkan).unwrap();
    let foo = model.types.iter().find(|t| t.c_name == "VkFoo").unwrap();
    let b = foo.enumerants.iter().find(|e| e.c_name == "VK_FOO_B").unwrap();
    assert_eq!((b.value, b.alias_of.as_deref()), (0, Some("VK_FOO_C")));
}
