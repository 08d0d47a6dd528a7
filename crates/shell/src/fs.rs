//! The user's host filesystem as the shell sees it (`backup.db`, redirections, `cat`). In the
//! browser it lives in memory ([`MemFs`]); the native CLI supplies one over the real directory.
//! Paths given to a [`FileSystem`] are absolute and normalised by the shell.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    IsADirectory,
    NotADirectory,
    AlreadyExists,
    PermissionDenied,
    DirectoryNotEmpty,
    /// Any other failure, with the operating system's own words.
    Other(String),
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FsError::NotFound => "No such file or directory",
            FsError::IsADirectory => "Is a directory",
            FsError::NotADirectory => "Not a directory",
            FsError::AlreadyExists => "File exists",
            FsError::PermissionDenied => "Permission denied",
            FsError::DirectoryNotEmpty => "Directory not empty",
            FsError::Other(message) => message,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    pub is_dir: bool,
    pub len: u64,
}

pub trait FileSystem {
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError>;
    /// Creates or truncates the file (or appends to it), writing `data`.
    fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError>;
    fn metadata(&self, path: &str) -> Result<Metadata, FsError>;
    /// The entries of a directory, sorted by name.
    fn list(&self, path: &str) -> Result<Vec<(String, Metadata)>, FsError>;
    fn remove_file(&mut self, path: &str) -> Result<(), FsError>;
    fn remove_dir(&mut self, path: &str) -> Result<(), FsError>;
    fn create_dir(&mut self, path: &str) -> Result<(), FsError>;

    /// At most the first `max` bytes of a file: `head -c` on a device that never ends
    /// (`/dev/zero` natively) reads only what it shows.
    fn read_prefix(&self, path: &str, max: usize) -> Result<Vec<u8>, FsError> {
        let mut data = self.read(path)?;
        data.truncate(max);
        Ok(data)
    }
}

/// An in-memory tree: files by absolute path, and the set of directories.
#[derive(Debug, Clone)]
pub struct MemFs {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl MemFs {
    /// A filesystem holding `/` and the given directories (and their parents).
    pub fn with_dirs(dirs: &[&str]) -> Self {
        let mut fs = MemFs { files: BTreeMap::new(), dirs: BTreeSet::from(["/".to_string()]) };
        for dir in dirs {
            let mut path = String::new();
            for part in dir.split('/').filter(|p| !p.is_empty()) {
                path.push('/');
                path.push_str(part);
                fs.dirs.insert(path.clone());
            }
        }
        fs
    }

    fn check_parent(&self, path: &str) -> Result<(), FsError> {
        let parent = parent_of(path);
        if self.dirs.contains(parent) {
            Ok(())
        } else if self.files.contains_key(parent) {
            Err(FsError::NotADirectory)
        } else {
            Err(FsError::NotFound)
        }
    }
}

impl Default for MemFs {
    fn default() -> Self {
        Self::with_dirs(&[])
    }
}

fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn is_child(dir: &str, path: &str) -> bool {
    path != dir && parent_of(path) == dir
}

impl FileSystem for MemFs {
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        match self.files.get(path) {
            Some(data) => Ok(data.clone()),
            None if self.dirs.contains(path) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), FsError> {
        if self.dirs.contains(path) {
            return Err(FsError::IsADirectory);
        }
        self.check_parent(path)?;
        let file = self.files.entry(path.to_string()).or_default();
        if !append {
            file.clear();
        }
        file.extend_from_slice(data);
        Ok(())
    }

    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        if self.dirs.contains(path) {
            return Ok(Metadata { is_dir: true, len: 4096 });
        }
        match self.files.get(path) {
            Some(data) => Ok(Metadata { is_dir: false, len: data.len() as u64 }),
            None => Err(FsError::NotFound),
        }
    }

    fn list(&self, path: &str) -> Result<Vec<(String, Metadata)>, FsError> {
        if !self.dirs.contains(path) {
            return Err(if self.files.contains_key(path) {
                FsError::NotADirectory
            } else {
                FsError::NotFound
            });
        }
        let mut entries: Vec<(String, Metadata)> = self
            .dirs
            .iter()
            .filter(|d| is_child(path, d))
            .map(|d| {
                (d.rsplit('/').next().unwrap_or_default().to_string(), Metadata { is_dir: true, len: 4096 })
            })
            .chain(self.files.iter().filter(|(f, _)| is_child(path, f)).map(|(f, data)| {
                let name = f.rsplit('/').next().unwrap_or_default().to_string();
                (name, Metadata { is_dir: false, len: data.len() as u64 })
            }))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    fn remove_file(&mut self, path: &str) -> Result<(), FsError> {
        if self.dirs.contains(path) {
            return Err(FsError::IsADirectory);
        }
        self.files.remove(path).map(|_| ()).ok_or(FsError::NotFound)
    }

    fn remove_dir(&mut self, path: &str) -> Result<(), FsError> {
        if !self.dirs.contains(path) {
            return Err(if self.files.contains_key(path) {
                FsError::NotADirectory
            } else {
                FsError::NotFound
            });
        }
        if self.dirs.iter().any(|d| is_child(path, d)) || self.files.keys().any(|f| is_child(path, f)) {
            return Err(FsError::DirectoryNotEmpty);
        }
        if path == "/" {
            return Err(FsError::PermissionDenied);
        }
        self.dirs.remove(path);
        Ok(())
    }

    fn create_dir(&mut self, path: &str) -> Result<(), FsError> {
        if self.dirs.contains(path) || self.files.contains_key(path) {
            return Err(FsError::AlreadyExists);
        }
        self.check_parent(path)?;
        self.dirs.insert(path.to_string());
        Ok(())
    }
}

/// Joins `path` onto `cwd` and resolves `.` and `..`, as the kernel would for a path lookup.
pub fn resolve(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn resolve_paths() {
        assert_eq!(resolve("/home/user", "backup.db"), "/home/user/backup.db");
        assert_eq!(resolve("/home/user", "../x/./y"), "/home/x/y");
        assert_eq!(resolve("/", ".."), "/");
        assert_eq!(resolve("/a", "/b//c/"), "/b/c");
    }

    #[test]
    fn memfs_tree() {
        let mut fs = MemFs::with_dirs(&["/home/user"]);
        fs.write("/home/user/a", b"1", false).unwrap();
        fs.write("/home/user/a", b"2", true).unwrap();
        assert_eq!(fs.read("/home/user/a").unwrap(), b"12");
        assert_eq!(fs.write("/nope/a", b"", false), Err(FsError::NotFound));
        assert_eq!(fs.write("/home/user/a/b", b"", false), Err(FsError::NotADirectory));
        fs.create_dir("/home/user/d").unwrap();
        let names: Vec<String> = fs.list("/home/user").unwrap().into_iter().map(|e| e.0).collect();
        assert_eq!(names, ["a", "d"]);
        assert_eq!(fs.list("/home").unwrap().len(), 1);
        assert_eq!(fs.remove_dir("/home/user"), Err(FsError::DirectoryNotEmpty));
        fs.remove_file("/home/user/a").unwrap();
        assert_eq!(fs.read("/home/user/a"), Err(FsError::NotFound));
        assert_eq!(fs.read("/home/user"), Err(FsError::IsADirectory));
    }
}
