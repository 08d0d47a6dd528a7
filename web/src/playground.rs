//! The page's view-model: one playground (the terminal session and the cluster its shell
//! drives) with the driver that lets virtual time run. The terminal, the member cards, the time
//! controls and the JavaScript API all act on the same [`SharedPlayground`]; the page provides
//! it through Leptos context. Nothing here touches the DOM, so it is tested natively.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use playground_ctl::{HostRequest, PlaygroundWorld};
use playground_server::{
    default_members, AlertState, Cluster, EtcdVersion, FlagError, Flags, Keyspace, LogLine, MemberState,
    PageMap,
};
use playground_shell::{EntryKind, Options, Stream, Transcript};

use crate::charts::history::{figures, Figures};
use crate::journal::{Journal, ReplayError, Step};
use crate::timeline::{Item, ItemCache};
use crate::Session;

type Shell = playground_shell::Shell<PlaygroundWorld>;
use serde::Serialize;

/// Wall time between two frames of the driver while playing.
pub const FRAME: Duration = Duration::from_millis(100);

/// The speeds the time controls offer (virtual time per wall time).
pub const SPEEDS: [u32; 5] = [1, 10, 60, 600, 3600];

/// Play/pause and speed: how much virtual time one frame of wall time lets pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Driver {
    pub playing: bool,
    pub speed: u32,
}

impl Default for Driver {
    fn default() -> Self {
        Driver { playing: true, speed: 1 }
    }
}

impl Driver {
    /// Virtual microseconds one frame lets pass: none while paused.
    pub fn frame_micros(&self) -> u64 {
        if self.playing {
            FRAME.as_micros() as u64 * u64::from(self.speed.max(1))
        } else {
            0
        }
    }

    /// A speed the controls offer; anything else is refused and the speed stays.
    pub fn set_speed(&mut self, speed: u32) -> bool {
        let known = SPEEDS.contains(&speed);
        if known {
            self.speed = speed;
        }
        known
    }
}

/// What one command line printed, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecResult {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// The playground's state as the JavaScript API's `state()` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateJson {
    pub now_micros: u64,
    pub members: Vec<MemberState>,
}

pub struct Playground {
    seed: u64,
    /// etcd's flags the cluster started with; None for a shell made elsewhere, which cannot
    /// be replayed.
    flags: Option<Vec<String>>,
    /// The etcd release the cluster started as.
    etcd: EtcdVersion,
    /// What made the state since the seed and the flags.
    journal: Journal,
    session: Session,
    pub driver: Driver,
    /// Bumped on every change the views may show; they re-read when it moves.
    version: u64,
    timeline: ItemCache,
    /// The lesson being followed, if any: its goals are checked on every change.
    pub lesson: Option<crate::lessons::ActiveLesson>,
}

impl Playground {
    /// The default three-member cluster started with etcd's `flags`, all from one seed.
    pub fn new(seed: u64, flags: &[String]) -> Result<Playground, FlagError> {
        Playground::of_version(seed, EtcdVersion::default(), flags)
    }

    /// The default cluster of an etcd release (`?etcd=3.5`, `etcdVersion: "3.5"`).
    pub fn of_version(seed: u64, etcd: EtcdVersion, flags: &[String]) -> Result<Playground, FlagError> {
        let shell = fresh_shell(seed, etcd, flags)?;
        Ok(Playground { etcd, flags: Some(flags.to_vec()), ..Playground::with_shell(seed, shell) })
    }

    /// The playground `journal` made from the seed, the release and the flags (a shared link).
    pub fn replayed(
        seed: u64,
        etcd: EtcdVersion,
        flags: &[String],
        journal: Journal,
    ) -> Result<Playground, ReplayError> {
        let mut playground = Playground::of_version(seed, etcd, flags)?;
        playground.replay(journal)?;
        Ok(playground)
    }

