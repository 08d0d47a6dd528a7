//! Runs the language's golden scripts in `tests/scripts/` (see `playground_shell::golden`) in an
//! idle world, natively and, through wasm-bindgen-test, in Node; the etcd tools' scripts are in
//! crates/ctl. `REWRITE=1 cargo test -p playground-shell --test golden`
//! rewrites the scripts from what the shell now prints; review the diff before committing.

use playground_shell::golden::Script;
use playground_shell::Shell;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A real etcd 3.5.1 snapshot, put in the shell's home as `backup.db` by the scripts that need one.
const FIXTURE: &[u8] = include_bytes!("../../../tests/fixtures/snapshot-3.5.db");

fn check(name: &str, text: &str) {
    let script = Script::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!script.cases.is_empty(), "{name}: no cases");
    let mut shell = Shell::new(1);
    shell.fs_mut().write("/home/etcd/backup.db", FIXTURE, false).unwrap();
    let actual = script.run(&mut shell).render();
    if actual == text {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("REWRITE").is_some() {
        let path = format!("{}/tests/scripts/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, &actual).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    let line = text.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
    let context = |t: &str| t.lines().skip(line.saturating_sub(3)).take(8).collect::<Vec<_>>().join("\n");
    panic!(
        "{name}.txt differs from the shell's output at line {}\n--- expected\n{}\n--- actual\n{}\n(REWRITE=1 to accept)",
        line + 1,
        context(text),
        context(&actual)
    );
}

macro_rules! scripts {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), include_str!(concat!("scripts/", stringify!($name), ".txt")));
            }
        )*
    };
}

scripts!(quoting, expansion, pipes, control, builtins, text_tools, grep, dd, files, errors,);
