//! The built-in commands: the coreutils subset etcd's documentation uses, with GNU's behaviour
//! and messages (as printed under the C.UTF-8 locale), and the shell's own built-ins.

mod dd;
pub(crate) mod echo;
mod files;
mod grep;
mod od;
mod shell;
mod test;
mod text;

use std::rc::Rc;

use crate::command::{Context, FnCommand, Registry, Stop};
use crate::world::World;

pub(crate) use echo::{fixed, format_g};
pub use shell::CLEAR_SEQUENCE;

/// Every built-in: name, summary for `help`, flags for completion, function.
fn builtins<W: World>() -> Vec<(&'static str, FnCommand<W>)> {
    vec![
        (":", FnCommand { summary: "do nothing, successfully", flags: &[], run: shell::colon }),
        ("[", FnCommand { summary: "evaluate a condition (same as test)", flags: &[], run: test::bracket }),
        ("cat", FnCommand { summary: "concatenate files to stdout", flags: &["-n"], run: text::cat }),
        ("cd", FnCommand { summary: "change the working directory", flags: &[], run: files::cd }),
        ("clear", FnCommand { summary: "clear the terminal", flags: &[], run: shell::clear }),
        (
            "dd",
            FnCommand {
                summary: "copy blocks (if=/dev/urandom gives the playground's seeded random bytes)",
                flags: &["if=", "of=", "bs=", "count=", "skip=", "status="],
                run: dd::dd,
            },
        ),
        ("echo", FnCommand { summary: "print arguments", flags: &["-n", "-e", "-E"], run: echo::echo }),
        ("egrep", FnCommand { summary: "grep -E", flags: grep::FLAGS, run: grep::egrep }),
        (
            "env",
            FnCommand {
                summary: "print the environment, or run a command in a changed one",
                flags: &[],
                run: shell::env,
            },
        ),
        (
            "export",
            FnCommand {
                summary: "mark variables for the environment of commands",
                flags: &["-p"],
                run: shell::export,
            },
        ),
        ("false", FnCommand { summary: "do nothing, unsuccessfully", flags: &[], run: shell::false_ }),
        ("fgrep", FnCommand { summary: "grep -F", flags: grep::FLAGS, run: grep::fgrep }),
        (
            "grep",
            FnCommand { summary: "print lines that match patterns", flags: grep::FLAGS, run: grep::grep },
        ),
        (
            "head",
            FnCommand { summary: "print the first lines of input", flags: &["-n", "-c"], run: text::head },
        ),
        (
            "od",
            FnCommand { summary: "dump bytes in octal or as characters", flags: &["-c", "-b"], run: od::od },
        ),
        ("sort", FnCommand { summary: "sort lines", flags: &["-n", "-r", "-u"], run: text::sort }),
        ("find", FnCommand { summary: "list a directory tree", flags: &[], run: files::find }),
        ("tr", FnCommand { summary: "translate or delete characters", flags: &["-d"], run: text::tr }),
        ("help", FnCommand { summary: "list the commands", flags: &[], run: shell::help }),
        (
            "history",
            FnCommand { summary: "list the commands typed so far", flags: &["-c"], run: shell::history },
        ),
        ("ls", FnCommand { summary: "list a directory", flags: &["-l", "-a"], run: files::ls }),
        ("mkdir", FnCommand { summary: "make directories", flags: &["-p"], run: files::mkdir }),
        ("printf", FnCommand { summary: "format and print data", flags: &[], run: echo::printf }),
        ("pwd", FnCommand { summary: "print the working directory", flags: &[], run: files::pwd }),
        ("rm", FnCommand { summary: "remove files", flags: &["-f", "-r"], run: files::rm }),
        ("seq", FnCommand { summary: "print a sequence of numbers", flags: &["-s", "-w"], run: text::seq }),
        ("sleep", FnCommand { summary: "let virtual time pass", flags: &[], run: shell::sleep }),
        (
            "tail",
            FnCommand { summary: "print the last lines of input", flags: &["-n", "-c"], run: text::tail },
        ),
        ("tee", FnCommand { summary: "copy stdin to stdout and files", flags: &["-a"], run: text::tee }),
        ("test", FnCommand { summary: "evaluate a condition", flags: &[], run: test::test }),
        ("true", FnCommand { summary: "do nothing, successfully", flags: &[], run: shell::true_ }),
        ("unset", FnCommand { summary: "remove variables", flags: &[], run: shell::unset }),
        (
            "wc",
            FnCommand {
                summary: "count lines, words and bytes",
                flags: &["-l", "-w", "-c", "-m"],
                run: text::wc,
            },
        ),
    ]
}

/// Keywords and built-ins the interpreter handles itself; `help` and completion list them.
pub const SHELL_WORDS: &[&str] = &[
    "break", "continue", "do", "done", "elif", "else", "exit", "fi", "for", "if", "in", "then", "until",
    "while",
];

pub(crate) fn register<W: World>(registry: &mut Registry<W>) {
    for (name, builtin) in builtins::<W>() {
        registry.register(name, Rc::new(builtin));
    }
}

/// Inputs read by name (`-` is stdin), and whether any could not be read.
pub(crate) type Inputs = (Vec<(String, Vec<u8>)>, bool);

/// Reads each named file (`-` or none: stdin), reporting failures as `report` words them.
pub(crate) fn inputs<W: World>(
    cx: &mut Context<'_, W>,
    files: &[String],
    report: impl Fn(&str, &crate::FsError) -> String,
) -> Result<Inputs, Stop> {
    inputs_prefix(cx, files, None, report)
}

/// [`inputs`], reading at most `max` bytes of each named file when given.
pub(crate) fn inputs_prefix<W: World>(
    cx: &mut Context<'_, W>,
    files: &[String],
    max: Option<usize>,
    report: impl Fn(&str, &crate::FsError) -> String,
) -> Result<Inputs, Stop> {
    if files.is_empty() {
        return Ok((vec![("-".to_string(), cx.stdin().to_vec())], false));
    }
    let mut contents = Vec::new();
    let mut failed = false;
    for file in files {
        if file == "-" {
            contents.push((file.clone(), cx.stdin().to_vec()));
            continue;
        }
        let data = match max {
            Some(max) => cx.read_file_prefix(file, max),
            None => cx.read_file(file),
        };
        match data {
            Ok(data) => contents.push((file.clone(), data)),
            Err(error) => {
                let message = report(file, &error);
                cx.err(format!("{message}\n"))?;
                failed = true;
            }
        }
    }
    Ok((contents, failed))
}

/// The lines of `data`, each with its newline if it had one.
pub(crate) fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

/// GNU's usage-error tail.
pub(crate) fn try_help<W: World>(cx: &mut Context<'_, W>, name: &str) -> Result<(), Stop> {
    cx.err(format!("Try '{name} --help' for more information.\n"))
}
