//! The main job: `generated/` is fresh, runs are deterministic and all-or-nothing, the
//! showcase types match their reviewed golden file, and `--api vulkansc` selects its set.

use std::process::Command;

use vkxml_codegen::{model, registry, Api, Options};
use vkxml_codegen_e2e::{root, shared, xtask, TempDir};

fn options(out: &std::path::Path, check: bool) -> Options {
    Options {
        registry: root().join("vk.xml"),
        out: out.to_owned(),
        api: Api::Vulkan,
        check,
        crate_version: vkxml_codegen::DEFAULT_CRATE_VERSION.to_owned(),
        spec: Some((shared().join("vulkan-docs"), "1.4.360".to_owned())),
    }
}

/// Regenerating from `vk.xml` gives exactly `generated/` (`cargo xtask generate --check`).
#[test]
fn generated_is_fresh() {
    let report = vkxml_codegen::generate(&options(&root().join("generated"), true)).expect("generate --check");
    assert!(
        report.changed.is_empty(),
        "generated/ is stale; run `cargo xtask generate`. Differs: {:?}",
        report.changed
    );
}

/// Two runs, from another working directory, give the same bytes; the second changes nothing.
#[test]
fn runs_are_deterministic() {
    let tmp = TempDir::new("determinism");
    let a = tmp.0.join("a");
    let b = tmp.0.join("b");
    vkxml_codegen::generate(&options(&a, false)).expect("first run");
    let status = Command::new(xtask())
        .args(["generate", "--registry"])
        .arg(root().join("vk.xml"))
        .arg("--out")
        .arg(&b)
        .current_dir(std::env::temp_dir())
        .status()
        .expect("run xtask");
    assert!(status.success());
    let again = vkxml_codegen::generate(&options(&a, false)).expect("second run");
    assert!(again.changed.is_empty(), "a second run changed {:?}", again.changed);
    let check = vkxml_codegen::generate(&options(&b, true)).expect("check");
    assert!(check.changed.is_empty(), "runs differ in {:?}", check.changed);
}

/// A run killed just before it swaps the new crate in leaves the previous crate whole; the
/// next run removes the leftover staging folder.
#[test]
fn a_killed_run_leaves_the_previous_crate_whole() {
    let tmp = TempDir::new("killed");
    let out = tmp.0.join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// previous\n").unwrap();
    let mut child = Command::new(xtask())
        .args(["generate", "--registry"])
        .arg(root().join("vk.xml"))
        .arg("--out")
        .arg(&out)
        .env("VKXML_CODEGEN_PAUSE_BEFORE_SWAP_MS", "30000")
        .spawn()
        .expect("run xtask");
    // Wait until the complete staging folder is there, then kill.
    let staging_done = || {
        std::fs::read_dir(&tmp.0).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".out.tmp-") && e.path().join("examples/dump.rs").is_file()
        })
    };
    let start = std::time::Instant::now();
    while !staging_done() {
        assert!(start.elapsed().as_secs() < 60, "no staging folder appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap(), "// previous\n");
    vkxml_codegen::generate(&options(&out, false)).expect("next run");
    let left: Vec<_> = std::fs::read_dir(&tmp.0).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left, ["out"], "no temporary folder left behind");
    assert!(std::fs::read_to_string(out.join("src/lib.rs")).unwrap().contains("@generated"));
}

/// The model of the workspace's vk.xml and what emit needs besides, with the docs of the
/// 1.4.360 specification, under `header`.
fn model_with_docs(header: &str) -> (model::Model, vkxml_codegen::emit::Output) {
    let reg = registry::read(&root().join("vk.xml")).unwrap();
    let model = model::build(&reg, Api::Vulkan).unwrap();
    let defined = vkxml_codegen::docs::spec::Defined(
        model.features.iter().map(|f| f.name.clone()).chain(model.extensions.iter().map(|e| e.name.clone())).collect(),
    );
    let spec = vkxml_codegen::docs::spec::read(&shared().join("vulkan-docs"), &defined).unwrap();
    let output = vkxml_codegen::emit::Output {
        header: header.into(),
        crate_version: vkxml_codegen::DEFAULT_CRATE_VERSION.into(),
        docs: Some(vkxml_codegen::docs::build(&model, &spec, "1.4.360")),
    };
    (model, output)
}

