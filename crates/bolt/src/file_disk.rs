//! A real file as a [`Disk`], for the native CLI: `etcdutl defrag --data-dir` and `bbolt` work
//! on files in place without reading them whole.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use crate::disk::Disk;
use crate::error::{Error, Result};

pub struct FileDisk {
    file: std::cell::RefCell<File>,
    len: u64,
}

fn disk_error(error: std::io::Error) -> Error {
    Error::Disk(error.to_string())
}

impl FileDisk {
    /// Opens (or creates) the file at `path` for reading and writing.
    pub fn open(path: &std::path::Path) -> Result<FileDisk> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(disk_error)?;
        let len = file.metadata().map_err(disk_error)?.len();
        Ok(FileDisk { file: std::cell::RefCell::new(file), len })
    }
}

impl Disk for FileDisk {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        if offset.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(Error::Disk(format!(
                "read of {} bytes at {offset} past the end of the file ({} bytes)",
                buf.len(),
                self.len
            )));
        }
        let mut file = self.file.borrow_mut();
        file.seek(SeekFrom::Start(offset)).map_err(disk_error)?;
        file.read_exact(buf).map_err(disk_error)
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<()> {
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(offset)).map_err(disk_error)?;
        file.write_all(data).map_err(disk_error)?;
        self.len = self.len.max(offset + data.len() as u64);
        Ok(())
    }

    fn truncate(&mut self, len: u64) -> Result<()> {
        self.file.get_mut().set_len(len).map_err(disk_error)?;
        self.len = len;
        Ok(())
    }

    fn sync(&mut self) -> Result<()> {
        self.file.get_mut().sync_data().map_err(disk_error)
    }
}
