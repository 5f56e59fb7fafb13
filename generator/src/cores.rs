//! Scheduling, used by every stage that splits its work: tasks -> their results, made on
//! every core by threads that live as long as the process (one per core beyond the
//! first), the thread that waits for a task running queued ones meanwhile. A list of
//! tasks is taken in order, each thread taking the next task not yet taken: smaller tasks
//! balance the cores better, and a thread never waits while tasks remain.
//!
//! Why not a thread per task, as `std::thread::scope` gives: a run split its work a dozen
//! times, and each new thread was placed by the kernel on the core its parent ran on
//! whenever the other had only just gone idle (a core that was busy a moment ago looks
//! loaded), where it waited up to a scheduler tick (4 ms) while the other core sat idle:
//! the run kept 1.63 of the 2 cores busy. A thread that is woken, rather than made, is
//! placed on an idle core; and with as many threads as cores, none waits behind another.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

/// How many threads share work: one per core. Asked once per process: the standard
/// library opens and reads three cgroup files at each call, and a run splits its work six
/// times.
pub fn count() -> usize {
    static COUNT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *COUNT.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Makes the pool's threads now, if they are not made yet: a caller that starts them
/// before its serial work finds them ready when it first splits its work.
pub fn start() {
    let _ = pool();
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
    scope(|scope| {
        // Ahead of the tasks queued before: the split is under way, its caller waiting.
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn_first(work)).collect();
        work();
        // A helper no thread took yet runs here, and finds no task left.
        for helper in helpers {
            helper.join();
        }
    });
    results.into_iter().map(|r| r.into_inner().expect("no poisoned lock").expect("every task run")).collect()
}

/// Runs `f` with a [`Scope`] whose tasks may borrow what the caller holds: every task
/// spawned in it has ended when `scope` returns (or unwinds). As `std::thread::scope`,
/// on the pool's threads.
pub fn scope<'env, R>(f: impl for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> R) -> R {
    let scope = Scope { tasks: Mutex::new(Vec::new()), panicked: AtomicBool::new(false), lifetimes: PhantomData };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(&scope)));
    // Tasks may spawn more: until none is left.
    loop {
        let tasks = std::mem::take(&mut *lock(&scope.tasks));
        if tasks.is_empty() {
            break;
        }
        for task in &tasks {
            finish(task);
        }
    }
    match result {
        Err(payload) => std::panic::resume_unwind(payload),
        Ok(_) if scope.panicked.load(Ordering::Relaxed) => panic!("a task of a scope panicked and was not joined"),
        Ok(value) => value,
    }
}

/// Where tasks are spawned (see [`scope`]).
pub struct Scope<'scope, 'env: 'scope> {
    /// Every task spawned here, to be finished before the scope ends.
    tasks: Mutex<Vec<Arc<Task>>>,
    /// Whether a task panicked (a joined one passes its panic to the joiner as well).
    panicked: AtomicBool,
    /// As in `std::thread::Scope`: `'scope` is invariant, `'env` outlives it.
    lifetimes: PhantomData<(&'scope mut &'scope (), &'env mut &'env ())>,
}

/// A task spawned in a [`Scope`]: its result, once joined.
pub struct Handle<'scope, T> {
    task: Arc<Task>,
    result: Arc<Mutex<Option<std::thread::Result<T>>>>,
    scope: PhantomData<&'scope ()>,
}