/// The showcase types with their full docs (the specification's text, the C declaration,
/// related items) and their constants, exactly as emitted; reviewed by eye in
/// `tests/golden/`.
#[test]
fn external_handle_types_match_the_golden_file() {
    let (model, output) = model_with_docs("");
    let mut text = String::new();
    for name in
        ["VkExternalMemoryHandleTypeFlags", "VkExternalSemaphoreHandleTypeFlags", "VkExternalFenceHandleTypeFlags"]
    {
        let items = vkxml_codegen::emit::type_items(&model, name, &output).expect("type present").unwrap();
        text.push_str(&vkxml_codegen::writer::print(items).unwrap());
        text.push('\n');
    }
    let path = root().join("tests/golden/external_handle_types.rs.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(&path).expect("golden file; UPDATE_GOLDEN=1 writes it");
    assert_eq!(text, golden, "the emitted showcase types changed; review and rerun with UPDATE_GOLDEN=1");
    // What the earlier binding got wrong: each bullet names its own constant, the
    // compatibility table is whole, no empty link target, the newer bits are there.
    assert!(text.contains("/// - [`ExternalMemoryHandleTypeFlags::OPAQUE_FD`](crate::ExternalMemoryHandleTypeFlags::OPAQUE_FD) specifies a POSIX"));
    assert!(text.contains("**External Memory Handle Types Compatibility**"));
    assert!(text.contains("| [`ExternalMemoryHandleTypeFlags::MTLHEAP_EXT`](crate::ExternalMemoryHandleTypeFlags::MTLHEAP_EXT) | No restriction | Must match |"));
    assert!(!text.contains("]()"));
    assert!(!text.contains("SCI_BUF"), "a Vulkan SC bit in Vulkan docs");
    assert!(text.contains(
        "The specification has no description of `VK_EXTERNAL_MEMORY_HANDLE_TYPE_OH_NATIVE_BUFFER_BIT_OHOS`."
    ));
}

fn bits_of(api: Api, type_name: &str) -> Vec<String> {
    let reg = registry::read(&shared().join("registry/v1.4.360/vk.xml")).unwrap();
    let model = model::build(&reg, api).unwrap();
    let ty = model.types.iter().find(|t| t.c_name == type_name).expect("type present");
    ty.enumerants.iter().map(|e| e.c_name.clone()).collect()
}

/// `VK_NV_external_memory_sci_buf` is supported only for vulkansc: its bit exists there and
/// not in Vulkan; Vulkan-only extensions (the Android bit) are absent from vulkansc.
#[test]
fn vulkansc_bits_do_not_leak_into_vulkan() {
    let vulkan = bits_of(Api::Vulkan, "VkExternalMemoryHandleTypeFlags");
    let sc = bits_of(Api::VulkanSc, "VkExternalMemoryHandleTypeFlags");
    let sci = "VK_EXTERNAL_MEMORY_HANDLE_TYPE_SCI_BUF_BIT_NV".to_owned();
    assert!(sc.contains(&sci), "vulkansc has SCI_BUF");
    assert!(!vulkan.contains(&sci), "vulkan has no SCI_BUF");
    let android = "VK_EXTERNAL_MEMORY_HANDLE_TYPE_ANDROID_HARDWARE_BUFFER_BIT_ANDROID".to_owned();
    assert!(vulkan.contains(&android));
    assert!(!sc.contains(&android), "a vulkan-only extension's bit is not in vulkansc");
    // Core bits are in both.
    let fd = "VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT".to_owned();
    assert!(vulkan.contains(&fd) && sc.contains(&fd));
}

/// The files made in parts on several cores, joined, are the files made whole, for any
/// number of parts (with the docs, so that every kind of item is in them).
#[test]
fn files_made_in_parts_join_into_the_whole_file() {
    let (model, output) = model_with_docs("header");
    for (path, _) in vkxml_codegen::emit::IN_PARTS {
        let whole = vkxml_codegen::writer::render_in_parts(&model, &output, path, 1).unwrap();
        assert!(whole.starts_with("// header\n\n//!"), "{path}: the header and the module doc open the file");
        for count in [2, 3, 8, 500] {
            let joined = vkxml_codegen::writer::render_in_parts(&model, &output, path, count).unwrap();
            assert!(joined == whole, "{path}: {count} parts joined differ from the whole file");
        }
    }
}

/// The documented files, whose docs the writer prints as comment lines beside the items
/// (and whose tables it lays out row by row), are what prettyplease prints from the same
/// items with `#[doc]` attributes: every doc line, impl block, table row and line break of
/// 1.4.360 with its specification text.
#[test]
fn the_documented_files_print_as_prettyplease_prints_them_with_doc_attributes() {
    let (model, output) = model_with_docs("");
    for (path, lines) in [
        ("src/enums.rs", 10_000),
        ("src/bitmasks.rs", 10_000),
        ("src/reflection/enum_tables.rs", 10_000),
        ("src/reflection/bitmask_tables.rs", 5_000),
        ("src/reflection/lists.rs", 3_000),
        ("src/extensions.rs", 4_000),
    ] {
        let emit = || {
            let (_, emitter) = vkxml_codegen::emit::FILES.iter().find(|(p, _)| *p == path).unwrap();
            emitter(&model, &output, vkxml_codegen::emit::Part::WHOLE).unwrap()
        };
        let printed = vkxml_codegen::writer::print(emit()).unwrap();
        let vkxml_codegen::emit::Content::Documented { head, items } = emit() else {
            panic!("{path}: documented items")
        };
        let whole = prettyplease::unparse(&vkxml_codegen::writer::with_doc_attributes(head, items));
        assert!(printed.lines().count() > lines, "{path}: the whole file");
        if let Some((k, (a, b))) = printed.lines().zip(whole.lines()).enumerate().find(|(_, (a, b))| a != b) {
            panic!("{path}, line {}: the writer printed\n{a}\nprettyplease prints\n{b}", k + 1);
        }
        assert_eq!(printed, whole, "{path}");
    }
}

/// `output` without its docs.
fn without_docs(output: &vkxml_codegen::emit::Output) -> vkxml_codegen::emit::Output {
    vkxml_codegen::emit::Output {
        header: output.header.clone(),
        crate_version: output.crate_version.clone(),
        docs: None,
    }
}

/// The files the writer may make before the docs are built (`emit::WITHOUT_DOCS`) are the
/// same with the docs and without them.
#[test]
fn the_files_made_ahead_of_the_docs_do_not_depend_on_them() {
    let (model, with) = model_with_docs("header");
    let without = without_docs(&with);
    for path in vkxml_codegen::emit::WITHOUT_DOCS {
        let made = |output| vkxml_codegen::writer::render_in_parts(&model, output, path, 1).unwrap();
        assert_eq!(made(&with), made(&without), "{path}");
    }
    // The types files do depend on them (the check above can tell).
    let types = |output| vkxml_codegen::writer::render_in_parts(&model, output, "src/enums.rs", 1).unwrap();
    assert_ne!(types(&with), types(&without));
}

/// However many parts were made ahead of the docs (none, some, all of them), the crate
/// written is the same.
#[test]
fn the_crate_is_the_same_however_many_parts_were_made_ahead() {
    let (model, with) = model_with_docs("header");
    let without = without_docs(&with);
    let root = std::env::temp_dir().join(format!("vkxml-ahead-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut crates = Vec::new();
    for limit in [0, 5, usize::MAX] {
        let count = std::cell::Cell::new(0);
        let ahead = vkxml_codegen::writer::render_ahead(&model, &without, || {
            count.set(count.get() + 1);
            count.get() > limit
        });
        let made = ahead.made().0;
        assert!(made == limit || (limit == usize::MAX && made > 20), "{made} parts made ahead, {limit} asked");
        let dir = root.join(format!("out-{limit}"));
        vkxml_codegen::writer::render_and_write(&model, &with, ahead, &dir, false).unwrap();
        crates.push(
            vkxml_codegen::emit::FILES.iter().map(|(p, _)| std::fs::read(dir.join(p)).unwrap()).collect::<Vec<_>>(),
        );
    }
    assert!(crates.windows(2).all(|w| w[0] == w[1]));
    let _ = std::fs::remove_dir_all(&root);
}

/// xtask sets glibc's heap to grow 16 MiB at a time (`xtask/src/heap.rs`) in its own
/// process, without starting again, unless the caller set `GLIBC_TUNABLES` (even empty):
/// then it runs as it was started.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_heap_is_set_up_in_process_and_the_callers_tunables_win() {
    let heap_line = |tunables: Option<&str>| {
        let mut command = Command::new(xtask());
        command.args(["bench", "--runs", "1", "--no-docs"]);
        match tunables {
            Some(t) => command.env("GLIBC_TUNABLES", t),
            None => command.env_remove("GLIBC_TUNABLES"),
        };
        let out = command.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        stdout.lines().find(|l| l.trim_start().starts_with("heap:")).map(str::to_owned).expect("a heap line")
    };
    assert!(heap_line(None).contains("grown by 16 MiB (M_TOP_PAD set by xtask)"), "{}", heap_line(None));
    assert!(heap_line(Some("")).contains("the caller's GLIBC_TUNABLES"));
}

/// `bench` times each run in a process of its own (what a caller of `generate` waits
/// for), or all in one with `--in-process`; both print every phase and the peak memory.
#[test]
fn the_benchmark_runs_processes_or_one_process() {
    let bench = |extra: &[&str]| {
        let out = Command::new(xtask()).args(["bench", "--runs", "2"]).args(extra).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    // The yardstick's program is built when it is missing (`cargo xtask` builds only the
    // `xtask` program).
    let yardstick = xtask().with_file_name("roxmltree-alone");
    std::fs::remove_file(&yardstick).unwrap();
    let processes = bench(&["--no-docs"]);
    assert!(yardstick.exists(), "{} was not built again", yardstick.display());
    for phase in ["read", "parse", "resolve", "emit+format wall", "write", "total", "whole process", "reference"] {
        assert!(processes.lines().any(|l| l.trim_start().starts_with(phase)), "no {phase} line:\n{processes}");
    }
    assert!(processes.contains("2 runs, each a process of its own"), "{processes}");
    assert!(processes.contains("MB (median of the processes)"), "{processes}");
    // What each kind of process used, from the kernel's account (Linux).
    if cfg!(target_os = "linux") {
        for line in ["CPU time", "reference      user"] {
            assert!(
                processes.lines().any(|l| l.trim_start().starts_with(line) && l.contains("page faults")),
                "no {line} line:\n{processes}"
            );
        }
    }
    // The yardstick, roxmltree alone, ran beside the runs (its figures are not judged: a
    // benchmark's, not a test's).
    let ratio = processes
        .lines()
        .find_map(|l| l.trim().strip_prefix("whole process / reference: "))
        .and_then(|r| r.split(' ').next()?.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no ratio to the reference:\n{processes}"));
    assert!(ratio.is_finite(), "{processes}");
    // Without docs there is nothing to compare; with them, a run without follows each run.
    assert!(!processes.contains("docs add"), "{processes}");
    let with_docs = bench(&["--spec", &shared().join("vulkan-docs").display().to_string()]);
    for line in ["without docs", "docs add", "spec read+index"] {
        assert!(with_docs.lines().any(|l| l.trim_start().starts_with(line)), "no {line} line:\n{with_docs}");
    }
    let one = bench(&["--no-docs", "--in-process"]);
    assert!(one.contains("2 runs, all in this process") && one.contains("all 2 runs in one process"), "{one}");
    assert!(!one.contains("whole process") && !one.contains("reference"), "{one}");
    // `--pause`: each process starts after the machine sat idle; not with `--in-process`.
    let paused = bench(&["--no-docs", "--pause", "0.2"]);
    assert!(paused.contains("2 runs, each a process of its own, started after 0.2 s idle"), "{paused}");
    let refused = Command::new(xtask()).args(["bench", "--in-process", "--pause", "1"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stderr));
}
