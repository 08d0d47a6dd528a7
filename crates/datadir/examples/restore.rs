//! `cargo run -p playground-datadir --example restore -- SNAPSHOT DATA_DIR`: the playground's
//! restore, written to the real filesystem (to hand to real etcd).

use playground_datadir::{restore, RestoreOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: restore SNAPSHOT DATA_DIR");
        std::process::exit(2);
    };
    let bytes = std::fs::read(file).unwrap();
    let options = RestoreOptions { data_dir: dir.clone(), ..RestoreOptions::default() };
    for (path, data) in restore(&bytes, &options).unwrap() {
        std::fs::create_dir_all(std::path::Path::new(&path).parent().unwrap()).unwrap();
        std::fs::write(&path, data).unwrap();
    }
}
