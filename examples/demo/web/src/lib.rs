//! A web app compiled to wasm32.
use std::thread;
use std::time::Instant;

pub fn elapsed_ms(work: impl FnOnce()) -> u128 {
    // T0002: `Instant::now` panics on wasm32-unknown-unknown.
    let start = Instant::now();
    work();
    start.elapsed().as_millis()
}

pub fn background() {
    // T0002: no threads on wasm32-unknown-unknown or wasm32-wasip1; the fix gates the statement.
    thread::spawn(|| {});
}

/// Native-only helper: gated, so never flagged for wasm32.
#[cfg(not(target_arch = "wasm32"))]
pub fn load(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// T0008: `load` exists only off wasm32, and this call is compiled for wasm32.
pub fn load_config() -> usize {
    load("config.toml").len()
}
