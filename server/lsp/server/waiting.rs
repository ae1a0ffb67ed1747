//! Requests that arrive before the model they need (an editor asks for code actions and
//! hover as soon as it opens a file, while the workspace is still loading). They wait,
//! parked, so that the protocol loop goes on, and are answered once the model is there or
//! the wait is over, whichever comes first; `$/cancelRequest` ends a wait at once.

use lsp_server::{Request, RequestId};
use lsp_types::{CodeActionParams, ExecuteCommandParams, HoverParams, Uri};
use std::time::{Duration, Instant};

/// Overrides how long a request may wait for the workspace model, in seconds (tests on a
/// busy machine wait longer than an editor would).
pub(super) const LOAD_WAIT_ENV: &str = "TRIPLET_LSP_LOAD_WAIT_SECS";
const DEFAULT_LOAD_WAIT: Duration = Duration::from_secs(5);

/// `TRIPLET_LSP_LOAD_WAIT_SECS`, else 5 s.
pub(super) fn load_wait() -> Duration {
    std::env::var(LOAD_WAIT_ENV)
        .ok()
        .and_then(|secs| secs.trim().parse::<u64>().ok())
        .map_or(DEFAULT_LOAD_WAIT, Duration::from_secs)
}

/// What of the workspace model a request needs for a full answer.
pub(super) enum Needed<'p> {
    Nothing,
    /// The Cargo workspaces of the folders, loaded.
    Workspaces,
    /// This document analysed (which implies its workspace loaded).
    Document(&'p Uri),
}

pub(super) trait Need {
    fn needs(&self) -> Needed<'_>;
}

impl Need for CodeActionParams {
    fn needs(&self) -> Needed<'_> {
        Needed::Document(&self.text_document.uri)
    }
}

impl Need for HoverParams {
    fn needs(&self) -> Needed<'_> {
        Needed::Document(&self.text_document_position_params.text_document.uri)
    }
}

impl Need for ExecuteCommandParams {
    fn needs(&self) -> Needed<'_> {
        match self.command.as_str() {
            // Cancelling needs no model and must never wait.
            "triplet.cancel" => Needed::Nothing,
            _ => Needed::Workspaces,
        }
    }
}

/// The parked requests, each with the end of its wait.
#[derive(Default)]
pub(super) struct WaitingRequests {
    parked: Vec<(Request, Instant)>,
}

impl WaitingRequests {
    pub(super) fn park(&mut self, request: Request, until: Instant) {
        self.parked.push((request, until));
    }

    /// Forgets the request `id`; false if it was not waiting.
    pub(super) fn cancel(&mut self, id: &RequestId) -> bool {
        let before = self.parked.len();
        self.parked.retain(|(request, _)| &request.id != id);
        self.parked.len() != before
    }

    /// The earliest end of a wait.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        self.parked.iter().map(|(_, until)| *until).min()
    }

    /// Every parked request, in arrival order (to try again; those still not ready are
    /// parked again).
    pub(super) fn take_all(&mut self) -> Vec<(Request, Instant)> {
        std::mem::take(&mut self.parked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: i32) -> Request {
        Request::new(RequestId::from(id), "textDocument/hover".into(), ())
    }

    #[test]
    fn cancel_forgets_only_the_named_request() {
        let mut waiting = WaitingRequests::default();
        let now = Instant::now();
        waiting.park(request(1), now + Duration::from_secs(2));
        waiting.park(request(2), now + Duration::from_secs(1));
        assert_eq!(waiting.next_deadline(), Some(now + Duration::from_secs(1)));
        assert!(waiting.cancel(&RequestId::from(2)));
        assert!(!waiting.cancel(&RequestId::from(2)));
        assert_eq!(waiting.next_deadline(), Some(now + Duration::from_secs(2)));
        let left: Vec<RequestId> = waiting.take_all().into_iter().map(|(r, _)| r.id).collect();
        assert_eq!(left, vec![RequestId::from(1)]);
        assert_eq!(waiting.next_deadline(), None);
    }
}
