//! End-to-end test support: input: the workspace and `../shared`; output: paths, the
//! xtask binary, generated crates in temporary folders and their dumps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the workspace (or `$VKXML_SHARED`).
pub fn shared() -> PathBuf {
    match std::env::var_os("VKXML_SHARED") {
        Some(p) => PathBuf::from(p),
        None => root().join("../shared"),
    }
}

/// Registry folders of `../shared/registry`, oldest first.
pub fn registries() -> Vec<(String, PathBuf)> {
    let dir = shared().join("registry");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().join("vk.xml").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort_by_key(|(tag, _)| version_key(tag));
    out
}

/// `v1.4.360` -> [1, 4, 360].
pub fn version_key(tag: &str) -> Vec<u32> {
    tag.trim_start_matches('v').split(['.', '-']).filter_map(|p| p.parse().ok()).collect()
}

/// A fresh temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("vkxml-e2e-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where nested cargo runs build, apart from the test run's own target folder (which
/// cargo keeps locked while tests run).
pub fn nested_target() -> PathBuf {
    root().join("target/e2e")
}

/// The xtask binary, built once per test process.
pub fn xtask() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--release", "-p", "xtask"])
            .env("CARGO_TARGET_DIR", nested_target())
            .current_dir(root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building xtask failed");
        nested_target().join("release/xtask")
    })
}

/// One line of the dump contract.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub c_type: String,
    pub c_name: String,
    pub value: String,
    pub rust_type: String,
    pub rust_name: String,
    pub providers: String,
}

/// Builds the crate in `dir` and runs its dump example.
pub fn dump(dir: &Path) -> Vec<Row> {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "dump", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", nested_target().join("crates"))
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "dump of {} failed:\n{}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .expect("UTF-8 dump")
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "a dump line has six columns: {line}");
            Row {
                c_type: f[0].into(),
                c_name: f[1].into(),
                value: f[2].into(),
                rust_type: f[3].into(),
                rust_name: f[4].into(),
                providers: f[5].into(),
            }
        })
        .collect()
}

/// Generates the crate of `registry` into `dir` with the library.
pub fn generate(registry: &Path, dir: &Path) {
    let options = vkxml_codegen::Options {
        registry: registry.to_owned(),
        out: dir.to_owned(),
        api: vkxml_codegen::Api::Vulkan,
        check: false,
        crate_version: vkxml_codegen::DEFAULT_CRATE_VERSION.to_owned(),
        spec: None,
    };
    vkxml_codegen::generate(&options).unwrap_or_else(|e| panic!("generate {}: {e}", registry.display()));
}

/// The dump of every registry in `../shared/registry`, computed once per test process, two
/// registries at a time.
pub fn all_dumps() -> &'static BTreeMap<String, Vec<Row>> {
    static DUMPS: OnceLock<BTreeMap<String, Vec<Row>>> = OnceLock::new();
    DUMPS.get_or_init(|| {
        let list = registries();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(BTreeMap::new());
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((tag, path)) = list.get(i) else { break };
                    let tmp = TempDir::new(tag);
                    let out = tmp.0.join("crate");
                    generate(&path.join("vk.xml"), &out);
                    let rows = dump(&out);
                    results.lock().expect("no poisoned lock").insert(tag.clone(), rows);
                });
            }
        });
        results.into_inner().expect("no poisoned lock")
    })
}

/// Lines of a TSV file, split.
pub fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}
