//! Registry, input: a path -> the file's bytes, mapped read-only from the page cache on
//! 64-bit Unix (else read into memory).
//!
//! Why: reading vk.xml copied its 3.3 MB into fresh memory before anything else could
//! start, about 2 ms of a run's serial beginning (a fifth the copy, the rest first touches
//! of the fresh pages); a mapping shares the page cache's pages and costs a tenth of that.
//! Like any program that maps its input, a run needs the registry not to change while it
//! reads it: a file cut short meanwhile ends the process (`SIGBUS`).

use std::path::Path;

/// A whole file's bytes: mapped, or read when the file cannot be mapped (empty, not a
/// regular file, another system).
pub struct FileBytes(Inner);

enum Inner {
    Read(Vec<u8>),
    #[cfg(all(unix, target_pointer_width = "64"))]
    Mapped(map::Mapping),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Inner::Read(bytes) => bytes,
            #[cfg(all(unix, target_pointer_width = "64"))]
            Inner::Mapped(mapping) => mapping.bytes(),
        }
    }
}

/// The bytes of the file at `path`; the errors are `std::fs::read`'s.
pub fn read(path: &Path) -> std::io::Result<FileBytes> {
    let file = std::fs::File::open(path)?;
    #[cfg(all(unix, target_pointer_width = "64"))]
    {
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() > 0 {
            if let Some(mapping) = map::Mapping::of(&file, meta.len()) {
                return Ok(FileBytes(Inner::Mapped(mapping)));
            }
        }
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes)?;
    Ok(FileBytes(Inner::Read(bytes)))
}

#[cfg(all(unix, target_pointer_width = "64"))]
mod map {
    use std::ffi::c_void;
    use std::os::fd::AsRawFd;

    extern "C" {
        fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, offset: i64) -> *mut c_void;
        fn munmap(addr: *mut c_void, len: usize) -> i32;
    }
    /// The same on Linux, the BSDs and macOS.
    const PROT_READ: i32 = 1;
    const MAP_PRIVATE: i32 = 2;
    const MAP_FAILED: *mut c_void = !0 as *mut c_void;

    /// A read-only private mapping of a whole file, unmapped when dropped.
    pub struct Mapping {
        at: *mut c_void,
        len: usize,
    }

    // SAFETY: the mapping is read-only memory owned by this value alone; reading it from
    // any thread is as safe as reading a `&[u8]`.
    unsafe impl Send for Mapping {}
    // SAFETY: as for `Send`: no one writes through it.
    unsafe impl Sync for Mapping {}

    impl Mapping {
        /// `None` when the system refuses the mapping (the caller then reads the file).
        pub fn of(file: &std::fs::File, len: u64) -> Option<Mapping> {
            let len = usize::try_from(len).ok()?;
            // SAFETY: a new mapping at an address the system chooses, of an open file
            // descriptor; nothing else is touched.
            let at = unsafe { mmap(std::ptr::null_mut(), len, PROT_READ, MAP_PRIVATE, file.as_raw_fd(), 0) };
            (at != MAP_FAILED && !at.is_null()).then_some(Mapping { at, len })
        }

        pub fn bytes(&self) -> &[u8] {
            // SAFETY: `at` is a live mapping of `len` readable bytes, unmapped only when
            // `self` is dropped, after every borrow of it ended. The registry is not
            // written while a run reads it (see the module's doc).
            unsafe { std::slice::from_raw_parts(self.at.cast::<u8>(), self.len) }
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: the mapping made in `of`, unmapped once; no borrow of it outlives
            // `self`.
            unsafe { munmap(self.at, self.len) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_as_its_bytes_mapped_or_not() {
        let dir = std::env::temp_dir().join(format!("vkxml-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("registry.xml");
        let text = "<registry>\n  <comment>\u{e9}</comment>\n</registry>\n".repeat(5000);
        std::fs::write(&path, &text).unwrap();
        assert_eq!(&*read(&path).unwrap(), text.as_bytes());
        // Bytes moved to another thread stay readable there (the run frees them on one).
        let bytes = read(&path).unwrap();
        assert_eq!(std::thread::spawn(move || bytes.len()).join().unwrap(), text.len());
        // An empty file cannot be mapped: it is read, as nothing.
        let empty = dir.join("empty.xml");
        std::fs::write(&empty, "").unwrap();
        assert!(read(&empty).unwrap().is_empty());
        // The errors are those of reading: a folder, a missing file.
        let folder = read(&dir).err().expect("a folder is not a registry");
        assert_eq!(folder.kind(), std::fs::read(&dir).unwrap_err().kind());
        let missing = dir.join("missing.xml");
        assert_eq!(read(&missing).err().unwrap().kind(), std::io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