    pub fn with_shell(seed: u64, shell: Shell) -> Playground {
        Playground {
            seed,
            flags: None,
            etcd: shell.world().cluster_ref().version(),
            journal: Journal::default(),
            session: Session::new(shell),
            driver: Driver::default(),
            version: 0,
            timeline: ItemCache::default(),
            lesson: None,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Marks a change made through [`Playground::session_mut`]: what the shell ran joins the
    /// journal, an undo or reset it asked for is done, and the lesson's goals are checked.
    pub fn touch(&mut self) {
        self.version += 1;
        self.record();
        if let Some(active) = &mut self.lesson {
            active.check(self.session.shell());
        }
    }

    pub fn flags(&self) -> Option<&[String]> {
        self.flags.as_deref()
    }

    /// What made the state since the seed and the flags.
    pub fn journal(&mut self) -> &Journal {
        self.record();
        &self.journal
    }

    fn record(&mut self) {
        let shell = self.session.shell_mut();
        let executed = shell.take_executed();
        let request = shell.world_mut().take_request();
        for input in executed {
            self.journal.push(Step::Run(input));
        }
        if let Some(request) = request {
            // The line that asked is not kept: undo takes the command before it.
            self.journal.drop_last_source();
            match request {
                HostRequest::Undo => self.undo(),
                HostRequest::Reset => self.reset(),
            }
        }
    }

    /// Replays the playground from its seed without the last command (and what followed it),
    /// and says in the terminal what was undone.
    pub fn undo(&mut self) {
        self.record();
        let mut journal = self.journal.clone();
        let notice = match journal.undo() {
            None if self.flags.is_none() => format!("# cannot undo: {}\n", ReplayError::NotReplayable),
            None => "# nothing to undo\n".to_string(),
            Some(command) => match self.replay(journal) {
                Ok(()) => format!("# undone: {}\n", one_line(&command)),
                Err(error) => format!("# cannot undo: {error}\n"),
            },
        };
        self.session.print(EntryKind::Stdout, &notice);
        self.version += 1;
    }

    /// A fresh cluster of the same seed and flags; the terminal keeps its scrollback and
    /// history, and says so.
    pub fn reset(&mut self) {
        self.record();
        let notice = match self.replay(Journal::default()) {
            Ok(()) => {
                let flags = self.flags.as_deref().unwrap_or_default().join(" ");
                let with = if flags.is_empty() { String::new() } else { format!(" and flags {flags}") };
                format!("# reset: a fresh cluster of seed {}{with}\n", self.seed)
            }
            Err(error) => format!("# cannot reset: {error}\n"),
        };
        self.session.print(EntryKind::Stdout, &notice);
        self.version += 1;
    }

    /// Starts the shell and cluster again from the seed and the flags and applies `journal`;
    /// scrollback and history stay, the version moves on.
    fn replay(&mut self, journal: Journal) -> Result<(), ReplayError> {
        let Some(flags) = &self.flags else {
            return Err(ReplayError::NotReplayable);
        };
        let mut shell = fresh_shell(self.seed, self.etcd, flags)?;
        for step in journal.steps() {
            apply(&mut shell, step);
        }
        // The replay's own record is the journal.
        shell.take_executed();
        shell.set_history(self.session.shell().history().to_vec());
        *self.session.shell_mut() = shell;
        self.journal = journal;
        self.timeline = ItemCache::default();
        self.version += 1;
        Ok(())
    }

    /// Starts over from `seed`, `etcd` and `flags` with an empty journal (a lesson's cluster):
    /// the terminal keeps its scrollback and history.
    pub fn start_over(&mut self, seed: u64, etcd: EtcdVersion, flags: &[String]) -> Result<(), ReplayError> {
        let (old_seed, old_etcd, old_flags) = (self.seed, self.etcd, self.flags.clone());
        (self.seed, self.etcd, self.flags) = (seed, etcd, Some(flags.to_vec()));
        let started = self.replay(Journal::default());
        if started.is_err() {
            (self.seed, self.etcd, self.flags) = (old_seed, old_etcd, old_flags);
        }
        started
    }

    /// The etcd release the playground started as (`playground version` may change it since).
    pub fn etcd(&self) -> EtcdVersion {
        self.etcd
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The terminal's session; call [`Playground::touch`] after acting on it.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Runs one line as the terminal would, without showing it in the terminal's scrollback.
    pub fn exec(&mut self, line: &str) -> ExecResult {
        let mut transcript = Transcript::new();
        let outcome = self.session.shell_mut().exec_interactive(line, &mut transcript);
        self.touch();
        ExecResult {
            stdout: transcript.text(Stream::Stdout),
            stderr: transcript.text(Stream::Stderr),
            status: outcome.status,
        }
    }

    /// Puts a file from the visitor's computer into the shell's filesystem, in the working
    /// directory under its own base name, and says so in the terminal. Returns the path.
    pub fn put_file(&mut self, name: &str, data: &[u8]) -> Result<String, String> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
        if base.is_empty() || base == "." || base == ".." || base.chars().any(char::is_control) {
            return Err(format!("upload: {name:?} is not a file name"));
        }
        let written = write_upload(self.session.shell_mut(), base, data);
        if written.is_ok() {
            self.record();
            self.journal.push(Step::Upload { name: base.to_string(), data: data.to_vec() });
        }
        let text = match &written {
            Ok(path) => format!("# {base} ({} bytes) copied from your computer to {path}\n", data.len()),
            Err(error) => format!("{error}\n"),
        };
        let kind = if written.is_ok() { EntryKind::Stdout } else { EntryKind::Stderr };
        self.session.print(kind, &text);
        self.touch();
        written
    }

    /// The files to hand to the browser: those `playground download` offered, and with
    /// `snapshots`, every `snapshot save` file written since the event `after_seq`. Each is
    /// (path, bytes); returns the newest event seq seen.
    pub fn take_downloads(&mut self, snapshots: bool, after_seq: u64) -> (Vec<(String, Vec<u8>)>, u64) {
        let mut paths = self.session.shell_mut().world_mut().take_downloads();
        let events = self.events_since(after_seq);
        let newest = events.last().map_or(after_seq, |e| e.seq);
        if snapshots {
            let cwd = self.session.shell().cwd().to_string();
            for event in events {
                if let playground_server::EventKind::SnapshotSaved { path, .. } = event.kind {
                    paths.push(playground_shell::resolve(&cwd, &path));
                }
            }
        }
        let fs = self.session.shell().fs();
        let files =
            paths.into_iter().filter_map(|path| fs.read(&path).ok().map(|bytes| (path, bytes))).collect();
        (files, newest)
    }

    /// Lets `micros` of virtual time pass on the cluster.
    pub fn advance(&mut self, micros: u64) {
        self.record();
        if let Some(cluster) = self.session.shell_mut().world_mut().cluster() {
            cluster.advance(micros);
            self.journal.push(Step::Advance(micros));
        }
        self.touch();
    }

    /// One frame of the driver: the virtual time it lets pass, if playing.
    pub fn frame(&mut self) -> u64 {
        let micros = self.driver.frame_micros();
        if micros > 0 {
            self.advance(micros);
        }
        micros
    }

    /// The etcd release the cluster plays: `3.6.14`, `3.5.1`.
    pub fn etcd_version(&self) -> &'static str {
        self.cluster_ref().version().server()
    }

    pub fn now_micros(&mut self) -> u64 {
        self.session.shell_mut().world_mut().cluster().map_or(0, |cluster| cluster.now_micros())
    }

    pub fn members(&mut self) -> Vec<MemberState> {
        self.session
            .shell_mut()
            .world_mut()
            .cluster()
            .map(|cluster| cluster.member_states())
            .unwrap_or_default()
    }

    /// The newest `n` lines of the members' server log, oldest first.
    pub fn log_tail(&mut self, n: usize) -> Vec<LogLine> {
        match self.session.shell_mut().world_mut().cluster() {
            Some(cluster) => {
                let log = cluster.log();
                log.since(log.len().saturating_sub(n))
            }
            None => Vec::new(),
        }
    }

    /// Runs `line` as if typed into the terminal: echoed with the prompt, its output in the
    /// scrollback and the line in history. The page's buttons act this way, so each shows the
    /// command it stands for.
    pub fn run_in_terminal(&mut self, line: &str) {
        // A command half typed over several lines (an open quote) would swallow the button's
        // line: it is abandoned first, as Ctrl-C would.
        if self.session.is_continuing() {
            self.session.cancel("");
        }
        self.session.submit(line);
        self.touch();
    }

    fn cluster_ref(&self) -> &Cluster {
        self.session.shell().world().cluster_ref()
    }

    fn member_id(&self, name: &str) -> Option<u64> {
        self.cluster_ref().members().iter().find(|m| m.name == name).map(|m| m.id)
    }

    /// A member's keyspace (at most `max_keys` keys, each with its newest `revisions` revisions).
    pub fn keyspace(&self, member: &str, max_keys: usize, revisions: usize) -> Option<Keyspace> {
        self.cluster_ref().keyspace(self.member_id(member)?, b"", max_keys, revisions)
    }

    /// The value a key had at a revision on a member (`etcdctl get --rev`), if still held.
    pub fn value_at(&self, member: &str, key: &str, revision: i64) -> Option<Vec<u8>> {
        self.cluster_ref().value_at(self.member_id(member)?, key.as_bytes(), revision)
    }

    /// A member's db file, page by page.
    pub fn page_map(&self, member: &str) -> Option<PageMap> {
        self.cluster_ref().page_map(self.member_id(member)?)
    }

    /// The charts' figures over the history, its last `last_micros` if given.
    pub fn figures(&self, last_micros: Option<u64>) -> Option<Figures> {
        let cluster = self.cluster_ref();
        let history = cluster.history();
        let samples: Vec<&playground_server::Sample> = history.iter_samples().collect();
        let events: Vec<&playground_server::Event> = history.events().iter().collect();
        (!samples.is_empty()).then(|| {
            figures(&samples, &events, cluster.flags().snapshot_count, cluster.now_micros(), last_micros)
        })
    }

    /// The events as the timeline draws them (rebuilt only when an event came).
    pub fn timeline_items(&mut self) -> &[Item] {
        let cluster = self.session.shell().world().cluster_ref();
        self.timeline.refresh(cluster.history().events(), cluster.now_micros())
    }

    /// The events after `seq`, oldest first.
    pub fn events_since(&self, seq: u64) -> Vec<playground_server::Event> {
        self.cluster_ref().history().events_since(seq)
    }

    /// The monitoring mixin's alerts and their state now.
    pub fn alerts(&self) -> Vec<AlertState> {
        self.cluster_ref().history().alerts()
    }

    /// Pauses, then runs virtual time until the next event the timeline shows, or `max_micros`.
    /// True if an event came.
    pub fn step_to_next_event(&mut self, max_micros: u64) -> bool {
        self.driver.playing = false;
        self.record();
        self.journal.push(Step::StepToEvent(max_micros));
        let came = step_to_next_event(self.session.shell_mut(), max_micros);
        self.touch();
        came
    }

    pub fn state(&mut self) -> StateJson {
        let members = self.members();
        StateJson { now_micros: self.now_micros(), members }
    }
}

/// The shell over a new cluster started with etcd's `flags`, recording what it runs and
/// asking this host for undo and reset.
fn fresh_shell(seed: u64, etcd: EtcdVersion, flags: &[String]) -> Result<Shell, FlagError> {
    let mut parsed = Flags::for_version(etcd);
    parsed.parse(flags)?;
    let mut world = PlaygroundWorld::new(Cluster::new(seed, default_members(), parsed));
    world.set_replays(true);
    let mut shell = playground_ctl::with_options(Options { seed, ..Options::new(world) });
    shell.set_recording(true);
    Ok(shell)
}

/// Applies one step of a journal as it happened the first time, output unseen.
fn apply(shell: &mut Shell, step: &Step) {
    match step {
        Step::Run(input) => shell.replay(input, &mut Transcript::new()),
        Step::Advance(micros) => {
            if let Some(cluster) = shell.world_mut().cluster() {
                cluster.advance(*micros);
            }
        }
        Step::StepToEvent(max_micros) => {
            step_to_next_event(shell, *max_micros);
        }
        Step::Upload { name, data } => {
            let _ = write_upload(shell, name, data);
        }
    }
}

/// Writes an uploaded file under its base name into the working directory; returns the path.
fn write_upload(shell: &mut Shell, base: &str, data: &[u8]) -> Result<String, String> {
    let path = playground_shell::resolve(shell.cwd(), base);
    shell.fs_mut().write(&path, data, false).map_err(|e| format!("upload: {base}: {e}"))?;
    Ok(path)
}

/// Runs virtual time until the next event the timeline shows, or `max_micros`.
fn step_to_next_event(shell: &mut Shell, max_micros: u64) -> bool {
    let Some(cluster) = shell.world_mut().cluster() else { return false };
    let seen = cluster.history().events().len();
    let newest = cluster.history().events().back().map(|e| e.seq);
    cluster.run_until(max_micros, |c| {
        let events = c.history().events();
        events.len() != seen || events.back().map(|e| e.seq) != newest
    })
}

/// A command as a notice names it: its first line.
fn one_line(command: &str) -> String {
    let command = command.trim_end();
    match command.split_once('\n') {
        Some((first, _)) => format!("{first} ..."),
        None => command.to_string(),
    }
}

/// The one playground a page shows, shared by its views and the JavaScript API. Listeners run
/// after a change made from outside the views (the JavaScript API), never while it is borrowed.
#[derive(Clone)]
pub struct SharedPlayground {
    inner: Rc<RefCell<Playground>>,
    listeners: Rc<RefCell<Vec<Listener>>>,
}

/// Told after a change; it may read the playground again.
pub type Listener = Rc<dyn Fn()>;

impl SharedPlayground {
    pub fn new(playground: Playground) -> SharedPlayground {
        SharedPlayground { inner: Rc::new(RefCell::new(playground)), listeners: Rc::default() }
    }

