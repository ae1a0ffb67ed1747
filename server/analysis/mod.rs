//! Pure analysis: source text and facts in, findings out. No I/O, no LSP types.

pub mod cfg;
pub mod finding;
