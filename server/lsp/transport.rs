//! JSON-RPC over stdio with Content-Length framing.
//!
//! lsp-server's own stdio transport ends the session on the first payload that is not
//! valid JSON-RPC; ours answers it (ParseError / InvalidRequest, id null) and reads on.

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Write};
use std::thread::{self, JoinHandle};

pub struct Transport {
    pub incoming: Receiver<Message>,
    outgoing: Sender<Vec<u8>>,
    writer: Option<JoinHandle<()>>,
}

impl Transport {
    pub fn stdio() -> io::Result<Transport> {
        let (outgoing, to_write) = unbounded::<Vec<u8>>();
        let writer = thread::Builder::new()
            .name("lsp-writer".into())
            .spawn(move || write_frames(io::stdout().lock(), to_write))?;
        // Rendezvous channel: the reader never runs far ahead of the protocol loop.
        let (incoming_sender, incoming) = bounded::<Message>(0);
        let error_sender = outgoing.clone();
        thread::Builder::new()
            .name("lsp-reader".into())
            .spawn(move || read_frames(io::stdin().lock(), incoming_sender, error_sender))?;
        Ok(Transport {
            incoming,
            outgoing,
            writer: Some(writer),
        })
    }

    pub fn send(&self, message: Message) {
        let mut frame = Vec::new();
        // Writing into a Vec cannot fail; a closed stdout is noticed by the writer.
        if message.write(&mut frame).is_ok() {
            let _ = self.outgoing.send(frame);
        }
    }

    /// Flushes everything queued so far, then stops the writer.
    pub fn finish(mut self) {
        let (closed, _) = unbounded();
        self.outgoing = closed;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn write_frames(mut stdout: impl Write, frames: Receiver<Vec<u8>>) {
    for frame in frames {
        if stdout
            .write_all(&frame)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // The client is gone; nothing left to say to anyone.
            return;
        }
    }
}

fn read_frames(mut stdin: impl BufRead, incoming: Sender<Message>, errors: Sender<Vec<u8>>) {
    loop {
        let body = match read_frame(&mut stdin) {
            Ok(Some(body)) => body,
            // EOF or a broken pipe: the session is over (the loop sees the disconnect).
            Ok(None) | Err(_) => return,
        };
        match parse_message(&body) {
            Ok(message) => {
                let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if incoming.send(message).is_err() || is_exit {
                    return;
                }
            }
            Err(error) => {
                let _ = errors.send(frame(&error));
            }
        }
    }
}

/// One message body; `Ok(None)` at a clean EOF.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut content_length = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return if saw_header {
                Err(io::ErrorKind::UnexpectedEof.into())
            } else {
                Ok(None)
            };
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !saw_header {
                continue; // stray blank line between messages
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length = content_length
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "missing Content-Length"))?;
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

/// A message, or the JSON-RPC error response that answers a malformed one.
fn parse_message(body: &[u8]) -> Result<Message, Value> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        error_response(
            Value::Null,
            ErrorCode::ParseError,
            format!("invalid JSON: {error}"),
        )
    })?;
    serde_json::from_value::<Message>(value.clone()).map_err(|error| {
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        let id = if id.is_string() || id.is_i64() {
            id
        } else {
            Value::Null
        };
        error_response(
            id,
            ErrorCode::InvalidRequest,
            format!("invalid JSON-RPC message: {error}"),
        )
    })
}

fn error_response(id: Value, code: ErrorCode, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code as i32, "message": message}})
}

fn frame(body: &Value) -> Vec<u8> {
    let text = body.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", text.len()).into_bytes();
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_frames_and_reports_eof() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\ncontent-length: 4\r\n\r\nnull";
        let mut reader = &input[..];
        assert_eq!(read_frame(&mut reader).unwrap().unwrap(), b"{}");
        assert_eq!(read_frame(&mut reader).unwrap().unwrap(), b"null");
        assert!(read_frame(&mut reader).unwrap().is_none());
    }

    #[test]
    fn truncated_frames_are_errors_not_panics() {
        let mut missing_length = &b"X-Header: 1\r\n\r\n{}"[..];
        assert!(read_frame(&mut missing_length).is_err());
        let mut short_body = &b"Content-Length: 10\r\n\r\n{}"[..];
        assert!(read_frame(&mut short_body).is_err());
    }

    #[test]
    fn malformed_payloads_become_error_responses() {
        let parse_error = parse_message(b"{not json").unwrap_err();
        assert_eq!(parse_error["error"]["code"], json!(-32700));
        assert_eq!(parse_error["id"], Value::Null);
        let invalid = parse_message(br#"{"id": 7, "params": 1}"#).unwrap_err();
        assert_eq!(invalid["error"]["code"], json!(-32600));
        assert_eq!(invalid["id"], json!(7));
        assert!(parse_message(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
    }
}