    /// Reads or changes the playground; listeners are not told (the caller refreshes).
    pub fn with<T>(&self, f: impl FnOnce(&mut Playground) -> T) -> T {
        f(&mut self.inner.borrow_mut())
    }

    /// Changes the playground, then tells every listener.
    pub fn update<T>(&self, f: impl FnOnce(&mut Playground) -> T) -> T {
        let result = self.with(f);
        let listeners: Vec<Listener> = self.listeners.borrow().clone();
        for listener in listeners {
            listener();
        }
        result
    }

    pub fn listen(&self, listener: Listener) {
        self.listeners.borrow_mut().push(listener);
    }

    pub fn ptr_eq(&self, other: &SharedPlayground) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn the_driver_lets_time_pass_only_while_playing() {
        let mut driver = Driver::default();
        assert_eq!(driver.frame_micros(), 100_000);
        assert!(driver.set_speed(600));
        assert_eq!(driver.frame_micros(), 60_000_000);
        assert!(!driver.set_speed(7));
        assert_eq!(driver.speed, 600);
        driver.playing = false;
        assert_eq!(driver.frame_micros(), 0);
    }

    #[test]
    fn a_frame_advances_the_cluster_and_moves_the_version() {
        let mut playground = Playground::new(3, &[]).unwrap();
        let (start, version) = (playground.now_micros(), playground.version());
        assert_eq!(playground.frame(), 100_000);
        assert_eq!(playground.now_micros(), start + 100_000);
        assert!(playground.version() > version);
        playground.driver.playing = false;
        let paused = playground.now_micros();
        assert_eq!(playground.frame(), 0);
        assert_eq!(playground.now_micros(), paused);
    }

