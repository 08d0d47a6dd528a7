// The shapes of what the playground's JavaScript API takes and returns (web/src/api.d.ts, added to
// the package's .d.ts by web/src/api.rs). They mirror the Rust types serde turns into these
// objects (field names camelCase, `None` as null); tests in api.rs keep the two in step.

/** Options of `new Playground(options)`. */
export interface PlaygroundOptions {
  /** The seed of the whole run (default 1): one seed and one script give the same run. */
  seed?: number;
  /** The etcd release played: "3.6" (3.6.14, the default) or "3.5" (3.5.1). */
  etcdVersion?: '3.5' | '3.6';
  /** etcd's flags, as `etcd` takes them: `["--quota-backend-bytes=16777216"]`. */
  flags?: string[];
}

/** What one command line printed, and its exit status. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** The cluster now: the virtual time and each member. */
export interface PlaygroundState {
  nowMicros: number;
  members: MemberState[];
}

/** One member as its card shows it. */
export interface MemberState {
  name: string;
  /** The member ID in hex, as `etcdctl member list` prints it. */
  id: string;
  clientURL: string;
  up: boolean;
  role: "leader" | "follower" | "candidate" | "learner" | "unstarted" | "down";
  term: number;
  raftIndex: number;
  appliedIndex: number;
  revision: number;
  compactRevision: number;
  dbSize: number;
  dbSizeInUse: number;
  /** The space quota in bytes (--quota-backend-bytes; 0 for no quota). */
  quota: number;
  /** The cluster's alarms as this member's store holds them, "NAME:memberID" with the ID in hex:
   * "NOSPACE:8e9e05c52164694d" (`etcdctl alarm list` prints the ID in decimal). */
  alarms: string[];
  snapshotIndex: number;
  walBytes: number;
  /** Raft entries held in memory, and their bytes (what --snapshot-count bounds). */
  logEntries: number;
  logBytes: number;
}

/** One entry of the event stream the timeline draws. */
export interface PlaygroundEvent {
  /** 1, 2, ... in the order things happened; `events(seq)` returns those after it. */
  seq: number;
  atMicros: number;
  /** The member it happened on; null for the cluster's lane. */
  member: string | null;
  /** The command line running when it happened; null for timers. */
  command: string | null;
  kind: EventKind;
}

export type EventKind =
  | { type: "compactionScheduled"; revision: number; mode: string }
  | { type: "compacted"; revision: number; keysRemoved: number }
  | { type: "defragStarted"; sizeBefore: number }
  | { type: "defragFinished"; sizeBefore: number; sizeAfter: number; blockedMicros: number }
  | { type: "snapshotTaken"; index: number }
  | { type: "snapshotSent"; to: string; index: number }
  | { type: "snapshotReceived"; from: string; index: number }
  | { type: "snapshotApplied"; index: number }
  | { type: "snapshotSaved"; path: string; size: number }
  | { type: "election"; term: number; leader: string }
  | { type: "alarmRaised"; alarm: string }
  | { type: "alarmDisarmed"; alarm: string }
  | { type: "memberKilled" }
  | { type: "memberRestarted" }
  | { type: "isolated" }
  | { type: "partitioned"; a: string; b: string }
  | { type: "healed" }
  | { type: "slowDisk"; factor: number }
  | { type: "quotaExceeded"; layer: "api" | "apply" }
  | { type: "alertFiring"; name: string; severity: string; summary: string }
  | { type: "alertResolved"; name: string };

/** One rule of etcd's monitoring mixin and its state. */
export interface AlertState {
  name: string;
  severity: string;
  state: "inactive" | "pending" | "firing";
  /** The member (the rule's `instance`); null for rules about the whole cluster. */
  member: string | null;
  /** When it entered its state; null while inactive. */
  sinceMicros: number | null;
  summary: string;
  /** The mixin's PromQL. */
  expr: string;
  forMicros: number;
}

/** The lesson being followed (`lesson()`), its steps in order. */
export interface LessonState {
  id: string;
  title: string;
  /** The etcd version the lesson is written for: "3.5" or "3.6". */
  etcd: string;
  /** The introduction, one string per paragraph. */
  text: string[];
  steps: LessonStep[];
  /** Steps done: a step is done the first time all its goals hold. */
  done: number;
  complete: boolean;
}

export interface LessonStep {
  title: string;
  text: string[];
  state: "done" | "current" | "later";
  goals: LessonGoal[];
  hints: string[];
  /** The reference solution's command lines. */
  solution: string[];
}

export interface LessonGoal {
  /** In the lesson file's words: `every member compact-revision >= @fill`. */
  goal: string;
  met: boolean;
}
