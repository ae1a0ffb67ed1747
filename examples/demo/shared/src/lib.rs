//! Code shared by the firmware and the web app.
// T0001 at the crate root: with default features `std` is on, so this crate links std,
// which thumbv7em-none-eabihf does not have. `--no-default-features` makes it clean.
#![cfg_attr(not(feature = "std"), no_std)]

pub fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().map(|&b| u32::from(b)).sum()
}

#[cfg(feature = "std")]
pub fn describe(bytes: &[u8]) -> std::string::String {
    std::format!("{} bytes", bytes.len())
}
