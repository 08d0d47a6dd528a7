//! `od` with GNU's layout: an octal offset, 16 bytes a line, a repeated line shown once as `*`
//! (no `-v`), and the final offset alone. `-c` shows characters (C escapes, octal for the
//! rest, as under the C.UTF-8 locale), `-b` octal bytes, and the default octal 2-byte words.

use super::inputs;
use super::text::{check_flags, parse_args, usage_error};
use crate::command::{CommandResult, Context};
use crate::world::World;

const LINE: usize = 16;

#[derive(Clone, Copy)]
enum Layout {
    Chars,
    OctalBytes,
    OctalWords,
}

fn char_cell(byte: u8) -> String {
    let escaped = match byte {
        0 => "\\0",
        7 => "\\a",
        8 => "\\b",
        12 => "\\f",
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        11 => "\\v",
        0x20..=0x7e => return format!("{:>4}", byte as char),
        _ => return format!(" {byte:03o}"),
    };
    format!("{escaped:>4}")
}

fn cells(layout: Layout, chunk: &[u8]) -> String {
    match layout {
        Layout::Chars => chunk.iter().map(|&b| char_cell(b)).collect(),
        Layout::OctalBytes => chunk.iter().map(|b| format!(" {b:03o}")).collect(),
        // Little-endian words; an odd last byte is a word with a zero high byte.
        Layout::OctalWords => chunk
            .chunks(2)
            .map(|w| format!(" {:06o}", u16::from(w[0]) | u16::from(*w.get(1).unwrap_or(&0)) << 8))
            .collect(),
    }
}

fn render(layout: Layout, data: &[u8]) -> String {
    let mut out = String::new();
    let mut previous: Option<&[u8]> = None;
    let mut starred = false;
    for (n, chunk) in data.chunks(LINE).enumerate() {
        if chunk.len() == LINE && previous == Some(chunk) {
            if !starred {
                out.push_str("*\n");
                starred = true;
            }
            continue;
        }
        starred = false;
        previous = Some(chunk);
        out.push_str(&format!("{:07o}{}\n", n * LINE, cells(layout, chunk)));
    }
    out.push_str(&format!("{:07o}\n", data.len()));
    out
}

/// `od [-c|-b] [FILE...]`: the inputs read as one stream.
pub fn od<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let parsed = match parse_args(args, "") {
        Ok(parsed) => parsed,
        Err(message) => return usage_error(cx, "od", &message),
    };
    if !check_flags(cx, "od", &parsed, "cb")? {
        return Ok(1);
    }
    let layout = match parsed.flags.last().map(|(f, _)| *f) {
        Some('c') => Layout::Chars,
        Some('b') => Layout::OctalBytes,
        _ => Layout::OctalWords,
    };
    let (contents, failed) = inputs(cx, &parsed.operands, |file, error| format!("od: {file}: {error}"))?;
    let data: Vec<u8> = contents.into_iter().flat_map(|(_, data)| data).collect();
    cx.out(render(layout, &data))?;
    Ok(i32::from(failed))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Outputs of GNU od 9 for the same bytes.
    #[test]
    fn gnu_layouts() {
        assert_eq!(
            render(Layout::Chars, b"a\0\x07\x08\x0c\n\r\t\x0b\x7f\xff %\\"),
            "0000000   a  \\0  \\a  \\b  \\f  \\n  \\r  \\t  \\v 177 377       %   \\\n0000016\n"
        );
        assert_eq!(render(Layout::Chars, b""), "0000000\n");
        let run = [b'a'; 82];
        assert_eq!(
            render(Layout::Chars, &run),
            format!("0000000{}\n*\n0000120   a   a\n0000122\n", "   a".repeat(16))
        );
        assert_eq!(render(Layout::OctalBytes, b"ab"), "0000000 141 142\n0000002\n");
        assert_eq!(render(Layout::OctalWords, b"abc"), "0000000 061141 000143\n0000003\n");
    }
}
