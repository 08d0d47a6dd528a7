//! `dd`, for the maintenance guide's fill loop (`dd if=/dev/urandom bs=1024 count=1024`).
//!
//! `/dev/urandom` draws from the shell's seeded RNG, so a run is reproducible. The transfer takes
//! virtual time at a modelled device rate, and the statistics line reports that time in GNU's
//! format.

use std::time::Duration;

use rand_core::Rng;

use super::{format_g, try_help};
use crate::command::{CommandResult, Context};
use crate::world::World;

/// Modelled read rates of the devices, in bytes per second of virtual time.
const URANDOM_BYTES_PER_SEC: f64 = 400e6;
const ZERO_BYTES_PER_SEC: f64 = 4e9;
const FILE_BYTES_PER_SEC: f64 = 2e9;
/// The fixed cost of one `dd` run (opening, first block), in seconds of virtual time.
const STARTUP_SECONDS: f64 = 20e-6;

pub fn dd<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut input: Option<String> = None;
    let mut output: Option<String> = None;
    let mut block_size: u64 = 512;
    let mut count: Option<u64> = None;
    let mut skip: u64 = 0;
    let mut status = "default".to_string();
    for arg in &args[1..] {
        let Some((key, value)) = arg.split_once('=') else {
            cx.err(format!("dd: unrecognized operand ‘{arg}’\n"))?;
            try_help(cx, "dd")?;
            return Ok(1);
        };
        let number = || parse_size(value);
        match key {
            "if" => input = Some(value.to_string()),
            "of" => output = Some(value.to_string()),
            "status" => match value {
                "none" | "noxfer" | "progress" | "default" => status = value.to_string(),
                _ => {
                    cx.err(format!("dd: invalid status level: ‘{value}’\n"))?;
                    try_help(cx, "dd")?;
                    return Ok(1);
                }
            },
            "conv" | "iflag" | "oflag" => {}
            "bs" | "ibs" | "obs" | "count" | "skip" | "seek" => {
                let Some(n) = number() else {
                    cx.err(format!("dd: invalid number: ‘{value}’\n"))?;
                    return Ok(1);
                };
                match key {
                    "count" => count = Some(n),
                    "skip" => skip = n,
                    "seek" => {}
                    _ if n == 0 => {
                        cx.err(format!("dd: invalid number: ‘{value}’\n"))?;
                        return Ok(1);
                    }
                    _ => block_size = n,
                }
            }
            _ => {
                cx.err(format!("dd: unrecognized operand ‘{arg}’\n"))?;
                try_help(cx, "dd")?;
                return Ok(1);
            }
        }
    }
    let max_block = cx.state.limits.max_buffer_bytes as u64;
    if block_size > max_block {
        cx.err(format!("dd: memory exhausted by input buffer of size {block_size} bytes\n"))?;
        return Ok(1);
    }

    // The source: a device that never ends, or a finite byte string.
    enum Source {
        Random,
        Zero,
        Bytes(Vec<u8>),
    }
    let (source, rate) = match input.as_deref() {
        Some("/dev/urandom" | "/dev/random") => (Source::Random, URANDOM_BYTES_PER_SEC),
        Some("/dev/zero") => (Source::Zero, ZERO_BYTES_PER_SEC),
        Some(path) => match cx.read_file(path) {
            Ok(data) => (Source::Bytes(data), FILE_BYTES_PER_SEC),
            Err(error) => {
                cx.err(format!("dd: failed to open '{path}': {error}\n"))?;
                return Ok(1);
            }
        },
        None => (Source::Bytes(cx.stdin().to_vec()), FILE_BYTES_PER_SEC),
    };
    let infinite = !matches!(source, Source::Bytes(_));
    if infinite && count.is_none() {
        cx.err("dd: reading an endless device needs count= in the playground\n")?;
        return Ok(1);
    }
    let output_path = match output.as_deref() {
        None | Some("/dev/stdout") => None,
        Some("/dev/null") => Some(None),
        Some(path) => {
            let resolved = cx.resolve(path);
            if let Err(error) = cx.fs().write(&resolved, &[], false) {
                cx.err(format!("dd: failed to open '{path}': {error}\n"))?;
                return Ok(1);
            }
            Some(Some(resolved))
        }
    };

    let mut full = 0u64;
    let mut partial = 0u64;
    let mut total = 0u64;
    let mut offset = usize::try_from(skip.saturating_mul(block_size)).unwrap_or(usize::MAX);
    while count.is_none_or(|c| full + partial < c) {
        let block: Vec<u8> = match &source {
            Source::Random => {
                let mut block = vec![0u8; block_size as usize];
                cx.rng().fill_bytes(&mut block);
                block
            }
            Source::Zero => vec![0u8; block_size as usize],
            Source::Bytes(data) => {
                if offset >= data.len() {
                    break;
                }
                let end = (offset + block_size as usize).min(data.len());
                let block = data[offset..end].to_vec();
                offset = end;
                block
            }
        };
        if block.len() as u64 == block_size {
            full += 1;
        } else {
            partial += 1;
        }
        total += block.len() as u64;
        match &output_path {
            None => cx.out(&block)?,
            Some(target) => {
                // Not through a sink, so counted against the budget here.
                cx.state.written += block.len() as u64;
                if cx.state.written > cx.state.limits.max_written_bytes {
                    let limit = cx.state.limits.max_written_bytes;
                    cx.state.exhausted = Some(crate::state::Exhausted::Written(limit));
                    return Err(crate::Stop);
                }
                if let Some(path) = target {
                    let path = path.clone();
                    if let Err(error) = cx.fs().write(&path, &block, true) {
                        cx.err(format!("dd: error writing '{path}': {error}\n"))?;
                        return Ok(1);
                    }
                }
            }
        }
    }

    let seconds = STARTUP_SECONDS + total as f64 / rate;
    cx.sleep(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))?;
    if status == "none" {
        return Ok(0);
    }
    let mut report = format!("{full}+{partial} records in\n{full}+{partial} records out\n");
    if status != "noxfer" {
        report.push_str(&transfer_line(total, seconds));
    }
    cx.err(report)?;
    Ok(0)
}

