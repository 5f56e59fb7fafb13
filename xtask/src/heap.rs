//! Process set-up, before any command: glibc's allocator asked to back the heap with
//! 2 MiB pages. Input: the environment; output: this process started again with
//! `GLIBC_TUNABLES` set, or nothing changed.
//!
//! A full run touches about 50 MB of fresh heap memory. In 4 KiB pages that is about
//! 13,000 page faults, each about 1.5 us on the development machine: a tenth of the run's
//! CPU time. Asked to (`glibc.malloc.hugetlb=1`), glibc backs its heap with transparent
//! huge pages, and grown 16 MiB at a time (`glibc.malloc.top_pad`) the heap holds whole
//! 2 MiB pages: about 400 faults, and a peak of 51 MB instead of 38. glibc reads its
//! tunables only when a process starts, so the process starts itself again with them set.
//! A `GLIBC_TUNABLES` the caller set is left as it is, and nothing is started again.

/// What the process runs with: huge pages for the heap, and the heap grown by 16 MiB.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216";

/// Set in the started process, so that it knows the tunables are its own (and takes them
/// out of the environment its children get).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const STARTED_AGAIN: &str = "VKXML_CODEGEN_HEAP_TUNED";

/// How the heap was set up, for the benchmark to say.
static SET_UP: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// What [`use_huge_pages`] did, in words.
pub fn set_up() -> &'static str {
    SET_UP.get().copied().unwrap_or("the allocator's defaults")
}

/// Starts this process again with [`TUNABLES`] unless it was started so, or the caller set
/// tunables of their own. Returns only in the process that goes on (if starting again
/// fails, in this one, unchanged).
pub fn use_huge_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os(STARTED_AGAIN).is_some() {
            // glibc has read the tunables; the commands' own children (cargo, python) are
            // run as the caller would run them. No other thread exists yet.
            std::env::remove_var("GLIBC_TUNABLES");
            std::env::remove_var(STARTED_AGAIN);
            let _ = SET_UP.set("2 MiB pages, grown by 16 MiB (GLIBC_TUNABLES set by xtask)");
            return;
        }
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            let _ = SET_UP.set("as the caller's GLIBC_TUNABLES says");
            return;
        }
        let Ok(exe) = std::env::current_exe() else { return };
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            command.arg0(arg0);
        }
        // `exec` returns only when the process could not be started again: go on as is.
        let _ = command.args(args).env("GLIBC_TUNABLES", TUNABLES).env(STARTED_AGAIN, "1").exec();
    }
}
