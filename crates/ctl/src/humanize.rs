//! go-humanize's `Bytes`, which etcd's tools use for sizes: SI units, one decimal below 10.

pub fn bytes(size: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if size < 10 {
        return format!("{size} B");
    }
    let exponent = ((size as f64).ln() / 1000f64.ln()).floor() as usize;
    let exponent = exponent.min(UNITS.len() - 1);
    let value = (size as f64 / 1000f64.powi(exponent as i32) * 10.0 + 0.5).floor() / 10.0;
    // Go's %.0f rounds half to even, as Rust's formatting does.
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[exponent])
    } else {
        format!("{value:.0} {}", UNITS[exponent])
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sizes_as_etcd_prints_them() {
        assert_eq!(super::bytes(20480), "20 kB");
        assert_eq!(super::bytes(24576), "25 kB");
        assert_eq!(super::bytes(4096), "4.1 kB");
        assert_eq!(super::bytes(16777216), "17 MB");
        assert_eq!(super::bytes(5), "5 B");
    }
}