    #[test]
    fn exec_runs_etcdctl_against_the_cluster_the_views_read() {
        let mut playground = Playground::new(5, &[]).unwrap();
        let put = playground.exec("etcdctl put k v1 && etcdctl put k v2");
        assert_eq!(put, ExecResult { stdout: "OK\nOK\n".into(), stderr: String::new(), status: 0 });
        // The followers apply with the leader's next heartbeat.
        playground.advance(1_000_000);
        let state = playground.state();
        assert_eq!(state.members.len(), 3);
        assert!(state.members.iter().all(|m| m.revision == 3), "{state:?}");
        let json = serde_json::to_value(&state).unwrap();
        assert_eq!(json["members"][0]["clientURL"], "http://127.0.0.1:2379");
        assert!(json["members"][0]["dbSizeInUse"].is_u64());
        assert_eq!(json["members"][0]["id"], format!("{:x}", state.members[0].id));
    }

    #[test]
    fn a_button_abandons_a_half_typed_command_instead_of_joining_it() {
        let mut playground = Playground::new(2, &[]).unwrap();
        playground.session_mut().submit("echo \"open");
        assert!(playground.session().is_continuing());
        playground.run_in_terminal("etcdctl put b 1");
        let shown = playground.session().text();
        assert!(shown.contains("> ^C\n$ etcdctl put b 1\nOK\n"), "{shown}");
        assert_eq!(playground.exec("etcdctl get b --print-value-only").stdout, "1\n");
    }

