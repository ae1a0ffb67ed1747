//! Firmware for a Cortex-M board.
#![no_std]

// T0001: `Vec` lives in `alloc`; the fix rewrites the path and adds `extern crate alloc;`.
use std::vec::Vec;

// T0001: `HashMap` exists only in std; Triplet names the usual no_std crate.
pub fn histogram(samples: &[u8]) -> std::collections::HashMap<u8, usize> {
    let _ = samples;
    todo!()
}

/// Only compiled with the `std` feature: never flagged.
#[cfg(feature = "std")]
pub fn dump(samples: &[u8]) {
    std::println!("{samples:?}");
}

pub fn average(samples: &Vec<u16>) -> u16 {
    // T0001: `core::cmp::max` is the no_std spelling.
    let largest = samples.iter().copied().fold(0, std::cmp::max);
    largest / 2
}
