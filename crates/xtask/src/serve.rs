//! Serving `dist/` (built by site.rs) over HTTP on 127.0.0.1. The server is the same for
//! `cargo xtask serve` and for the end-to-end tests, so the tests see what a user sees.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::tools;
use crate::{root, site};

pub fn serve_command(args: &[String]) -> Result<(), String> {
    let usage = || "usage: cargo xtask serve [--port N] [--quick]".to_string();
    let (mut port, mut mode) = (8080, site::Build::Release);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                let value = rest.next().ok_or_else(usage)?;
                port = value.parse().map_err(|_| format!("bad port `{value}`"))?;
            }
            "--quick" => mode = site::Build::Quick,
            _ => return Err(usage()),
        }
    }
    let tools = tools::ensure_build()?;
    site::build_for(&tools, mode)?;
    let server = start(&root().join("dist"), port)?;
    println!("\nServing the playground on http://{} (Ctrl-C stops)", server.address);
    server.thread.join().map_err(|_| "server thread failed".to_string())
}

pub struct Server {
    pub address: SocketAddr,
    pub thread: std::thread::JoinHandle<()>,
}

/// Serves `dir` on 127.0.0.1:`port` (0 picks a free port) from a background thread.
pub fn start(dir: &Path, port: u16) -> Result<Server, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let dir = dir.to_path_buf();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &dir);
            });
        }
    });
    Ok(Server { address, thread })
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read and ignore the headers.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"method not allowed\n", true);
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(file) = file_for(dir, path) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET");
    };
    match std::fs::read(&file) {
        Ok(body) => respond(&mut stream, "200 OK", content_type(&file), &body, method == "GET"),
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET"),
    }
}

/// The file for a URL path: inside `dir` only; paths without an extension get the page itself.
fn file_for(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let candidate = dir.join(relative);
    if candidate.is_file() {
        return Some(candidate);
    }
    if relative.extension().is_none() {
        return Some(dir.join("index.html"));
    }
    None
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "sh") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}
