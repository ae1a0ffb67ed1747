//! The run-time API table (placeholder rows until the rust-src derivation lands).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    Ok,
    Error,
    Panic,
    Noop,
    Absent,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiRow {
    pub api: String,
    pub target: String,
    pub behaviour: Behaviour,
    pub message: String,
    pub source: String,
    pub alternative: Option<String>,
}

pub struct ApiTable {
    rows: Vec<ApiRow>,
}

impl ApiTable {
    pub fn shipped() -> &'static ApiTable {
        static TABLE: OnceLock<ApiTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            let row = |api: &str,
                       target: &str,
                       behaviour,
                       message: &str,
                       source: &str,
                       alternative: Option<&str>| ApiRow {
                api: api.into(),
                target: target.into(),
                behaviour,
                message: message.into(),
                source: source.into(),
                alternative: alternative.map(String::from),
            };
            let wasm = "wasm32-unknown-unknown";
            ApiTable {
                rows: vec![
                    row(
                        "std::time::Instant::now",
                        wasm,
                        Behaviour::Panic,
                        "time not implemented on this platform",
                        "library/std/src/sys/pal/unsupported/time.rs",
                        Some("web-time::Instant"),
                    ),
                    row(
                        "std::thread::spawn",
                        wasm,
                        Behaviour::Panic,
                        "failed to spawn thread",
                        "library/std/src/sys/thread/unsupported.rs",
                        Some("wasm-bindgen-futures::spawn_local"),
                    ),
                    row(
                        "std::fs::read",
                        wasm,
                        Behaviour::Error,
                        "operation not supported on this platform",
                        "library/std/src/sys/fs/unsupported.rs",
                        None,
                    ),
                ],
            }
        })
    }

    pub fn get(&self, api: &str, target: &str) -> Option<&ApiRow> {
        self.rows
            .iter()
            .find(|r| r.api == api && r.target == target)
    }

    pub fn rows(&self) -> &[ApiRow] {
        &self.rows
    }

    pub fn knows_target(&self, target: &str) -> bool {
        self.rows.iter().any(|r| r.target == target)
    }
}
