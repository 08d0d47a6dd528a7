//! The real filesystem, for the native CLI: `etcdctl snapshot save backup.db` writes a real file
//! in the directory the user ran from.

use std::io::{ErrorKind, Read, Write};

use playground_shell::{FileSystem, FsError, Metadata};

pub struct HostFs;

/// The most a command reads of one host file: the shell's pipes and captures hold no more.
const MAX_READ_BYTES: usize = 128 << 20;

fn convert(error: std::io::Error) -> FsError {
    match error.kind() {
        ErrorKind::NotFound => FsError::NotFound,
        ErrorKind::PermissionDenied => FsError::PermissionDenied,
        ErrorKind::AlreadyExists => FsError::AlreadyExists,
        ErrorKind::IsADirectory => FsError::IsADirectory,
        ErrorKind::NotADirectory => FsError::NotADirectory,
        ErrorKind::DirectoryNotEmpty => FsError::DirectoryNotEmpty,
        // The OS's words without Rust's ` (os error N)` suffix, as bash and coreutils print them.
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            FsError::Other(text)
        }
    }
}

impl FileSystem for HostFs {
    /// Reads a whole file, refusing one past [`MAX_READ_BYTES`] (a device such as
    /// `/dev/zero` never ends) with EFBIG's words.
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        let data = self.read_prefix(path, MAX_READ_BYTES + 1)?;
        if data.len() > MAX_READ_BYTES {
            return Err(FsError::Other("File too large".into()));
        }
        Ok(data)
    }

    fn read_prefix(&self, path: &str, max: usize) -> Result<Vec<u8>, FsError> {
        let file = std::fs::File::open(path).map_err(convert)?;
        let mut data = Vec::new();
        file.take(max as u64).read_to_end(&mut data).map_err(convert)?;
        Ok(data)
    }

    fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .map_err(convert)?;
        file.write_all(data).map_err(convert)
    }

    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        let meta = std::fs::metadata(path).map_err(convert)?;
        Ok(Metadata { is_dir: meta.is_dir(), len: meta.len() })
    }

    fn list(&self, path: &str) -> Result<Vec<(String, Metadata)>, FsError> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(path).map_err(convert)? {
            let entry = entry.map_err(convert)?;
            let meta = entry.metadata().map_err(convert)?;
            entries.push((
                entry.file_name().to_string_lossy().into_owned(),
                Metadata { is_dir: meta.is_dir(), len: meta.len() },
            ));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), FsError> {
        std::fs::remove_file(path).map_err(convert)
    }

    fn remove_dir(&mut self, path: &str) -> Result<(), FsError> {
        std::fs::remove_dir(path).map_err(convert)
    }

    fn create_dir(&mut self, path: &str) -> Result<(), FsError> {
        std::fs::create_dir(path).map_err(convert)
    }
}