    #[test]
    fn step_pauses_and_runs_to_the_next_event_the_charts_and_timeline_show() {
        let mut playground = Playground::new(4, &[]).unwrap();
        playground.advance(3_000_000);
        playground.exec("playground kill infra1");
        let seen = playground.events_since(0).len();
        let before = playground.now_micros();
        assert!(playground.step_to_next_event(3_600_000_000));
        assert!(!playground.driver.playing);
        let events = playground.events_since(0);
        assert!(events.len() > seen, "{events:?}");
        // The next event comes within seconds (a new election, when infra1 led).
        assert!(playground.now_micros() > before && playground.now_micros() < before + 10_000_000);
        let figures = playground.figures(None).unwrap();
        assert_eq!(figures.members, ["infra1", "infra2", "infra3"]);
        assert!(figures.window.end == playground.now_micros());
        let items = playground.timeline_items();
        assert!(items.iter().any(|i| i.kind == "fault" && i.lane == "infra1"), "{items:?}");
        assert!(playground.alerts().iter().any(|a| a.name == "etcdMembersDown"));
    }

    #[test]
    fn bad_flags_are_refused_with_etcds_message() {
        let error = Playground::new(1, &["--bogus".to_string()]).err().unwrap();
        assert!(error.to_string().contains("flag provided but not defined"), "{error}");
    }

