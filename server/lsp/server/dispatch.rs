//! The protocol edge as a table: each method is one line that names its typed handler
//! (`Server::route_request`, `Server::route_notification`). Parameters are parsed here,
//! once; handlers take typed params and return typed results.

use super::waiting::Need;
use super::Server;
use lsp_server::{ErrorCode, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as LspNotification;
use lsp_types::request::Request as LspRequest;
use lsp_types::MessageType;
use serde::de::DeserializeOwned;
use std::time::Instant;

/// Why a request failed, as the client is told.
pub(super) struct ResponseFailure {
    pub(super) code: ErrorCode,
    pub(super) message: String,
}

impl ResponseFailure {
    pub(super) fn invalid_params(message: String) -> ResponseFailure {
        ResponseFailure {
            code: ErrorCode::InvalidParams,
            message,
        }
    }

    pub(super) fn internal(message: String) -> ResponseFailure {
        ResponseFailure {
            code: ErrorCode::InternalError,
            message,
        }
    }
}

/// A request handler: typed params in, the typed result (or a failure) out.
type Handler<'a, R> = fn(
    &mut Server<'a>,
    <R as LspRequest>::Params,
) -> Result<<R as LspRequest>::Result, ResponseFailure>;

/// Routes one request to the handler registered for its method. The answer is `None`
/// when it comes later: from the analysis thread, or once the model it needs is there.
pub(super) struct RequestDispatcher<'s, 'a> {
    server: &'s mut Server<'a>,
    request: Option<Request>,
    answer: Option<Response>,
    /// Until when a request that needs the workspace model may wait for it.
    wait_until: Instant,
}

impl<'s, 'a> RequestDispatcher<'s, 'a> {
    pub(super) fn new(
        server: &'s mut Server<'a>,
        request: Request,
        wait_until: Instant,
    ) -> RequestDispatcher<'s, 'a> {
        RequestDispatcher {
            server,
            request: Some(request),
            answer: None,
            wait_until,
        }
    }

    /// A request whose params carry nothing (`shutdown`): whatever the client sent as
    /// params (null, `{}` or nothing) is not read.
    pub(super) fn on_without_params<R: LspRequest>(
        mut self,
        handler: fn(&mut Server<'a>) -> Result<R::Result, ResponseFailure>,
    ) -> Self {
        if let Some(request) = self.take(R::METHOD) {
            self.answer = Some(answer(request.id, handler(self.server)));
        }
        self
    }

    /// A request whose answer depends on the workspace model (`Need`): while the model
    /// is still coming, it waits (parked, the loop goes on) until it is there or until
    /// `wait_until`; then it is answered from what is known.
    pub(super) fn on_model<R: LspRequest>(mut self, handler: Handler<'a, R>) -> Self
    where
        R::Params: Need,
    {
        let Some(request) = self.take(R::METHOD) else {
            return self;
        };
        match parse::<R::Params>(&request) {
            Ok(params) => {
                let ready = self.server.model_ready(&params);
                if !ready && Instant::now() < self.wait_until {
                    self.server.waiting.park(request, self.wait_until);
                } else {
                    self.answer = Some(answer(request.id, handler(self.server, params)));
                }
            }
            Err(response) => self.answer = Some(response),
        }
        self
    }

    /// A request the analysis thread answers: the handler hands it over.
    pub(super) fn on_worker<R: LspRequest>(
        mut self,
        handler: fn(&mut Server<'a>, RequestId, R::Params) -> Result<(), ResponseFailure>,
    ) -> Self {
        if let Some(request) = self.take(R::METHOD) {
            match parse::<R::Params>(&request) {
                Ok(params) => {
                    if let Err(failure) = handler(self.server, request.id.clone(), params) {
                        self.answer = Some(error(request.id, failure.code, failure.message));
                    }
                }
                Err(response) => self.answer = Some(response),
            }
        }
        self
    }

    /// The answer, or "method not found" for a method no line above names.
    pub(super) fn finish(self) -> Option<Response> {
        match self.request {
            Some(request) => Some(error(
                request.id,
                ErrorCode::MethodNotFound,
                format!("unknown method {}", request.method),
            )),
            None => self.answer,
        }
    }

    fn take(&mut self, method: &str) -> Option<Request> {
        match &self.request {
            Some(request) if request.method == method => self.request.take(),
            _ => None,
        }
    }
}

/// Routes one notification to the handler registered for its method; params that do not
/// parse are logged, and methods nobody handles are ignored (the spec allows it).
pub(super) struct NotificationDispatcher<'s, 'a> {
    server: &'s mut Server<'a>,
    notification: Option<Notification>,
}

impl<'s, 'a> NotificationDispatcher<'s, 'a> {
    pub(super) fn new(
        server: &'s mut Server<'a>,
        notification: Notification,
    ) -> NotificationDispatcher<'s, 'a> {
        NotificationDispatcher {
            server,
            notification: Some(notification),
        }
    }

    pub(super) fn on<N: LspNotification>(mut self, handler: fn(&mut Server<'a>, N::Params)) -> Self
    where
        N::Params: DeserializeOwned,
    {
        let Some(notification) = self.take(N::METHOD) else {
            return self;
        };
        match serde_json::from_value(notification.params) {
            Ok(params) => handler(self.server, params),
            Err(problem) => {
                let message = format!("bad params for {}: {problem}", notification.method);
                self.server.log(MessageType::ERROR, message);
            }
        }
        self
    }

    /// A notification whose params carry nothing we use (and may be absent).
    pub(super) fn on_signal<N: LspNotification>(mut self, handler: fn(&mut Server<'a>)) -> Self {
        if self.take(N::METHOD).is_some() {
            handler(self.server);
        }
        self
    }

    pub(super) fn finish(self) {}

    fn take(&mut self, method: &str) -> Option<Notification> {
        match &self.notification {
            Some(notification) if notification.method == method => self.notification.take(),
            _ => None,
        }
    }
}

pub(super) fn error(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response::new_err(id, code as i32, message)
}

/// The request's params, or the `InvalidParams` answer to send instead.
pub(super) fn parse<P: DeserializeOwned>(request: &Request) -> Result<P, Response> {
    serde_json::from_value(request.params.clone()).map_err(|problem| {
        error(
            request.id.clone(),
            ErrorCode::InvalidParams,
            format!("invalid params for {}: {problem}", request.method),
        )
    })
}

fn answer<T: serde::Serialize>(id: RequestId, result: Result<T, ResponseFailure>) -> Response {
    match result {
        Ok(result) => Response::new_ok(id, result),
        Err(failure) => error(id, failure.code, failure.message),
    }
}
