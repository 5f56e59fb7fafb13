//! The registry update report: golden for 1.4.352 -> 1.4.360, counts against the reference
//! `enumerants.tsv` files, an empty diff of a registry with itself, and `update-registry`
//! that changes nothing when the new registry is broken.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use vkxml_codegen::diff::{self, Format};
use vkxml_codegen::{model, registry, Api};
use vkxml_codegen_e2e::{read_tsv, root, shared, xtask, TempDir};

fn model_of(path: &Path) -> model::Model {
    model::build(&registry::read(path).unwrap(), Api::Vulkan).unwrap()
}

fn tsv(tag: &str) -> BTreeMap<String, String> {
    read_tsv(&shared().join("registry").join(tag).join("enumerants.tsv"))
        .into_iter()
        .map(|f| (f[1].clone(), f[2].clone()))
        .collect()
}

/// added = C names in new and not in old; removed = the other way; values changed = in
/// both with another value.
fn check_counts(old: &str, new: &str) -> diff::Diff {
    let d = diff::diff(
        &model_of(&shared().join("registry").join(old).join("vk.xml")),
        &model_of(&shared().join("registry").join(new).join("vk.xml")),
    );
    let (o, n) = (tsv(old), tsv(new));
    let ok: BTreeSet<&String> = o.keys().collect();
    let nk: BTreeSet<&String> = n.keys().collect();
    assert_eq!(d.enumerants_added, nk.difference(&ok).count(), "{old} -> {new}: added");
    assert_eq!(d.enumerants_removed, ok.difference(&nk).count(), "{old} -> {new}: removed");
    assert_eq!(d.values_changed, ok.intersection(&nk).filter(|k| o[**k] != n[**k]).count(), "{old} -> {new}: values");
    println!(
        "{old} -> {new}: {} added, {} removed, {} values changed, {} breaking, step {}",
        d.enumerants_added,
        d.enumerants_removed,
        d.values_changed,
        d.breaking(),
        d.step().as_str()
    );
    d
}

#[test]
fn report_from_1_4_352_to_1_4_360_matches_golden_and_counts() {
    let d = check_counts("v1.4.352", "v1.4.360");
    let text = diff::render(&d, Format::Text);
    let path = root().join("tests/golden/diff-1.4.352-1.4.360.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(text, std::fs::read_to_string(&path).unwrap(), "review the report; UPDATE_GOLDEN=1 rewrites it");
    assert_eq!(d.step(), diff::Step::Minor);
    // The Markdown and JSON forms carry the same changes.
    let md = diff::render(&d, Format::Markdown);
    assert!(md.contains("### `VkVideoEncodeFeedbackFlagsKHR`") && md.contains("**Semver step: minor**"));
    let json = diff::render(&d, Format::Json);
    assert_eq!(json.matches("\"kind\":").count(), d.changes().count());
}

#[test]
fn report_from_1_3_240_to_1_4_360_counts_agree() {
    let d = check_counts("v1.3.240", "v1.4.360");
    assert!(d.breaking() > 0, "1.3.240 -> 1.4.360 removes provisional video values");
    assert_eq!(d.step(), diff::Step::Major);
}

#[test]
fn a_registry_diffed_with_itself_is_empty() {
    let m = model_of(&root().join("vk.xml"));
    let d = diff::diff(&m, &m);
    assert!(d.is_empty(), "{:?}", d.changes().next());
    assert_eq!(d.step(), diff::Step::Patch);
}

#[test]
fn deny_breaking_exits_2() {
    let hostile = root().join("tests/hostile");
    let run = |old: &str, new: &str| {
        Command::new(xtask())
            .args(["diff", "--deny-breaking"])
            .arg(hostile.join(old))
            .arg(hostile.join(new))
            .status()
            .unwrap()
            .code()
    };
    // Adding a value is not breaking; removing it is.
    assert_eq!(run("ok-disabled-extension-odd-entries.xml", "ok-duplicate-equal-values.xml"), Some(0));
    assert_eq!(run("ok-duplicate-equal-values.xml", "ok-disabled-extension-odd-entries.xml"), Some(2));
}

/// A workspace of its own: `vk.xml`, `Cargo.toml` with the crate version, `generated/`.
fn small_workspace(tmp: &TempDir) -> std::path::PathBuf {
    let ws = tmp.0.join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::copy(root().join("tests/hostile/ok-disabled-extension-odd-entries.xml"), ws.join("vk.xml")).unwrap();
    std::fs::write(ws.join("Cargo.toml"), "[workspace.metadata.vulkan-enums]\nversion = \"0.1.0\"\n").unwrap();
    let status = Command::new(xtask()).args(["generate", "--no-docs", "--root"]).arg(&ws).status().unwrap();
    assert!(status.success());
    ws
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn update_registry_from_a_broken_file_changes_nothing() {
    let tmp = TempDir::new("update-broken");
    let ws = small_workspace(&tmp);
    let before = snapshot(&tmp.0);
    for broken in ["truncated.xml", "alias-cycle.xml"] {
        let out = Command::new(xtask())
            .args(["update-registry", "--no-docs", "--root"])
            .arg(&ws)
            .arg("--from")
            .arg(root().join("tests/hostile").join(broken))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(snapshot(&tmp.0), before, "{broken}: the tree changed");
    }
}

#[test]
fn update_registry_regenerates_and_bumps_the_version() {
    let tmp = TempDir::new("update-ok");
    let ws = small_workspace(&tmp);
    let new = root().join("tests/hostile/ok-duplicate-equal-values.xml");
    let out = Command::new(xtask())
        .args(["update-registry", "--no-docs", "--root"])
        .arg(&ws)
        .arg("--from")
        .arg(&new)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Semver step: minor"), "{stdout}");
    assert_eq!(std::fs::read(ws.join("vk.xml")).unwrap(), std::fs::read(&new).unwrap());
    assert!(std::fs::read_to_string(ws.join("Cargo.toml")).unwrap().contains("version = \"0.1.1\""));
    let manifest = std::fs::read_to_string(ws.join("generated/Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.1.1+1.0\""), "{manifest}");
    assert!(std::fs::read_to_string(ws.join("generated/src/enums.rs")).unwrap().contains("VK_FOO_B"));
}

/// A type whose C name goes away while a new type holds its enumerants is one change.
#[test]
fn a_renamed_type_is_one_change() {
    let base = std::fs::read_to_string(root().join("tests/hostile/ok-duplicate-equal-values.xml")).unwrap();
    let renamed = base.replace("\"VkFoo\"", "\"VkBaz\"");
    let model_of_text = |text: &str| {
        let reg = registry::parse(Path::new("mem.xml"), text.as_bytes()).unwrap();
        model::build(&reg, Api::Vulkan).unwrap()
    };
    let d = diff::diff(&model_of_text(&base), &model_of_text(&renamed));
    let changes: Vec<_> = d.changes().collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].kind, diff::ChangeKind::TypeRenamed);
    assert!(changes[0].breaking && changes[0].detail.contains("`VkBaz`"));
}