    #[test]
    fn listeners_hear_changes_made_through_update_only() {
        let shared = SharedPlayground::new(Playground::new(1, &[]).unwrap());
        let heard = Rc::new(Cell::new(0));
        let counter = heard.clone();
        shared.listen(Rc::new(move || counter.set(counter.get() + 1)));
        shared.with(|p| p.advance(1_000));
        assert_eq!(heard.get(), 0);
        shared.update(|p| p.exec("etcdctl put a 1"));
        assert_eq!(heard.get(), 1);
        let other = shared.clone();
        assert!(other.ptr_eq(&shared));
        assert_eq!(other.with(|p| p.exec("etcdctl get a --print-value-only").stdout), "1\n");
    }

    #[test]
    fn a_file_from_the_visitors_computer_lands_in_the_working_directory() {
        // etcd 3.5: the status line below is real etcdutl 3.5.1's.
        let mut p = Playground::of_version(1, EtcdVersion::V3_5, &[]).unwrap();
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/snapshot-3.5.db")).unwrap();
        let path = p.put_file("C:\\Users\\me\\snapshot-3.5.db", &bytes).unwrap();
        assert!(path.ends_with("/snapshot-3.5.db"), "{path}");
        let status = p.exec("etcdutl snapshot status snapshot-3.5.db");
        assert_eq!(status.stdout, "6bbc1097, 14, 19, 25 kB\n", "{}", status.stderr);
        for bad in ["", ".", "..", "dir/", "a\u{7}b"] {
            let before = p.exec("ls").stdout;
            assert!(p.put_file(bad, b"x").is_err(), "{bad:?}");
            assert_eq!(p.exec("ls").stdout, before);
        }
    }

