//! `cargo xtask pypi-parity VERSION...`: registry releases from PyPI -> generated crates,
//! their dumps, compared with Khronos' own registry model of the same release.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use vkxml_codegen::{generate, Api, Options};

use crate::pypi;

type Row = (String, String, String);

fn rows(text: &str) -> BTreeSet<Row> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_owned(), f.next()?.to_owned(), f.next()?.to_owned()))
        })
        .collect()
}

/// Generates, builds and dumps `version`; compares with vulkan-object's model.
pub fn check(root: &Path, version: &str) -> Result<bool, String> {
    let cache = root.join("target/pypi");
    let release = pypi::fetch(&cache, version)?;
    let out = cache.join(version).join("crate");
    let options = Options {
        registry: release.vk_xml(),
        out: out.clone(),
        api: Api::Vulkan,
        check: false,
        crate_version: vkxml_codegen::DEFAULT_CRATE_VERSION.to_owned(),
        spec: None,
    };
    let report = generate(&options).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        println!("  warning: {}:{}: <{}>: {}", release.vk_xml().display(), w.pos, w.element, w.message);
    }
    let dump = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "dump", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", cache.join("target"))
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if !dump.status.success() {
        return Err(format!("the crate of {version} does not build:\n{}", String::from_utf8_lossy(&dump.stderr)));
    }
    let reference = Command::new("python3")
        .arg(root.join("xtask/src/vulkan_object_reference.py"))
        .env("PYTHONPATH", &release.site)
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !reference.status.success() {
        return Err(format!("vulkan-object {version}: {}", String::from_utf8_lossy(&reference.stderr)));
    }
    let ours = rows(&String::from_utf8_lossy(&dump.stdout));
    let theirs = rows(&String::from_utf8_lossy(&reference.stdout));
    let extra: Vec<&Row> = ours.difference(&theirs).take(10).collect();
    let missing: Vec<&Row> = theirs.difference(&ours).take(10).collect();
    println!(
        "vk.xml {} (vulkan-object {version}): {} enumerants generated, {} in Khronos' model",
        report.registry_version,
        ours.len(),
        theirs.len()
    );
    for r in &extra {
        println!("  not in the model: {r:?}");
    }
    for r in &missing {
        println!("  missing: {r:?}");
    }
    Ok(extra.is_empty() && missing.is_empty())
}
