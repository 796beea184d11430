//! Fault injection for the index's storage: a directory that behaves like
//! the index directory on disk until it is told to fail, and then refuses
//! every write as a full disk would. Tests and drills use it to show that
//! the indexer recovers once the fault is gone; a hub opened without a
//! switch never fails this way.

use std::{
    io,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use tantivy::directory::{
    error::{DeleteError, LockError, OpenReadError, OpenWriteError},
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr,
};

/// Turns injected write faults on and off; clones share the switch.
#[derive(Clone, Debug, Default)]
pub struct FaultSwitch(Arc<AtomicBool>);

impl FaultSwitch {
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on every write to the index directory fails.
    pub fn fail_writes(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Writes succeed again.
    pub fn heal(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    pub fn is_failing(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    fn check(&self) -> io::Result<()> {
        if self.is_failing() {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "injected fault: no space left on device",
            ));
        }
        Ok(())
    }
}

/// The index directory on disk, failing writes while its switch is on.
#[derive(Clone, Debug)]
pub struct FaultyDirectory {
    inner: MmapDirectory,
    switch: FaultSwitch,
}

impl FaultyDirectory {
    pub fn open(path: &Path, switch: FaultSwitch) -> Result<Self, io::Error> {
        let inner = MmapDirectory::open(path).map_err(io::Error::other)?;
        Ok(Self { inner, switch })
    }
}

impl Directory for FaultyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.switch
            .check()
            .map_err(|error| OpenWriteError::wrap_io_error(error, PathBuf::from(path)))?;
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.switch.check()?;
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.switch.check()?;
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
