//! Writer: emitted files -> formatted text with the header (prettyplease, per file or part
//! of a file, on every core) -> the output folder, all or nothing: the new crate is
//! written complete beside the old one and swapped in with one rename, so a failed or
//! killed run leaves the previous crate whole. `check` compares without writing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::emit::{Content, Output, Part, FILES, IN_PARTS};
use crate::error::{Error, Result};
use crate::model::Model;

/// A file ready to be written: its text in the pieces it was made in (the header, then
/// each part), in order. The pieces are written and compared one after the other, never
/// joined: joining copied the crate's megabytes of text into fresh memory once more, and
/// touching fresh memory (a page fault per 4 KiB) is dear on this machine.
pub struct RenderedFile {
    pub path: &'static str,
    pub pieces: Vec<String>,
}

impl RenderedFile {
    /// The file's length in bytes.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file's text in one string.
    #[cfg(test)]
    fn text(&self) -> String {
        self.pieces.concat()
    }

    /// Whether the file at `path` holds exactly this text. It is read in slices into one
    /// small buffer, not into a copy of the whole.
    fn matches_file(&self, path: &Path) -> bool {
        use std::io::Read;
        let Ok(mut file) = std::fs::File::open(path) else { return false };
        if !file.metadata().is_ok_and(|m| m.len() == self.len() as u64) {
            return false;
        }
        let mut buffer = vec![0u8; 64 * 1024];
        for piece in &self.pieces {
            for expected in piece.as_bytes().chunks(buffer.len()) {
                let read = &mut buffer[..expected.len()];
                if file.read_exact(read).is_err() || read != expected {
                    return false;
                }
            }
        }
        // Nothing after the text (the file did not grow since its length was read).
        matches!(file.read(&mut buffer[..1]), Ok(0))
    }

    /// Writes the file's pieces to `path`, one after the other.
    fn write_to(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(path)?;
        for piece in &self.pieces {
            file.write_all(piece.as_bytes())?;
        }
        Ok(())
    }
}

