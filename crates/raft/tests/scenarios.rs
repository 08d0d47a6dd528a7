//! The scenario scripts in tests/scenarios/ (etcd-raft's interaction-test style), replayed and
//! compared with their recorded output. `REWRITE=1 cargo test -p playground-raft --test
//! scenarios` records new output; read the diff before committing it.

use playground_raft::interaction::run_script;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn check(name: &str, script: &str) {
    let actual = run_script(script);
    if actual == script {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("REWRITE").is_some() {
        let path = format!("{}/tests/scenarios/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let line = script.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
    panic!(
        "{name}.txt differs at line {}:\n--- recorded\n{}\n--- now\n{}",
        line + 1,
        script.lines().skip(line.saturating_sub(2)).take(6).collect::<Vec<_>>().join("\n"),
        actual.lines().skip(line.saturating_sub(2)).take(6).collect::<Vec<_>>().join("\n")
    );
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), include_str!(concat!("scenarios/", stringify!($name), ".txt")));
            }
        )*
    };
}

scenarios!(election, check_quorum, prevote, catch_up, membership, crash, split_vote);
