//! xtask, memory: the process's allocator. Small blocks (up to [`LARGEST`] bytes) come from
//! per-thread lists of freed blocks, one per size class, else from a run of fresh memory
//! cut in order; larger ones from the system allocator.
//!
//! Why: a run makes and frees about 1.1 million small blocks (syntax-tree nodes, names,
//! doc lines), mostly a tree at a time. glibc took 120 instructions per `malloc` and as
//! many per `free` for them: with its small per-thread cache full, most went through its
//! bins, where freed neighbours are merged. That was 31% of a run's instructions. Here a
//! block is taken from, or put back on, the head of a list: a few instructions, no lock.
//!
//! Freed blocks are never merged and never given back to the system: a block freed in one
//! size class is reused only for that class. So that blocks freed on one thread serve
//! another, a thread keeps at most two batches of [`BATCH`] free blocks per class and
//! passes further ones to a shared reserve, where a thread that runs short takes a whole
//! batch under a lock (once per [`BATCH`] blocks). A thread's last batches and the rest of
//! its fresh memory go to the reserve when it ends (a `pthread` key's destructor), so the
//! memory freed on the threads that free a run's model and registry is not lost.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Size classes are multiples of this; a block of a class is aligned to it.
const STEP: usize = 16;
/// The number of size classes: blocks of 16, 32, ... bytes up to [`LARGEST`].
const CLASSES: usize = 64;
/// The largest block served here.
const LARGEST: usize = CLASSES * STEP;
/// Fresh memory is taken from the system allocator this much at a time, from glibc's heap
/// (see `heap.rs`). Runs of a whole 2 MiB page each, aligned (when the heap was in huge
/// pages), took 12 MB more at the peak (every thread's run touched at once) and were no
/// faster.
const RUN: usize = 256 << 10;
/// Free blocks of a class move between a thread and the reserve this many at a time.
const BATCH: usize = 256;

/// The allocator: see the module's doc.
#[derive(Clone, Copy)]
pub struct Pool;

/// A thread's free blocks of one class. Blocks of a list are linked through their first
/// word; batches in the reserve through the second word of their first block (every block
/// is at least two words long).
#[derive(Clone, Copy)]
struct Class {
    /// The list blocks are taken from and freed to.
    head: *mut u8,
    /// At least the number of blocks in `head`'s list, at most [`BATCH`].
    count: usize,
    /// A batch of [`BATCH`] free blocks, or null.
    full: *mut u8,
}

const NO_BLOCKS: Class = Class { head: null_mut(), count: 0, full: null_mut() };

/// One thread's free blocks and fresh memory.
struct Local {
    classes: [Cell<Class>; CLASSES],
    fresh: Cell<*mut u8>,
    fresh_end: Cell<*mut u8>,
    /// [`NEW`], [`ARMED`] or [`ENDED`].
    state: Cell<u8>,
}

/// A thread that has not freed or taken a block from outside its lists yet.
const NEW: u8 = 0;
/// The key's destructor will run when the thread ends.
const ARMED: u8 = 1;
/// The thread is ending and its blocks went to the reserve: it uses the reserve.
const ENDED: u8 = 2;

thread_local! {
    static LOCAL: Local = const {
        Local {
            classes: [const { Cell::new(NO_BLOCKS) }; CLASSES],
            fresh: Cell::new(null_mut()),
            fresh_end: Cell::new(null_mut()),
            state: Cell::new(NEW),
        }
    };
}

/// What threads passed on: batches of free blocks, and rests of fresh memory.
struct Reserve {
    /// Per class, the first batch of a stack of batches.
    batches: [*mut u8; CLASSES],
    /// Rests of fresh memory (start, end); a rest that does not fit is dropped (address
    /// space only: the rest of a run was never touched).
    fresh: [(usize, usize); 64],
    fresh_count: usize,
}

// SAFETY: the pointers are free memory owned by the pool, not tied to a thread.
unsafe impl Send for Reserve {}

static RESERVE: Mutex<Reserve> =
    Mutex::new(Reserve { batches: [null_mut(); CLASSES], fresh: [(0, 0); 64], fresh_count: 0 });
/// Per class, whether the reserve may hold a batch of it: read without the lock.
static RESERVED: [AtomicBool; CLASSES] = [const { AtomicBool::new(false) }; CLASSES];

unsafe extern "C" {
    fn pthread_key_create(key: *mut u32, destructor: Option<unsafe extern "C" fn(*mut c_void)>) -> i32;
    fn pthread_setspecific(key: u32, value: *const c_void) -> i32;
}

