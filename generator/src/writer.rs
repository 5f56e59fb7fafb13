//! Writer: emitted files -> formatted text with the header (prettyplease, per file, on every
//! core) -> the output folder, all or nothing: the new crate is written complete beside the
//! old one and swapped in with one rename, so a failed or killed run leaves the previous
//! crate whole. `check` compares without writing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use std::time::{Duration, Instant};

use crate::emit::{Content, Output, FILES};
use crate::error::{Error, Result};
use crate::model::Model;

/// A file ready to be written.
pub struct RenderedFile {
    pub path: &'static str,
    pub text: String,
}

/// Time spent making the files, summed over threads, and the wall time of the whole.
#[derive(Clone, Debug, Default)]
pub struct RenderTimes {
    pub emit: Duration,
    pub format: Duration,
    pub wall: Duration,
    /// The slowest file: its path, emit and format time.
    pub slowest: Option<(&'static str, Duration, Duration)>,
}

/// Emits every file and formats the Rust ones with prettyplease, `header` on top, one file
/// per task on every core.
pub fn render(model: &Model, output: &Output) -> Result<(Vec<RenderedFile>, RenderTimes)> {
    let start = Instant::now();
    // The long files first, in the order `LONG_FILES` gives.
    let mut order: Vec<usize> = (0..FILES.len()).collect();
    order.sort_by_key(|&i| cost_rank(FILES[i].0));
    // Per file: the result, emit time, format time.
    type Slot = Mutex<Option<(Result<RenderedFile>, Duration, Duration)>>;
    let results: Vec<Slot> = FILES.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(FILES.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = order.get(k) else { break };
                let (path, emitter) = FILES[i];
                let t = Instant::now();
                let content = emitter(model, output);
                let emit = t.elapsed();
                let t = Instant::now();
                let rendered = render_one(path, content, &output.header);
                *results[i].lock().expect("no panics while locked") = Some((rendered, emit, t.elapsed()));
            });
        }
    });
    let mut times = RenderTimes::default();
    let mut files = Vec::with_capacity(FILES.len());
    for (i, r) in results.into_iter().enumerate() {
        let (file, emit, format) = r.into_inner().expect("no poisoned lock").expect("every file rendered");
        times.emit += emit;
        times.format += format;
        if times.slowest.is_none_or(|(_, e, f)| e + f < emit + format) {
            times.slowest = Some((FILES[i].0, emit, format));
        }
        files.push(file?);
    }
    times.wall = start.elapsed();
    Ok((files, times))
}

/// The files that take long, in the order they are taken, before all others: so that
/// the cores finish together. Timed per file with 1.4.360 (emit and format, ms, without /
/// with docs): the types (55 / 98 and 33 / 76), the reflection tables (30 / 47 and
/// 21 / 26), the lists (20 / 23), the extensions (18 / 21), the reflection module (4 / 2);
/// every other file about a millisecond. The tables go first: with both types files at
/// once, each was slower (measured; both build their largest syntax trees at the same
/// time), and so was the total. The lists and the extensions, when they came after the
/// small files, left one core idle for a tenth of the phase.
const LONG_FILES: &[&str] = &[
    "src/reflection/enum_tables.rs",
    "src/reflection/bitmask_tables.rs",
    "src/enums.rs",
    "src/bitmasks.rs",
    "src/reflection/lists.rs",
    "src/extensions.rs",
    "src/reflection/mod.rs",
];

/// A file's place in [`LONG_FILES`]; the rest after, in their order.
fn cost_rank(path: &str) -> usize {
    LONG_FILES.iter().position(|p| *p == path).unwrap_or(LONG_FILES.len())
}

fn render_one(path: &'static str, content: Result<Content>, header: &str) -> Result<RenderedFile> {
    let text = match content? {
        Content::Text(text) => text,
        Content::Syntax(file) => format!("// {header}\n\n{}", prettyplease::unparse(&file)),
    };
    Ok(RenderedFile { path, text })
}