impl<'scope> Scope<'scope, '_> {
    /// Queues `f` for the pool's threads; it runs on the first thread free for it, or where
    /// it is joined if none took it by then.
    pub fn spawn<T: Send + 'scope>(&'scope self, f: impl FnOnce() -> T + Send + 'scope) -> Handle<'scope, T> {
        self.queue(f, false)
    }

    /// As [`Scope::spawn`], but ahead of every task queued so far.
    fn spawn_first<T: Send + 'scope>(&'scope self, f: impl FnOnce() -> T + Send + 'scope) -> Handle<'scope, T> {
        self.queue(f, true)
    }

    fn queue<T: Send + 'scope>(&'scope self, f: impl FnOnce() -> T + Send + 'scope, first: bool) -> Handle<'scope, T> {
        let result = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&result);
        let panicked = &self.panicked;
        let work: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(f));
            if outcome.is_err() {
                panicked.store(true, Ordering::Relaxed);
            }
            *lock(&slot) = Some(outcome);
        });
        // SAFETY: only the lifetime changes. The scope finishes every task spawned in it
        // before it returns or unwinds (see `scope`), and a task's work is taken out (and
        // run) at most once, so the work never outlives what it borrows; a task left in the
        // pool's queue after that holds no work.
        let work: Work = unsafe { std::mem::transmute::<Box<dyn FnOnce() + Send + 'scope>, Work>(work) };
        let task = Arc::new(Task { work: Mutex::new(Some(work)), done: AtomicBool::new(false) });
        lock(&self.tasks).push(Arc::clone(&task));
        if let Some(pool) = pool() {
            pool.push(Arc::clone(&task), first);
        }
        Handle { task, result, scope: PhantomData }
    }
}

impl<T> Handle<'_, T> {
    /// The task's result: run here if no thread took it yet, else waited for (running
    /// queued tasks meanwhile). A panic in the task goes on here.
    pub fn join(self) -> T {
        finish(&self.task);
        match lock(&self.result).take().expect("a finished task left its result") {
            Ok(value) => value,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }

    /// Whether the task has ended.
    pub fn is_finished(&self) -> bool {
        self.task.done.load(Ordering::Acquire)
    }
}

/// A task's work, its lifetime erased (see [`Scope::spawn`]); it catches its own panics.
type Work = Box<dyn FnOnce() + Send + 'static>;

struct Task {
    /// Taken by the thread that runs it.
    work: Mutex<Option<Work>>,
    done: AtomicBool,
}

impl Task {
    /// Runs the task here unless a thread took it already.
    fn run_if_untaken(&self) {
        let work = lock(&self.work).take();
        if let Some(work) = work {
            work();
            self.done.store(true, Ordering::Release);
            if let Some(pool) = pool() {
                // Under the lock: a thread that saw the task unfinished is waiting by now.
                let _queue = lock(&pool.queue);
                pool.changed.notify_all();
            }
        }
    }
}

/// Runs `task` here if no thread took it yet, else waits for it, running queued tasks
/// meanwhile.
fn finish(task: &Task) {
    task.run_if_untaken();
    let Some(pool) = pool() else { return };
    while let Some(other) = pool.next(|| task.done.load(Ordering::Acquire)) {
        other.run_if_untaken();
    }
}

/// The queue of tasks, shared by the pool's threads and every thread that waits for a task.
struct Pool {
    queue: Mutex<VecDeque<Arc<Task>>>,
    /// A task was queued or finished.
    changed: Condvar,
}

/// The pool: made with its threads on first use; `None` on one core (every task then runs
/// where it is joined).
fn pool() -> Option<&'static Pool> {
    static POOL: OnceLock<Option<&'static Pool>> = OnceLock::new();
    *POOL.get_or_init(|| {
        if count() < 2 {
            return None;
        }
        let pool: &'static Pool =
            Box::leak(Box::new(Pool { queue: Mutex::new(VecDeque::new()), changed: Condvar::new() }));
        for _ in 1..count() {
            // A thread the system refuses leaves fewer to take tasks; the one that joins a
            // task not taken runs it.
            let _ = std::thread::Builder::new().name("vkxml-core".into()).spawn(move || pool.serve());
        }
        Some(pool)
    })
}

impl Pool {
    fn push(&self, task: Arc<Task>, first: bool) {
        let mut queue = lock(&self.queue);
        if first {
            queue.push_front(task);
        } else {
            queue.push_back(task);
        }
        drop(queue);
        self.changed.notify_all();
    }

    /// A pool thread: runs queued tasks, as long as the process lives.
    fn serve(&self) {
        while let Some(task) = self.next(|| false) {
            task.run_if_untaken();
        }
    }