/// GNU dd's size operands: `1024`, `1K`, `1M`, `1kB`, `2x512`...
fn parse_size(text: &str) -> Option<u64> {
    if let Some((a, b)) = text.split_once('x') {
        return parse_size(a)?.checked_mul(parse_size(b)?);
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let number: u64 = text[..split].parse().ok()?;
    let multiplier: u64 = match &text[split..] {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        "kB" => 1000,
        "K" | "KiB" => 1 << 10,
        "MB" => 1000u64.pow(2),
        "M" | "MiB" => 1 << 20,
        "GB" => 1000u64.pow(3),
        "G" | "GiB" => 1 << 30,
        "TB" => 1000u64.pow(4),
        "T" | "TiB" => 1 << 40,
        _ => return None,
    };
    number.checked_mul(multiplier)
}

const SI_UNITS: &[&str] = &["B", "kB", "MB", "GB", "TB", "PB"];

/// `1048576 bytes (1.0 MB, 1.0 MiB) copied, 0.00264 s, 397 MB/s`
fn transfer_line(bytes: u64, seconds: f64) -> String {
    let si = human(bytes as f64, 1000.0, SI_UNITS, 10.0);
    let iec = human(bytes as f64, 1024.0, &["B", "KiB", "MiB", "GiB", "TiB", "PiB"], 10.0);
    let sizes = if bytes < 1000 {
        String::new()
    } else if bytes < 1024 {
        format!(" ({si})")
    } else {
        format!(" ({si}, {iec})")
    };
    let rate = human(bytes as f64 / seconds, 1000.0, SI_UNITS, 100.0);
    format!("{bytes} bytes{sizes} copied, {} s, {rate}/s\n", format_g(seconds, 6, false))
}

/// GNU's human_readable as dd uses it: one decimal below `decimals_below` of a unit (10 for
/// exact byte counts, 100 for rates), rounded to the nearest.
fn human(mut value: f64, base: f64, units: &[&str], decimals_below: f64) -> String {
    let mut unit = 0;
    while value >= base && unit + 1 < units.len() {
        value /= base;
        unit += 1;
    }
    let text = if unit == 0 {
        format!("{value:.0}")
    } else if value < decimals_below && format!("{value:.1}").parse::<f64>().is_ok_and(|v| v < decimals_below)
    {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    format!("{text} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn transfer_lines_match_gnu() {
        assert_eq!(transfer_line(100, 2.9574e-05), "100 bytes copied, 2.9574e-05 s, 3.4 MB/s\n");
        assert_eq!(transfer_line(1000, 3.0626e-05), "1000 bytes (1.0 kB) copied, 3.0626e-05 s, 32.7 MB/s\n");
        assert_eq!(
            transfer_line(1048576, 0.000525322),
            "1048576 bytes (1.0 MB, 1.0 MiB) copied, 0.000525322 s, 2.0 GB/s\n"
        );
        assert_eq!(
            transfer_line(3145728000, 0.0650176),
            "3145728000 bytes (3.1 GB, 2.9 GiB) copied, 0.0650176 s, 48.4 GB/s\n"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("1M"), Some(1 << 20));
        assert_eq!(parse_size("1kB"), Some(1000));
        assert_eq!(parse_size("2x512"), Some(1024));
        assert_eq!(parse_size("1Q"), None);
        assert_eq!(parse_size("99999999999999999999"), None);
    }
}
