//! Benchmark, resource use: what the processes the benchmark started and waited for used,
//! from the kernel's account of the children (`getrusage(RUSAGE_CHILDREN)`, Linux). Input:
//! a closure that runs one child to its end; output: its CPU time, split into user and
//! system time, and its page faults.
//!
//! Why: on the development machine (a virtual machine) a page fault costs about 2 µs, and
//! nearly half of the yardstick's time is the kernel's: wall time alone does not say what
//! a run spends, nor why its ratio to the yardstick moves between spells.

use std::time::Duration;

/// What one child process used, start to exit.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub user: Duration,
    pub system: Duration,
    /// Minor and major page faults.
    pub faults: u64,
}

/// Runs `child` (which starts one process and waits for it) and gives its result and what
/// the processes it waited for used; `None` where the system does not tell.
pub fn of_child<T>(child: impl FnOnce() -> T) -> (T, Option<Usage>) {
    let before = children();
    let result = child();
    let after = children();
    let usage = before.zip(after).map(|(b, a)| Usage {
        user: a.user.saturating_sub(b.user),
        system: a.system.saturating_sub(b.system),
        faults: a.faults.saturating_sub(b.faults),
    });
    (result, usage)
}

/// The medians of each figure, over `usages` (`None` when empty).
pub fn medians(usages: &[Usage]) -> Option<Usage> {
    fn median<T: Ord + Copy>(mut v: Vec<T>) -> T {
        v.sort_unstable();
        v[v.len() / 2]
    }
    (!usages.is_empty()).then(|| Usage {
        user: median(usages.iter().map(|u| u.user).collect()),
        system: median(usages.iter().map(|u| u.system).collect()),
        faults: median(usages.iter().map(|u| u.faults).collect()),
    })
}

/// The totals over every child waited for so far.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn children() -> Option<Usage> {
    /// `struct rusage` of 64-bit Linux: two `struct timeval`, then fourteen `long`s.
    #[repr(C)]
    struct RUsage {
        utime: [i64; 2],
        stime: [i64; 2],
        longs: [i64; 14],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut RUsage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut usage = RUsage { utime: [0; 2], stime: [0; 2], longs: [0; 14] };
    // SAFETY: `usage` is a writable `struct rusage` of this platform's layout, which the
    // call fills; nothing else is touched.
    if unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) } != 0 {
        return None;
    }
    let time = |[seconds, micros]: [i64; 2]| {
        Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
            + Duration::from_micros(u64::try_from(micros).unwrap_or(0))
    };
    // `ru_minflt` and `ru_majflt` are the fifth and sixth of the `long`s.
    let faults = usage.longs[4].max(0) as u64 + usage.longs[5].max(0) as u64;
    Some(Usage { user: time(usage.utime), system: time(usage.stime), faults })
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn children() -> Option<Usage> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    #[test]
    fn a_child_that_spins_is_counted_and_one_that_sleeps_is_not() {
        let spin = || {
            std::process::Command::new("sh").args(["-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"]).status()
        };
        let (status, usage) = of_child(spin);
        assert!(status.unwrap().success());
        let usage = usage.expect("Linux tells");
        assert!(usage.user + usage.system >= Duration::from_millis(20), "{usage:?}");
        assert!(usage.faults > 0, "a new process touches pages: {usage:?}");
        let (status, usage) = of_child(|| std::process::Command::new("sleep").arg("0.2").status());
        assert!(status.unwrap().success());
        assert!(usage.unwrap().user + usage.unwrap().system < Duration::from_millis(100), "{usage:?}");
    }

    #[test]
    fn medians_are_taken_figure_by_figure() {
        let u = |user, system, faults| Usage {
            user: Duration::from_millis(user),
            system: Duration::from_millis(system),
            faults,
        };
        let m = medians(&[u(3, 1, 10), u(1, 3, 30), u(2, 2, 20)]).unwrap();
        assert_eq!((m.user, m.system, m.faults), (Duration::from_millis(2), Duration::from_millis(2), 20));
        assert!(medians(&[]).is_none());
    }
}
