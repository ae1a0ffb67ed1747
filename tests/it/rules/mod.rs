//! Every rule's cases, one module per rule, run in-process on inline fixtures: the
//! expected findings are annotations under the lines they point at (see
//! `support::analysis::check`), fixes are checked as before/after texts that must re-check
//! clean. The few process-level end-to-end checks live in tests/it/cli_rules.rs.

mod t0001_std_in_no_std;
mod t0002_unsupported_api;
mod t0003_missing_crate_type;
mod t0004_dependency_pulls_std;
mod t0005_dependency_unsupported_on_target;
mod t0006_target_not_installed;
mod t0007_unknown_target;
mod t0008_unavailable_on_target;
