//! The run-time API table behind T0002 (`unsupported-api`).

pub mod modules;
pub mod select;
