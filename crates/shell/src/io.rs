//! Where output goes: the terminal the shell writes to, and the sinks a redirection or a pipe
//! puts in its place.

/// The two streams a terminal shows, told apart so stderr can be coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The outside of the shell: the web terminal's scrollback, or the CLI's real stdout/stderr.
/// Output arrives as it is written, so a long script shows progress.
pub trait Terminal {
    fn write(&mut self, stream: Stream, bytes: &[u8]);
}

/// A terminal that records everything in order, merging adjacent writes to the same stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub chunks: Vec<(Stream, Vec<u8>)>,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written to one stream, as text.
    pub fn text(&self, stream: Stream) -> String {
        let bytes: Vec<u8> =
            self.chunks.iter().filter(|(s, _)| *s == stream).flat_map(|(_, b)| b.iter().copied()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    pub fn stdout(&self) -> String {
        self.text(Stream::Stdout)
    }

    pub fn stderr(&self) -> String {
        self.text(Stream::Stderr)
    }

    /// Both streams interleaved as a terminal would show them.
    pub fn combined(&self) -> String {
        let bytes: Vec<u8> = self.chunks.iter().flat_map(|(_, b)| b.iter().copied()).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
    }
}

impl Terminal for Transcript {
    fn write(&mut self, stream: Stream, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((last, buffer)) if *last == stream => buffer.extend_from_slice(bytes),
            _ => self.chunks.push((stream, bytes.to_vec())),
        }
    }
}

/// Where one file descriptor of a running command writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sink {
    Terminal(Stream),
    /// A pipe or `$(...)`: an index into the shell's capture buffers.
    Capture(usize),
    /// A file on the host filesystem (absolute path), appended to on each write.
    File(String),
    Null,
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
}

/// The three standard descriptors of a running command.
#[derive(Debug, Clone)]
pub(crate) struct Io {
    pub stdin: std::rc::Rc<Vec<u8>>,
    pub stdout: Sink,
    pub stderr: Sink,
}

impl Io {
    pub fn terminal() -> Self {
        Io {
            stdin: Default::default(),
            stdout: Sink::Terminal(Stream::Stdout),
            stderr: Sink::Terminal(Stream::Stderr),
        }
    }
}