/// Files of `dir` that differ from `files`, are missing, or are left over.
pub fn stale_files(dir: &Path, files: &[RenderedFile]) -> Vec<String> {
    let mut stale = Vec::new();
    for f in files {
        match std::fs::read(dir.join(f.path)) {
            Ok(bytes) if bytes == f.text.as_bytes() => {}
            _ => stale.push(f.path.to_owned()),
        }
    }
    let expected: std::collections::BTreeSet<PathBuf> = files.iter().map(|f| PathBuf::from(f.path)).collect();
    for extra in list_files(dir, dir) {
        if !expected.contains(&extra) {
            stale.push(format!("{} (not generated)", extra.display()));
        }
    }
    stale
}

/// Entries of the output folder the writer keeps across runs (build output).
const KEPT: &[&str] = &["target", "Cargo.lock"];

fn list_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if dir == root && KEPT.iter().any(|k| rel == Path::new(k)) {
            continue;
        }
        if path.is_dir() {
            out.extend(list_files(root, &path));
        } else {
            out.push(rel);
        }
    }
    out
}

/// What `write` did.
#[derive(Debug, Default)]
pub struct WriteReport {
    /// Files whose bytes changed (or were added or removed).
    pub changed: Vec<String>,
}

/// Writes `files` as the whole content of `dir`, all or nothing.
pub fn write(dir: &Path, files: &[RenderedFile]) -> Result<WriteReport> {
    let name = dir
        .file_name()
        .ok_or_else(|| Error::Other(format!("{}: not a folder name", dir.display())))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    remove_leftovers(&parent, &name);
    let changed = stale_files(dir, files);
    if changed.is_empty() {
        return Ok(WriteReport { changed });
    }
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = write_staging(&staging, files).and_then(|()| {
        pause_point();
        swap_in(&staging, dir)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| WriteReport { changed })
}

/// Removes staging folders that a killed run left beside `dir`.
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    if let Ok(entries) = std::fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn write_staging(staging: &Path, files: &[RenderedFile]) -> Result<()> {
    let _ = std::fs::remove_dir_all(staging);
    for f in files {
        let path = staging.join(f.path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
        }
        std::fs::write(&path, &f.text).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// A test-only pause before the swap, so a test can kill the run there.
fn pause_point() {
    if let Some(ms) = std::env::var("VKXML_CODEGEN_PAUSE_BEFORE_SWAP_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Puts the complete staging folder in place of `dir` with one atomic exchange, keeping
/// build output, then removes the old content.
fn swap_in(staging: &Path, dir: &Path) -> Result<()> {
    if !dir.exists() {
        return std::fs::rename(staging, dir).map_err(|e| Error::io(dir, e));
    }
    for kept in KEPT {
        let from = dir.join(kept);
        if from.exists() {
            let _ = std::fs::rename(&from, staging.join(kept));
        }
    }
    if exchange(staging, dir).is_err() {
        // No atomic exchange here: two renames, a short window without `dir`.
        let old = staging.with_extension("old");
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        std::fs::rename(staging, dir).map_err(|e| Error::io(dir, e))?;
        let _ = std::fs::remove_dir_all(&old);
        return Ok(());
    }
    std::fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    extern "C" {
        fn renameat2(
            olddirfd: i32,
            oldpath: *const std::ffi::c_char,
            newdirfd: i32,
            newpath: *const std::ffi::c_char,
            flags: u32,
        ) -> i32;
    }
    const AT_FDCWD: i32 = -100;
    const RENAME_EXCHANGE: u32 = 2;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this system"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_files_are_files_that_are_emitted() {
        for path in LONG_FILES {
            assert!(FILES.iter().any(|(p, _)| p == path), "{path} is not emitted");
        }
        // The lists and the extensions are not left to the end, after the small files.
        assert!(cost_rank("src/reflection/lists.rs") < cost_rank("src/lib.rs"));
        assert!(cost_rank("src/extensions.rs") < cost_rank("Cargo.toml"));
    }
}