/// The key whose destructor runs when a thread ends: [`NO_KEY_YET`] until made,
/// [`NO_KEY`] when it could not be made (ended threads' blocks are then not passed on).
static KEY: AtomicUsize = AtomicUsize::new(NO_KEY_YET);
const NO_KEY_YET: usize = usize::MAX;
const NO_KEY: usize = usize::MAX - 1;

/// The class of a block of `layout`, or `None` for the system allocator.
#[inline]
fn class(layout: Layout) -> Option<usize> {
    (layout.align() <= STEP && layout.size() <= LARGEST && layout.size() > 0).then(|| (layout.size() - 1) / STEP)
}

#[inline]
fn block_size(class: usize) -> usize {
    (class + 1) * STEP
}

/// Word `i` (0 or 1) of a free block: its link.
///
/// # Safety
/// `block` is a free block of the pool (two words at least, aligned), link `i` written.
#[inline]
unsafe fn link(block: *mut u8, i: usize) -> *mut u8 {
    unsafe { *(block as *mut *mut u8).add(i) }
}

/// # Safety
/// `block` is a block of the pool no one uses.
#[inline]
unsafe fn set_link(block: *mut u8, i: usize, to: *mut u8) {
    unsafe { *(block as *mut *mut u8).add(i) = to }
}

/// Makes the key, once per process; the key, if it exists.
fn key() -> Option<u32> {
    let key = KEY.load(Ordering::Acquire);
    if key == NO_KEY {
        return None;
    }
    if key != NO_KEY_YET {
        return Some(key as u32);
    }
    let mut made = 0u32;
    // SAFETY: `made` is a valid place for the key; the destructor has the right signature.
    // glibc's key functions never call this allocator.
    let ok = unsafe { pthread_key_create(&mut made, Some(thread_ends)) } == 0;
    let value = if ok { made as usize } else { NO_KEY };
    match KEY.compare_exchange(NO_KEY_YET, value, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => ok.then_some(made),
        // Another thread made one first: that one is used (this one stays idle).
        Err(theirs) => (theirs != NO_KEY).then_some(theirs as u32),
    }
}

fn reserve() -> std::sync::MutexGuard<'static, Reserve> {
    RESERVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The key's destructor: the ending thread's blocks and fresh memory go to the reserve.
unsafe extern "C" fn thread_ends(_: *mut c_void) {
    let _ = LOCAL.try_with(|local| {
        let mut reserve = reserve();
        for (class, cell) in local.classes.iter().enumerate() {
            let blocks = cell.replace(NO_BLOCKS);
            for list in [blocks.head, blocks.full] {
                if !list.is_null() {
                    // SAFETY: a list of free blocks of this class, now the reserve's.
                    unsafe { reserve.push(class, list) };
                }
            }
        }
        let (start, end) = (local.fresh.replace(null_mut()), local.fresh_end.replace(null_mut()));
        let n = reserve.fresh_count;
        if !start.is_null() && n < reserve.fresh.len() {
            reserve.fresh[n] = (start as usize, end as usize);
            reserve.fresh_count += 1;
        }
        local.state.set(ENDED);
    });
}

impl Reserve {
    /// # Safety
    /// `batch` is a well-linked list of free blocks of `class` that no one else holds.
    unsafe fn push(&mut self, class: usize, batch: *mut u8) {
        // SAFETY: the batch's first block is free.
        unsafe { set_link(batch, 1, self.batches[class]) };
        self.batches[class] = batch;
        RESERVED[class].store(true, Ordering::Relaxed);
    }

    /// A batch of `class`, or null.
    fn pop(&mut self, class: usize) -> *mut u8 {
        let batch = self.batches[class];
        if !batch.is_null() {
            // SAFETY: a batch in the reserve has its second link written.
            self.batches[class] = unsafe { link(batch, 1) };
        }
        RESERVED[class].store(!self.batches[class].is_null(), Ordering::Relaxed);
        batch
    }
}

impl Local {
    /// A block of `class`: from the thread's list, its full batch, a batch of the
    /// reserve, else fresh memory.
    #[inline]
    fn alloc(&self, class: usize) -> *mut u8 {
        let cell = &self.classes[class];
        let mut blocks = cell.get();
        if blocks.head.is_null() {
            return self.alloc_slow(class);
        }
        let block = blocks.head;
        // SAFETY: the head of a list is a free block with its link written.
        blocks.head = unsafe { link(block, 0) };
        blocks.count = blocks.count.saturating_sub(1);
        cell.set(blocks);
        block
    }