    #[test]
    fn downloads_are_offered_files_and_with_snapshots_every_snapshot_save() {
        let mut p = Playground::new(1, &[]).unwrap();
        let (none, seq) = p.take_downloads(true, 0);
        assert!(none.is_empty());
        assert_eq!(p.exec("etcdctl snapshot save backup.db").status, 0);
        assert_eq!(p.exec("echo hello > note.txt; playground download note.txt").status, 0);
        let (files, newest) = p.take_downloads(true, seq);
        let names: Vec<&str> = files.iter().map(|(path, _)| path.rsplit('/').next().unwrap()).collect();
        assert_eq!(names, ["note.txt", "backup.db"]);
        assert_eq!(files[0].1, b"hello\n");
        assert!(newest > seq);
        // Taken once; an embedded playground (no snapshots) gets only what was offered.
        assert!(p.take_downloads(true, newest).0.is_empty());
        assert_eq!(p.exec("etcdctl snapshot save again.db").status, 0);
        assert!(p.take_downloads(false, newest).0.is_empty());
        assert_ne!(p.exec("playground download nowhere.db").status, 0);
        assert_ne!(p.exec("playground download /").status, 0);
    }

    /// What a playground's cluster is, as far as a test can compare two: every member's state,
    /// db file page by page and keyspace, the clock and the events.
    fn fingerprint(p: &mut Playground) -> String {
        let mut text = format!("{:?}\n{}\n", p.state(), p.events_since(0).len());
        for name in ["infra1", "infra2", "infra3"] {
            text += &format!("{:?}\n{:?}\n", p.page_map(name), p.keyspace(name, 1000, 100));
        }
        text
    }

    #[test]
    fn advancing_a_then_b_leaves_the_cluster_advancing_a_plus_b_leaves() {
        for (a, b) in [(100_000, 100_000), (1_234_567, 40_000_000), (7, 3_600_000_000)] {
            let mut split = Playground::new(9, &["--auto-compaction-retention=1m".into()]).unwrap();
            let mut whole = Playground::new(9, &["--auto-compaction-retention=1m".into()]).unwrap();
            for p in [&mut split, &mut whole] {
                p.exec("etcdctl put a 1 && etcdctl put a 2");
            }
            split.advance(a);
            split.advance(b);
            whole.advance(a + b);
            assert_eq!(fingerprint(&mut split), fingerprint(&mut whole), "{a} + {b}");
        }
    }

    #[test]
    fn the_journal_holds_commands_time_and_uploads_in_order() {
        let mut p = Playground::new(1, &[]).unwrap();
        p.frame();
        p.frame();
        p.session_mut().submit("etcdctl put k \"two");
        p.session_mut().submit("lines\"");
        p.touch();
        p.exec("etcdctl get k");
        p.put_file("f.txt", b"hi").unwrap();
        p.step_to_next_event(1_000);
        let steps = p.journal().steps().to_vec();
        assert_eq!(
            steps,
            [
                Step::Advance(200_000),
                Step::Run(playground_shell::Executed::Source("etcdctl put k \"two\nlines\"\n".into())),
                Step::Run(playground_shell::Executed::Source("etcdctl get k".into())),
                Step::Upload { name: "f.txt".into(), data: b"hi".to_vec() },
                Step::StepToEvent(1_000),
            ]
        );
        let mut again =
            Playground::replayed(1, EtcdVersion::default(), &[], Journal::from_steps(steps)).unwrap();
        assert_eq!(fingerprint(&mut again), fingerprint(&mut p));
        assert_eq!(again.exec("cat f.txt").stdout, "hi");
    }