/// Time spent making the files, summed over threads, and the wall time of the whole.
#[derive(Clone, Debug, Default)]
pub struct RenderTimes {
    pub emit: Duration,
    pub format: Duration,
    pub wall: Duration,
    /// The slowest task (a file or a part of one): its path, emit and format time.
    pub slowest: Option<(&'static str, Duration, Duration)>,
}

/// Emits every file and formats the Rust ones with prettyplease, `header` on top: one
/// task per file or part of a file (see [`Part`]), on every core ([`crate::cores`]).
pub fn render(model: &Model, output: &Output) -> Result<(Vec<RenderedFile>, RenderTimes)> {
    let start = Instant::now();
    // The long files first, in the order `LONG_FILES` gives; a file's parts in order.
    let mut order: Vec<usize> = (0..FILES.len()).collect();
    order.sort_by_key(|&i| cost_rank(FILES[i].0));
    let tasks: Vec<(usize, Part)> = order
        .into_iter()
        .flat_map(|i| {
            let count = parts(FILES[i].0);
            (0..count).map(move |index| (i, Part { index, count }))
        })
        .collect();
    // Per task: the text, emit time, format time.
    let results = crate::cores::map_in_order(&tasks, |&(i, part)| {
        let t = Instant::now();
        let content = (FILES[i].1)(model, output, part);
        let emit = t.elapsed();
        let t = Instant::now();
        let text = render_part(content, part.is_first().then_some(output.header.as_str()));
        (text, emit, t.elapsed())
    });
    let mut times = RenderTimes::default();
    let mut pieces: Vec<Vec<String>> = vec![Vec::new(); FILES.len()];
    for (&(i, _), (text, emit, format)) in tasks.iter().zip(results) {
        times.emit += emit;
        times.format += format;
        if times.slowest.is_none_or(|(_, e, f)| e + f < emit + format) {
            times.slowest = Some((FILES[i].0, emit, format));
        }
        // A file's parts come in order: each follows the ones before.
        pieces[i].extend(text?);
    }
    let files = FILES.iter().zip(pieces).map(|(&(path, _), pieces)| RenderedFile { path, pieces }).collect();
    times.wall = start.elapsed();
    Ok((files, times))
}

/// One file made in `count` parts, one after the other (the parts joined must be the
/// file made whole: a test checks it).
pub fn render_in_parts(model: &Model, output: &Output, path: &str, count: usize) -> Result<String> {
    let &(_, emitter) = FILES.iter().find(|(p, _)| *p == path).expect("a file of the crate");
    let mut text = String::new();
    for index in 0..count {
        let part = Part { index, count };
        let pieces = render_part(emitter(model, output, part), part.is_first().then_some(&output.header))?;
        text.extend(pieces);
    }
    Ok(text)
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

/// How many parts each file of [`IN_PARTS`] is made in. Timed against whole files
/// (`cargo xtask bench`, alternating, without and with docs): with 8 parts emit and
/// format took 10 to 25% less wall time and the run's peak memory fell from 38 to 30 MB
/// (56-61 to 43-46 MB with docs); 4 parts gained less, 16 no more.
const PARTS: usize = 8;

/// How many parts a file is made in (see [`Part`]).
fn parts(path: &str) -> usize {
    IN_PARTS.iter().find(|(p, _)| *p == path).map_or(1, |&(_, most)| PARTS.min(most))
}

/// A file's place in [`LONG_FILES`]; the rest after, in their order.
fn cost_rank(path: &str) -> usize {
    LONG_FILES.iter().position(|p| *p == path).unwrap_or(LONG_FILES.len())
}

/// The text of a file or part: prettyplease's for Rust, under the header when given (part
/// 0) as a piece of its own, so that the part's text is not copied to follow it.
fn render_part(content: Result<Content>, header: Option<&str>) -> Result<Vec<String>> {
    Ok(match (content?, header) {
        (Content::Text(text), _) => vec![text],
        (Content::Syntax(file), Some(header)) => vec![format!("// {header}\n\n"), prettyplease::unparse(&file)],
        (Content::Syntax(file), None) => vec![prettyplease::unparse(&file)],
    })
}

/// Files of `dir` that differ from `files`, are missing, or are left over.
pub fn stale_files(dir: &Path, files: &[RenderedFile]) -> Vec<String> {
    // Read and compared on every core: with docs the crate is ten megabytes.
    let differs = crate::cores::map_in_order(files, |f| !f.matches_file(&dir.join(f.path)));
    let mut stale: Vec<String> =
        files.iter().zip(differs).filter(|(_, differs)| *differs).map(|(f, _)| f.path.to_owned()).collect();
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

/// Writes every file into `staging`, on every core; the first error in file order.
fn write_staging(staging: &Path, files: &[RenderedFile]) -> Result<()> {
    let _ = std::fs::remove_dir_all(staging);
    // The folders first, one thread: then the files need only be written.
    let folders: std::collections::BTreeSet<PathBuf> =
        files.iter().filter_map(|f| staging.join(f.path).parent().map(Path::to_path_buf)).collect();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    crate::cores::map_in_order(files, |f| {
        let path = staging.join(f.path);
        f.write_to(&path).map_err(|e| Error::io(&path, e))
    })
    .into_iter()
    .collect()
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
    fn a_file_matches_only_the_exact_bytes_of_its_pieces() {
        let dir = std::env::temp_dir().join(format!("vkxml-writer-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Longer than the compare buffer, so that slices and pieces do not line up.
        let long = "abcdefghij".repeat(10_000);
        let file = RenderedFile { path: "f", pieces: vec!["// head\n\n".to_owned(), long.clone(), "tail\n".into()] };
        let path = dir.join("f");
        file.write_to(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), file.text());
        assert!(file.matches_file(&path));
        // One byte changed in the middle, the same length.
        let mut changed = file.text().into_bytes();
        changed[50_000] = b'X';
        std::fs::write(&path, &changed).unwrap();
        assert!(!file.matches_file(&path));
        // A byte more, a byte less, no file.
        std::fs::write(&path, file.text() + "\n").unwrap();
        assert!(!file.matches_file(&path));
        std::fs::write(&path, &file.text()[1..]).unwrap();
        assert!(!file.matches_file(&path));
        std::fs::remove_file(&path).unwrap();
        assert!(!file.matches_file(&path));
        let _ = std::fs::remove_dir_all(&dir);
    }

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
