//! Process set-up, before any command: glibc's allocator asked to grow its heap 16 MiB at a
//! time and to serve blocks of up to 32 MiB from its heaps. Input: the environment;
//! output: glibc's `M_TOP_PAD` and `M_MMAP_THRESHOLD` set, or nothing changed.
//!
//! A full run touches about 30 MB of fresh heap memory (40 MB until the writer stopped
//! holding the whole crate, 2026-12-02). Grown 16 MiB at a time (`M_TOP_PAD`), the heap
//! is extended a few times instead of a few hundred, and trimmed less: a run took a
//! tenth less CPU time than with glibc's defaults (36 against 46 ms of system time,
//! 2026-12-02), for the same wall time.
//!
//! Blocks of 128 KiB and more (a piece of vk.xml and its roxmltree nodes, a part of a
//! generated file) were each mapped anew by glibc, their pages touched fresh every time,
//! until glibc's threshold rose past them after the first frees. Served from the heaps
//! (`M_MMAP_THRESHOLD` of 32 MiB), the memory one piece frees serves the next: about 900
//! fewer page faults, a third less system time (12.5 against 18.5 ms), and runs 0.9 ms
//! faster (23 of 30 pairs, 2026-12-02, sixth session).
//!
//! Until 2026-12-02 the process started itself again with `GLIBC_TUNABLES` asking glibc
//! for transparent huge pages as well (`glibc.malloc.hugetlb=1`; glibc reads its
//! tunables only when a process starts). In runs that follow each other closely, as a
//! benchmark's do, that was 8 to 15 ms faster. But the development machine is a virtual machine
//! whose balloon hands free memory back to the host in blocks of 2 MiB (free page
//! reporting, order 9): a process started after a few seconds without work, as a
//! maintainer's single `generate` is, found its huge pages no longer backed by the host, and
//! zeroing each cost the host 512 page faults. Such a run took 24 to 41 ms longer than
//! one in 4 KiB pages (pairs of runs, 3 s idle before each; through `cargo xtask`, 37 ms),
//! and the second start cost 1.7 ms more. `cargo xtask bench --pause 3` measures that case.
//!
//! A `GLIBC_TUNABLES` the caller set is left to act alone: nothing is changed then.

/// The heap's top pad: how much more than asked for it grows by each time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: i32 = 16 << 20;

/// The size from which glibc maps a block of its own instead of serving it from a heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;

/// How the heap was set up, for the benchmark to say.
static SET_UP: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// What [`set_up`] did, in words.
pub fn described() -> &'static str {
    SET_UP.get().copied().unwrap_or("the allocator's defaults")
}

/// Sets glibc's top pad to [`TOP_PAD`] and its mapping threshold to [`MMAP_THRESHOLD`]
/// unless the caller set tunables of their own. Called
/// first in `main`, before any other thread exists.
pub fn set_up() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            let _ = SET_UP.set("as the caller's GLIBC_TUNABLES says");
            return;
        }
        // glibc's `mallopt` parameters for the top pad and the mapping threshold
        // (`malloc.h`).
        const M_TOP_PAD: i32 = -2;
        const M_MMAP_THRESHOLD: i32 = -3;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: `mallopt` takes any parameter and value, and returns 0 for one it refuses;
        // no other thread allocates yet.
        if unsafe { mallopt(M_TOP_PAD, TOP_PAD) } == 1 && unsafe { mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) } == 1 {
            let _ = SET_UP.set(
                "4 KiB pages, grown by 16 MiB (M_TOP_PAD set by xtask), blocks up to 32 MiB from the heaps (M_MMAP_THRESHOLD)",
            );
        }
    }
}