    #[test]
    fn undo_after_a_put_restores_the_previous_revision_on_every_member_and_the_db_bytes() {
        let mut p = Playground::new(6, &[]).unwrap();
        p.run_in_terminal("etcdctl put foo bar");
        p.advance(1_000_000);
        let before = fingerprint(&mut p);
        let revisions: Vec<i64> = p.members().iter().map(|m| m.revision).collect();
        assert_eq!(revisions, [2, 2, 2]);
        let version = p.version();
        p.run_in_terminal("etcdctl put foo baz");
        p.advance(1_000_000);
        assert!(p.members().iter().all(|m| m.revision == 3));
        p.undo();
        assert!(p.version() > version, "the version only moves on");
        // Undo takes the put and the time after it: the cluster is as it was before the put.
        assert_eq!(fingerprint(&mut p), before);
        let text = p.session().text();
        assert!(text.contains("$ etcdctl put foo baz\nOK\n# undone: etcdctl put foo baz\n"), "{text}");
        assert_eq!(p.session().shell().history().last().map(String::as_str), Some("etcdctl put foo baz"));
        // The shell's own verb; its line is not kept, so a second undo takes the first put.
        p.run_in_terminal("playground undo");
        assert!(p.session().text().ends_with("$ playground undo\n# undone: etcdctl put foo bar\n"));
        assert!(p.members().iter().all(|m| m.revision == 1));
        p.run_in_terminal("playground undo");
        assert!(p.session().text().ends_with("# nothing to undo\n"));
    }

    #[test]
    fn reset_gives_a_fresh_cluster_equal_to_a_new_one() {
        let flags = vec!["--snapshot-count=10".to_string()];
        let mut p = Playground::new(8, &flags).unwrap();
        p.exec("etcdctl put a 1; playground kill infra2");
        p.advance(5_000_000);
        p.run_in_terminal("playground reset");
        let mut fresh = Playground::new(8, &flags).unwrap();
        assert_eq!(fingerprint(&mut p), fingerprint(&mut fresh));
        assert!(p.journal().steps().is_empty());
        assert!(p
            .session()
            .text()
            .ends_with("# reset: a fresh cluster of seed 8 and flags --snapshot-count=10\n"));
        p.reset();
        assert_eq!(fingerprint(&mut p), fingerprint(&mut fresh));
    }

    #[test]
    fn a_share_link_replays_to_the_same_state() {
        use crate::share_link::{decode, encode, Shared};
        let mut p = Playground::new(11, &[]).unwrap();
        p.session_mut().submit_paste(&["etcdctl put foo bar", "etcdctl put foo baz"]);
        p.touch();
        p.advance(500_000);
        p.exec("etcdctl compact 2");
        p.exec("etcdctl get foo --rev=2");
        p.advance(2_000_000);
        let shared = Shared {
            seed: p.seed(),
            etcd: p.etcd(),
            flags: p.flags().unwrap().to_vec(),
            journal: p.journal().clone(),
        };
        let link = decode(&encode(&shared, "http://127.0.0.1/").unwrap()).unwrap();
        let mut opened = Playground::replayed(link.seed, link.etcd, &link.flags, link.journal).unwrap();
        assert_eq!(fingerprint(&mut opened), fingerprint(&mut p));
        assert!(opened.members().iter().all(|m| m.compact_revision == 2 && m.revision == 3));
    }

    #[test]
    fn a_shell_made_elsewhere_cannot_be_replayed_and_says_so() {
        let mut p = Playground::with_shell(1, playground_ctl::shell(1));
        p.exec("etcdctl put a 1");
        p.undo();
        let text = p.session().text();
        assert!(
            text.contains("# cannot undo: this playground was not started from a seed and flags"),
            "{text}"
        );
        let asked = p.exec("playground reset");
        assert_eq!(asked.status, 1);
        assert!(asked.stderr.contains("this shell's host cannot replay"), "{}", asked.stderr);
    }
}
