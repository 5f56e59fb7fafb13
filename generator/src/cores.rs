//! Scheduling, used by every stage that splits its work: a list of tasks -> their results
//! in task order, made on every core (the calling thread and one more per further core),
//! each thread taking the next task not yet taken. Smaller tasks balance the cores better:
//! a thread never waits while tasks remain.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many threads share work: one per core. Asked once per process: the standard
/// library opens and reads three cgroup files at each call, and a run splits its work six
/// times.
pub fn count() -> usize {
    static COUNT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *COUNT.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `run(task)` for every task, on every core, taken in order; the results in task order.
pub fn map_in_order<T: Sync, R: Send>(tasks: &[T], run: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let results: Vec<Mutex<Option<R>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let Some(task) = tasks.get(k) else { break };
        let result = run(task);
        *results[k].lock().expect("no panics while locked") = Some(result);
    };
    let threads = count().min(tasks.len());
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    results.into_iter().map(|r| r.into_inner().expect("no poisoned lock").expect("every task run")).collect()
}

/// `items` cut into `count` contiguous runs of about equal `weight`, in order, each item in
/// exactly one: an item goes to the run its middle falls in (the weight before it and half
/// its own), so that a heavy item sits where most of it belongs and the items after it are
/// not all pushed into the next run. A run may be empty.
pub fn runs<T>(items: &[T], count: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let count = count.max(1);
    // Doubled weights keep the middles whole numbers.
    let total: usize = 2 * items.iter().map(&weight).sum::<usize>().max(1);
    let mut runs = Vec::with_capacity(count);
    let (mut start, mut before) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let w = 2 * weight(item);
        let run = ((before + w / 2) * count / total).min(count - 1);
        while runs.len() < run {
            runs.push(&items[start..i]);
            start = i;
        }
        before += w;
    }
    while runs.len() < count {
        runs.push(&items[start..]);
        start = items.len();
    }
    runs
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_task_order_each_task_run_once() {
        let tasks: Vec<u64> = (0..1000).collect();
        let runs = std::sync::atomic::AtomicUsize::new(0);
        let results = super::map_in_order(&tasks, |&t| {
            runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            t * t
        });
        assert_eq!(results, tasks.iter().map(|t| t * t).collect::<Vec<_>>());
        assert_eq!(runs.into_inner(), 1000);
        assert!(super::map_in_order(&[] as &[u8], |&t| t).is_empty());
    }

    #[test]
    fn runs_are_contiguous_in_order_and_as_many_as_asked() {
        let items = [3usize, 1, 4, 1, 5, 9, 2, 6];
        for count in 1..=12 {
            let runs = super::runs(&items, count, |&w| w);
            assert_eq!(runs.len(), count);
            assert_eq!(runs.concat(), items, "{count} runs");
        }
        // More runs than items: the extra runs are empty; no weight at all: one run has all.
        assert_eq!(super::runs(&[7usize], 3, |&w| w).concat(), [7]);
        assert_eq!(super::runs(&[1usize, 2, 3], 2, |_| 0), [&[1, 2, 3][..], &[][..]]);
        assert!(super::runs(&[] as &[usize], 4, |&w| w).iter().all(|r| r.is_empty()));
    }
}