    #[cold]
    fn alloc_slow(&self, class: usize) -> *mut u8 {
        match self.state.get() {
            NEW => self.arm(),
            ENDED => return alloc_ended(class),
            _ => {}
        }
        let cell = &self.classes[class];
        let mut blocks = cell.get();
        let mut batch = std::mem::replace(&mut blocks.full, null_mut());
        if batch.is_null() && RESERVED[class].load(Ordering::Relaxed) {
            batch = reserve().pop(class);
        }
        if !batch.is_null() {
            // SAFETY: a batch is a list of free blocks with their links written.
            blocks.head = unsafe { link(batch, 0) };
            blocks.count = BATCH - 1;
            cell.set(blocks);
            return batch;
        }
        let size = block_size(class);
        let fresh = self.fresh.get();
        if !fresh.is_null() && (self.fresh_end.get() as usize - fresh as usize) >= size {
            // SAFETY: `fresh + size` stays within the run (checked).
            self.fresh.set(unsafe { fresh.add(size) });
            return fresh;
        }
        let (start, end) = new_run();
        if start.is_null() {
            return start;
        }
        // SAFETY: a run is far larger than a block.
        self.fresh.set(unsafe { start.add(size) });
        self.fresh_end.set(end);
        start
    }

    /// # Safety
    /// `block` is a block of `class` from this pool that no one uses.
    #[inline]
    unsafe fn free(&self, block: *mut u8, class: usize) {
        if self.state.get() != ARMED {
            // SAFETY: as this function's.
            return unsafe { self.free_cold(block, class) };
        }
        // The list's fields are changed in place, not copied out and back.
        let blocks = self.classes[class].as_ptr();
        // SAFETY: the thread's own cell, which no reference points into (a `Cell`'s value
        // is only ever copied); the block is free and at least two words long.
        unsafe {
            set_link(block, 0, (*blocks).head);
            (*blocks).head = block;
            (*blocks).count += 1;
            if (*blocks).count >= BATCH {
                self.spill(class);
            }
        }
    }

    /// A list that reached [`BATCH`] blocks becomes the full batch; a full batch before it
    /// goes to the reserve. Out of line (once per [`BATCH`] frees): inlined, it made every
    /// free save and restore five registers, a third of its instructions.
    ///
    /// # Safety
    /// The thread's list of `class` holds [`BATCH`] free blocks.
    #[cold]
    #[inline(never)]
    unsafe fn spill(&self, class: usize) {
        let mut blocks = self.classes[class].get();
        if !blocks.full.is_null() {
            // SAFETY: a full batch of free blocks of this class.
            unsafe { reserve().push(class, blocks.full) };
        }
        blocks.full = blocks.head;
        blocks.head = null_mut();
        blocks.count = 0;
        self.classes[class].set(blocks);
    }

    /// A thread's first free, or one while it ends.
    ///
    /// # Safety
    /// As [`Local::free`].
    #[cold]
    unsafe fn free_cold(&self, block: *mut u8, class: usize) {
        if self.state.get() == ENDED {
            // SAFETY: as this function's.
            return unsafe { free_ended(block, class) };
        }
        self.arm();
        // SAFETY: as this function's; the thread is armed now.
        unsafe { self.free(block, class) }
    }

    /// Makes the key's destructor run when this thread ends (once per thread, at its
    /// first free or its first block not from its own list).
    #[cold]
    fn arm(&self) {
        self.state.set(ARMED);
        if let Some(key) = key() {
            // SAFETY: the key exists; a non-null value makes its destructor run.
            unsafe { pthread_setspecific(key, std::ptr::dangling::<c_void>()) };
        }
    }
}

/// A run of fresh memory: a rest an ended thread left, else a new one from the system.
fn new_run() -> (*mut u8, *mut u8) {
    {
        let mut reserve = reserve();
        while reserve.fresh_count > 0 {
            reserve.fresh_count -= 1;
            let (start, end) = reserve.fresh[reserve.fresh_count];
            if end - start >= LARGEST {
                return (start as *mut u8, end as *mut u8);
            }
        }
    }
    // SAFETY: the layout's size is not zero; its alignment is a power of two.
    let start = unsafe { System.alloc(Layout::from_size_align_unchecked(RUN, STEP)) };
    // SAFETY: `start + RUN` is the end of the run just made.
    (start, if start.is_null() { start } else { unsafe { start.add(RUN) } })
}

/// A block of `class` for a thread that is ending (its blocks went to the reserve): rare.
fn alloc_ended(class: usize) -> *mut u8 {
    // A system block of the class's size serves as one of the pool's when it is freed:
    // aligned to 16, and never given back.
    // SAFETY: the size is not zero.
    unsafe { System.alloc(Layout::from_size_align_unchecked(block_size(class), STEP)) }
}

