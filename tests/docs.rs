//! Docs from the specification: no AsciiDoc left in any doc comment, the coverage the
//! generator reports, a missing specification is an error, and an older registry paired
//! with the 1.4.360 specification links only to names it has.

use std::process::Command;

use vkxml_codegen::{generate, Api, Options, Report};
use vkxml_codegen_e2e::{root, shared, xtask, TempDir};

/// Doc-comment lines of the generated crate (not code, where `<<` is a shift).
fn doc_lines() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("generated/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let text = std::fs::read_to_string(&p).unwrap();
                let mut in_fence = false;
                for line in text.lines() {
                    let t = line.trim_start();
                    if t.starts_with("///") || t.starts_with("//!") {
                        // Fenced code (C declarations, LaTeX) is code, not markup.
                        if t[3..].trim_start().starts_with("```") {
                            in_fence = !in_fence;
                            continue;
                        }
                        if !in_fence {
                            out.push((p.display().to_string(), t.to_owned()));
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn no_asciidoc_markup_survives_in_doc_comments() {
    let macros = [
        "ename:",
        "elink:",
        "tname:",
        "tlink:",
        "slink:",
        "sname:",
        "flink:",
        "fname:",
        "pname:",
        "code:",
        "basetype:",
        "apiext:",
        "must:",
        "should:",
        "may:",
        "can:",
        "cannot:",
        "required:",
        "optional:",
        "ifdef::",
        "ifndef::",
        "endif::",
        "include::",
        "<<",
        "[[",
        "|===",
        "latexmath:",
        "footnote:",
        "++++",
    ];
    let lines = doc_lines();
    assert!(lines.len() > 10_000, "the crate has its docs");
    let mut found = Vec::new();
    for (file, line) in &lines {
        for m in macros {
            if line.contains(m) {
                found.push(format!("{file}: `{m}` in {line}"));
            }
        }
        // `{attribute}` references: braces around a bare word outside code spans.
        let outside_code: String = line.split('`').step_by(2).collect();
        if let Some(start) = outside_code.find('{') {
            let word: String = outside_code[start + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if !word.is_empty() && outside_code[start + 1 + word.len()..].starts_with('}') {
                found.push(format!("{file}: attribute `{{{word}}}` in {line}"));
            }
        }
    }
    assert!(found.is_empty(), "{} lines keep AsciiDoc:\n{}", found.len(), found[..found.len().min(20)].join("\n"));
}

#[test]
fn coverage_is_reported_and_complete_for_refpages() {
    let tmp = TempDir::new("coverage");
    let out = Command::new(xtask()).args(["generate", "--out"]).arg(tmp.0.join("out")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    println!("{stdout}");
    // Every type has its reference page; every enumerant the spec describes in a list item
    // carries that text (the rest, such as VkStructureType values, have none to carry).
    assert!(stdout.contains("docs: 398/398 types with their reference page"), "{stdout}");
    let described: usize = stdout
        .split("types with their reference page, ")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|n| n.parse().ok())
        .expect("a coverage line");
    assert!(described >= 2382, "fewer enumerants with their description: {described}");
    // The rest are counted per type; `--coverage` names every one.
    assert!(stdout.contains("without a description, by type: VkStructureType "), "{stdout}");
    let out = Command::new(xtask()).args(["generate", "--coverage", "--out"]).arg(tmp.0.join("out")).output().unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    let structure_types =
        listed.lines().find(|l| l.trim_start().starts_with("VkStructureType: ")).expect("a line per type");
    assert!(structure_types.contains("VK_STRUCTURE_TYPE_APPLICATION_INFO"), "{structure_types}");
    assert!(!listed.contains("VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT,"), "a described value is not listed");
}

/// The spec's sources, read with two plain line patterns (not the generator's parser):
/// `* ename:VK_...` list items and `| ename:VK_... | text` table rows. Every enumerant
/// they describe carries a description in the checked-in crate. Text inside
/// `ifdef::hidden[]` (never published) does not count.
#[test]
fn every_enumerant_described_in_a_list_item_or_table_row_carries_it() {
    fn adoc_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                adoc_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "adoc") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for sub in ["chapters", "appendices"] {
        adoc_files(&shared().join("vulkan-docs").join(sub), &mut files);
    }
    let name_of =
        |rest: &str| -> String { rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    let mut described = std::collections::BTreeSet::new();
    for file in files {
        let mut hidden = 0;
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("ifdef::hidden[]") {
                hidden += 1;
            } else if line.starts_with("endif::hidden[]") {
                hidden -= 1;
            }
            let t = line.trim_start();
            if hidden > 0 {
                continue;
            }
            if let Some(rest) = t.trim_start_matches('*').strip_prefix(" ename:").filter(|_| t.starts_with('*')) {
                // `* ename:VK_X` alone (or with `,`/`or`) in a list of names mentions it: the
                // item describes it when text follows, on its line or the next.
                let name = name_of(rest);
                let after = rest[name.len()..].trim().trim_start_matches([',', '.', ';']).trim();
                let next = lines.get(i + 1).map_or("", |l| l.trim());
                let goes_on = !next.is_empty() && !next.starts_with(['*', '+', '[', '|', '-']) && !next.contains("::");
                if !matches!(after, "" | "or" | "and") || goes_on {
                    described.insert(name);
                }
            } else if let Some(rest) = t.strip_prefix('|').map(str::trim_start).and_then(|r| r.strip_prefix("ename:")) {
                let name = name_of(rest);
                let after = rest[name.len()..].trim_start();
                if let Some(cell) = after.strip_prefix('|').map(str::trim) {
                    if !cell.is_empty() && cell != "-" && !cell.starts_with('|') {
                        described.insert(name);
                    }
                }
            }
        }
    }
    let mut without = Vec::new();
    for file in ["enums.rs", "bitmasks.rs"] {
        let text = std::fs::read_to_string(root().join("generated/src").join(file)).unwrap();
        for part in text.split("The specification has no description of `").skip(1) {
            let name = part.split('`').next().unwrap_or_default();
            if described.contains(name) {
                without.push(name.to_owned());
            }
        }
    }
    println!("{} enumerants described in list items or table rows of the spec", described.len());
    assert!(without.is_empty(), "described in the spec, but not in the crate: {without:?}");
}

#[test]
fn a_missing_specification_is_an_error_and_no_docs_says_so() {
    let tmp = TempDir::new("nospec");
    let out = Command::new(xtask())
        .args(["generate", "--spec", "/nonexistent/vulkan-docs", "--out"])
        .arg(tmp.0.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/vulkan-docs: not a specification folder"));
    assert!(!tmp.0.join("out").exists(), "nothing written");
    let out = Command::new(xtask()).args(["generate", "--no-docs", "--out"]).arg(tmp.0.join("out")).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--no-docs: the docs carry no specification text"));
}

/// Generates a crate with the 1.4.360 specification's text into a temporary folder.
fn generate_with_docs(tmp: &TempDir, registry: std::path::PathBuf, api: Api) -> (std::path::PathBuf, Report) {
    let out = tmp.0.join("crate");
    let options = Options {
        registry,
        out: out.clone(),
        api,
        check: false,
        crate_version: vkxml_codegen::DEFAULT_CRATE_VERSION.into(),
        spec: Some((shared().join("vulkan-docs"), "1.4.360".into())),
    };
    let report = generate(&options).unwrap();
    (out, report)
}

/// `cargo doc` with warnings denied (every link resolves) on a generated crate.
fn assert_docs_build(out: &std::path::Path) {
    let doc = Command::new(env!("CARGO"))
        .args(["doc", "--quiet", "--no-deps", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", vkxml_codegen_e2e::nested_target().join("crates"))
        .output()
        .unwrap();
    assert!(doc.status.success(), "{}", String::from_utf8_lossy(&doc.stderr));
}

/// 1.3.240's registry with the 1.4.360 specification: the text is attached where names
/// match, and every link resolves (`cargo doc` with warnings denied).
#[test]
fn an_older_registry_with_the_newer_spec_links_only_what_it_has() {
    let tmp = TempDir::new("older");
    let (out, report) = generate_with_docs(&tmp, shared().join("registry/v1.3.240/vk.xml"), Api::Vulkan);
    let coverage = report.coverage.unwrap();
    println!(
        "1.3.240 with the 1.4.360 spec: {}/{} enumerants described",
        coverage.enumerants_described, coverage.enumerants
    );
    assert!(coverage.enumerants_described > 1000);
    let header = std::fs::read_to_string(out.join("src/enums.rs")).unwrap();
    assert!(header
        .starts_with("// @generated by cargo xtask generate from vk.xml 1.3.240 and the Vulkan specification 1.4.360"));
    assert_docs_build(&out);
}

/// Vulkan SC with its docs: the SC-only text is there, and every link resolves, also for
/// values that alias a name Vulkan SC does not have (its `VK_EXT_robustness2` values alias
/// KHR names of an extension it does not select).
#[test]
fn vulkan_sc_docs_build_without_a_broken_link() {
    let tmp = TempDir::new("sc-docs");
    let (out, _) = generate_with_docs(&tmp, root().join("vk.xml"), Api::VulkanSc);
    let enums = std::fs::read_to_string(out.join("src/enums.rs")).unwrap();
    assert!(enums.contains("which this API does not have (the same value)"), "the alias without a target is said so");
    assert_docs_build(&out);
}