    /// The next queued task, waited for until `stop` holds (then `None`).
    fn next(&self, stop: impl Fn() -> bool) -> Option<Arc<Task>> {
        let mut queue = lock(&self.queue);
        loop {
            if stop() {
                return None;
            }
            if let Some(task) = queue.pop_front() {
                return Some(task);
            }
            queue = self.changed.wait(queue).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The pool's locks guard no invariant a panic could break (tasks catch their panics).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
    fn tasks_borrow_the_callers_data_and_give_their_results_when_joined() {
        let words = vec!["vk".to_owned(), "xml".to_owned()];
        let (lengths, joined) = super::scope(|scope| {
            let lengths = scope.spawn(|| words.iter().map(String::len).collect::<Vec<_>>());
            let joined = scope.spawn(|| words.concat());
            (lengths.join(), joined.join())
        });
        assert_eq!((lengths, joined.as_str()), (vec![2, 3], "vkxml"));
    }

    #[test]
    fn a_task_not_joined_has_ended_when_its_scope_returns() {
        let ran = std::sync::atomic::AtomicUsize::new(0);
        super::scope(|scope| {
            for _ in 0..50 {
                scope.spawn(|| {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                    ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                });
            }
        });
        assert_eq!(ran.into_inner(), 50);
    }

    #[test]
    fn tasks_that_wait_for_tasks_and_split_their_own_work_finish() {
        // A task on the pool's thread that splits its work, while the joining thread waits
        // for it: the waiting thread takes the queued helper.
        let tasks: Vec<u64> = (0..200).collect();
        let total = super::scope(|scope| {
            let outer = scope.spawn(|| {
                super::map_in_order(&tasks, |&t| {
                    let inner: Vec<u64> = super::map_in_order(&[t, t + 1], |&x| x);
                    inner.iter().sum::<u64>()
                })
            });
            let side = scope.spawn(|| super::map_in_order(&tasks, |&t| t).len());
            (outer.join().iter().sum::<u64>(), side.join())
        });
        assert_eq!(total, ((0..200).map(|t| 2 * t + 1).sum(), 200));
    }

    #[test]
    fn a_split_goes_ahead_of_the_tasks_queued_before_it() {
        // A pool of its own, no thread serving it: the queue's order is what a thread
        // that looks for work takes.
        let pool = super::Pool { queue: Default::default(), changed: Default::default() };
        let ran = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let task = |name: &'static str| {
            let ran = std::sync::Arc::clone(&ran);
            let work: super::Work = Box::new(move || ran.lock().unwrap().push(name));
            std::sync::Arc::new(super::Task { work: std::sync::Mutex::new(Some(work)), done: Default::default() })
        };
        pool.push(task("queued first"), false);
        pool.push(task("queued second"), false);
        pool.push(task("a split's helper"), true);
        let taken = std::iter::from_fn(|| super::lock(&pool.queue).pop_front());
        for next in taken {
            next.run_if_untaken();
        }
        assert_eq!(*ran.lock().unwrap(), ["a split's helper", "queued first", "queued second"]);
    }

    #[test]
    fn a_finished_task_says_so() {
        super::scope(|scope| {
            let task = scope.spawn(|| 7);
            // Run where it is joined if no thread takes it: wait a little for the pool.
            for _ in 0..1000 {
                if task.is_finished() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_micros(100));
            }
            assert_eq!(task.join(), 7);
        });
    }

    #[test]
    fn a_panic_in_a_task_goes_on_where_it_is_joined_or_at_the_scope_end() {
        let joined = std::panic::catch_unwind(|| super::scope(|scope| scope.spawn(|| panic!("in the task")).join()));
        let message = joined.unwrap_err();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"in the task"));
        let unjoined = std::panic::catch_unwind(|| {
            super::scope(|scope| {
                scope.spawn(|| panic!("not joined"));
            })
        });
        assert!(unjoined.is_err());
        // The pool still runs tasks afterwards.
        assert_eq!(super::map_in_order(&[1, 2, 3], |&x| x * 2), [2, 4, 6]);
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