/// Frees a block of `class` for a thread that is ending: to the reserve, as a batch of one.
///
/// # Safety
/// As [`Local::free`].
unsafe fn free_ended(block: *mut u8, class: usize) {
    // SAFETY: a list of one free block.
    unsafe {
        set_link(block, 0, null_mut());
        reserve().push(class, block);
    }
}

// SAFETY: every block handed out is `block_size(class) >= layout.size()` bytes, aligned to
// 16 >= `layout.align()`, and has one user until freed; freed blocks are reused only for
// their class. Larger or more aligned layouts go to the system allocator, and a block goes
// back where it came from because the class follows from the layout, which the caller
// passes unchanged.
unsafe impl GlobalAlloc for Pool {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(layout) else {
            // SAFETY: the caller's layout, passed on.
            return unsafe { System.alloc(layout) };
        };
        // An ended thread's lists are empty: its blocks come from `alloc_slow`, which knows.
        LOCAL.try_with(|local| local.alloc(class)).unwrap_or_else(|_| alloc_ended(class))
    }

    #[inline]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class(layout) else {
            // SAFETY: a block the system allocator gave for this layout.
            return unsafe { System.dealloc(block, layout) };
        };
        // SAFETY: the caller frees a block of this layout, hence of this class.
        let freed = LOCAL.try_with(|local| unsafe { local.free(block, class) });
        if freed.is_err() {
            // SAFETY: as above.
            unsafe { free_ended(block, class) }
        }
    }

    #[inline]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees a valid layout for `new_size` with this alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new_layout)) {
            // SAFETY: a system block, resized by the system.
            (None, None) => unsafe { System.realloc(block, layout, new_size) },
            // The block already has room.
            (Some(a), Some(b)) if a == b => block,
            _ => {
                // SAFETY: a new block for the new layout; the old one is copied and freed.
                unsafe {
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(block, new, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests that count which blocks come back run one at a time: they share the
    /// reserve (the harness runs tests on threads of one process).
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
        ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[test]
    fn sizes_fall_in_the_class_that_holds_them() {
        let layout = |size, align| Layout::from_size_align(size, align).unwrap();
        assert_eq!(class(layout(1, 1)), Some(0));
        assert_eq!(class(layout(16, 8)), Some(0));
        assert_eq!(class(layout(17, 8)), Some(1));
        assert_eq!(class(layout(LARGEST, 16)), Some(CLASSES - 1));
        assert_eq!(class(layout(LARGEST + 1, 16)), None);
        assert_eq!(class(layout(8, 32)), None, "over-aligned layouts go to the system");
        for size in 1..=LARGEST {
            let c = class(layout(size, 8)).unwrap();
            assert!(block_size(c) >= size && (c == 0 || block_size(c - 1) < size));
        }
    }

    /// Blocks freed on threads that end are reused, through the reserve, by the threads
    /// that come after; each block has one owner at a time (the contents survive).
    #[test]
    fn blocks_pass_between_threads_and_keep_their_contents() {
        let _serial = one_at_a_time();
        const SIZE: usize = 1000;
        const PER_ROUND: usize = 2000;
        let pool = Pool;
        let layout = Layout::from_size_align(SIZE, 8).unwrap();
        let fill = |round: usize, i: usize| (round * 7 + i) as u8;
        let mut kept: Vec<(usize, u8)> = Vec::new();
        let mut freed = std::collections::HashSet::new();
        let mut reused = 0;
        for round in 0..20 {
            let blocks: Vec<usize> = std::thread::spawn(move || {
                (0..PER_ROUND)
                    .map(|i| {
                        // SAFETY: a valid layout; the block is filled within its size.
                        let block = unsafe { pool.alloc(layout) };
                        assert!(!block.is_null() && block as usize % STEP == 0);
                        unsafe { block.write_bytes(fill(round, i), SIZE) };
                        block as usize
                    })
                    .collect()
            })
            .join()
            .unwrap();
            reused += blocks.iter().filter(|b| freed.remove(*b)).count();
            // Half are freed on another thread, which then ends; the rest stay in use.
            let (free, keep) = blocks.split_at(PER_ROUND / 2);
            freed.extend(free.iter().copied());
            let free = free.to_vec();
            std::thread::spawn(move || {
                for block in free {
                    // SAFETY: blocks of this layout from this pool, each freed once.
                    unsafe { pool.dealloc(block as *mut u8, layout) };
                }
            })
            .join()
            .unwrap();
            kept.extend(keep.iter().enumerate().map(|(i, &b)| (b, fill(round, i + PER_ROUND / 2))));
        }
        // Other tests' threads may take some of the reserve's blocks of this class.
        assert!(reused >= 19 * PER_ROUND / 4, "only {reused} blocks were reused");
        let mut seen = std::collections::HashSet::new();
        for &(block, byte) in &kept {
            assert!(seen.insert(block), "a block was handed out twice");
            // SAFETY: blocks still in use, `SIZE` bytes each.
            let bytes = unsafe { std::slice::from_raw_parts(block as *const u8, SIZE) };
            assert!(bytes.iter().all(|&b| b == byte), "a block in use was overwritten");
        }
        for (block, _) in kept {
            // SAFETY: as above.
            unsafe { pool.dealloc(block as *mut u8, layout) };
        }
    }

    /// A thread that frees more than two batches of a class passes the others to the
    /// reserve while it runs, and another thread gets them.
    #[test]
    fn a_running_thread_passes_on_the_batches_it_does_not_keep() {
        let _serial = one_at_a_time();
        // A class no other test here uses.
        let layout = Layout::from_size_align(960, 8).unwrap();
        let pool = Pool;
        // SAFETY: a valid layout; each block is freed once.
        let blocks: Vec<usize> = (0..4 * BATCH).map(|_| unsafe { pool.alloc(layout) } as usize).collect();
        for &block in &blocks {
            unsafe { pool.dealloc(block as *mut u8, layout) };
        }
        let taken: Vec<usize> = std::thread::spawn(move || {
            // SAFETY: as above; the blocks are freed on this thread after the count.
            let taken: Vec<usize> = (0..2 * BATCH).map(|_| unsafe { pool.alloc(layout) } as usize).collect();
            for &block in &taken {
                unsafe { pool.dealloc(block as *mut u8, layout) };
            }
            taken
        })
        .join()
        .unwrap();
        let freed: std::collections::HashSet<usize> = blocks.into_iter().collect();
        let reused = taken.iter().filter(|b| freed.contains(b)).count();
        assert!(reused >= BATCH, "only {reused} of the other thread's freed blocks were reused");
    }

    /// Threads that allocate blocks of every class, fill them, and free them on other
    /// threads (and threads that end while holding batches): no block is handed out while
    /// in use, and every block keeps what its owner wrote.
    #[test]
    fn blocks_of_every_class_under_threads_that_trade_them() {
        let _serial = one_at_a_time();
        use std::sync::mpsc;
        const THREADS: usize = 4;
        const ROUNDS: usize = 3;
        let pool = Pool;
        for round in 0..ROUNDS {
            let (senders, receivers): (Vec<_>, Vec<_>) =
                (0..THREADS).map(|_| mpsc::channel::<Vec<(usize, usize, u8)>>()).unzip();
            let handles: Vec<_> = receivers
                .into_iter()
                .enumerate()
                .map(|(t, receiver)| {
                    let next = senders[(t + 1) % THREADS].clone();
                    std::thread::spawn(move || {
                        let mut seed = ((round * THREADS + t) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
                        let mut random = move || {
                            seed ^= seed << 13;
                            seed ^= seed >> 7;
                            seed ^= seed << 17;
                            seed
                        };
                        let mut mine = Vec::new();
                        for i in 0..20_000usize {
                            let size = 1 + random() as usize % LARGEST;
                            let layout = Layout::from_size_align(size, 8).unwrap();
                            // SAFETY: a valid layout; the block is filled within its size.
                            let block = unsafe { pool.alloc(layout) };
                            assert!(!block.is_null() && block as usize % STEP == 0);
                            let byte = (i % 251) as u8;
                            unsafe { block.write_bytes(byte, size) };
                            mine.push((block as usize, size, byte));
                        }
                        // Half go to the next thread to check and free.
                        let theirs = mine.split_off(mine.len() / 2);
                        next.send(theirs).unwrap();
                        let received = receiver.recv().unwrap();
                        for (block, size, byte) in mine.into_iter().chain(received) {
                            // SAFETY: a block in use, `size` bytes long.
                            let bytes = unsafe { std::slice::from_raw_parts(block as *const u8, size) };
                            assert!(bytes.iter().all(|&b| b == byte), "a block in use was overwritten");
                            let layout = Layout::from_size_align(size, 8).unwrap();
                            // SAFETY: a block of this layout from this pool, freed once.
                            unsafe { pool.dealloc(block as *mut u8, layout) };
                        }
                    })
                })
                .collect();
            drop(senders);
            for handle in handles {
                handle.join().unwrap();
            }
        }
    }
}
