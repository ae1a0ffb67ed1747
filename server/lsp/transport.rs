//! JSON-RPC over stdio with Content-Length framing.
//!
//! lsp-server's own stdio transport ends the session on the first payload that is not
//! valid JSON-RPC; ours answers it (ParseError / InvalidRequest, id null) and reads on.

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};
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

fn read_frames(stdin: impl BufRead, incoming: Sender<Message>, errors: Sender<Vec<u8>>) {
    let mut reader = FrameReader::new(stdin);
    loop {
        let body = match reader.next_frame() {
            Ok(Frame::Body(body)) => body,
            Ok(Frame::Malformed { problem, skip }) => {
                // Answer first: a client that announced a huge body may wait for it.
                let response = error_response(Value::Null, ErrorCode::ParseError, problem);
                let _ = errors.send(frame(&response));
                if reader.skip(skip).is_err() {
                    return;
                }
                continue;
            }
            // EOF or a broken pipe: the session is over (the loop sees the disconnect).
            Ok(Frame::Eof) | Err(_) => return,
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

/// Bodies larger than this are skipped and answered with an error instead of being
/// buffered (a bogus Content-Length must not make us allocate it).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;
/// Header lines are read in pieces of at most this size (a header without a newline
/// must not grow without bound).
const MAX_HEADER_LINE: u64 = 64 * 1024;

/// What the next frame on the wire turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A header block we cannot use; `skip` bytes of body follow it and are dropped.
    Malformed {
        problem: String,
        skip: u64,
    },
    /// Clean end of input between messages.
    Eof,
}

/// Reads Content-Length frames. After a header block without a usable length it
/// resynchronizes on the next `Content-Length:` header, wherever it starts.
pub struct FrameReader<R> {
    input: R,
    resyncing: bool,
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R) -> Self {
        FrameReader {
            input,
            resyncing: false,
        }
    }

    pub fn next_frame(&mut self) -> io::Result<Frame> {
        let mut content_length: Option<Result<usize, String>> = None;
        let mut saw_header = false;
        loop {
            let Some(mut line) = self.read_line()? else {
                return if saw_header {
                    Err(io::ErrorKind::UnexpectedEof.into())
                } else {
                    Ok(Frame::Eof)
                };
            };
            if self.resyncing {
                match find_ignoring_case(&line, "content-length:") {
                    Some(at) => {
                        line.drain(..at);
                        self.resyncing = false;
                    }
                    None => continue,
                }
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
                    let value = value.trim();
                    content_length = Some(
                        value
                            .parse::<usize>()
                            .map_err(|_| format!("invalid Content-Length header {value:?}")),
                    );
                }
            }
        }
        let length = match content_length {
            Some(Ok(length)) => length,
            Some(Err(problem)) => return Ok(self.malformed(problem)),
            None => return Ok(self.malformed("missing Content-Length header".into())),
        };
        if length > MAX_MESSAGE_BYTES {
            return Ok(Frame::Malformed {
                problem: format!(
                    "message of {length} bytes is larger than the {MAX_MESSAGE_BYTES} bytes accepted"
                ),
                skip: length as u64,
            });
        }
        // Grows with the bytes that actually arrive, not with what the header claims.
        let mut body = Vec::with_capacity(length.min(1 << 20));
        (&mut self.input)
            .take(length as u64)
            .read_to_end(&mut body)?;
        if body.len() < length {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(Frame::Body(body))
    }

    /// Drops `count` bytes of input.
    pub fn skip(&mut self, count: u64) -> io::Result<()> {
        let skipped = io::copy(&mut (&mut self.input).take(count), &mut io::sink())?;
        if skipped < count {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    fn malformed(&mut self, problem: String) -> Frame {
        self.resyncing = true;
        Frame::Malformed { problem, skip: 0 }
    }

    /// One line (or a piece of a very long one), lossily decoded; `None` at EOF.
    fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut bytes = Vec::new();
        (&mut self.input)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut bytes)?;
        if bytes.is_empty() {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
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
    // lsp-server would read a request whose id is neither a string nor a 32-bit integer
    // as a notification, and the client would wait forever for its answer.
    if let (Some(_), Some(id)) = (value.get("method"), value.get("id")) {
        let usable =
            id.is_null() || id.is_string() || id.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
        if !usable {
            return Err(error_response(
                Value::Null,
                ErrorCode::InvalidRequest,
                format!("request id {id} is neither a string nor a 32-bit integer"),
            ));
        }
    }
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

    fn frames(input: &[u8]) -> Vec<io::Result<Frame>> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        loop {
            let frame = reader.next_frame();
            let done = !matches!(frame, Ok(Frame::Body(_)) | Ok(Frame::Malformed { .. }));
            out.push(frame);
            if done {
                return out;
            }
        }
    }

    #[test]
    fn reads_frames_and_reports_eof() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\ncontent-length: 4\r\n\r\nnull";
        let mut reader = FrameReader::new(&input[..]);
        assert_eq!(reader.next_frame().unwrap(), Frame::Body(b"{}".to_vec()));
        assert_eq!(reader.next_frame().unwrap(), Frame::Body(b"null".to_vec()));
        assert_eq!(reader.next_frame().unwrap(), Frame::Eof);
    }

    #[test]
    fn truncated_frames_are_errors_not_panics() {
        let mut short_body = FrameReader::new(&b"Content-Length: 10\r\n\r\n{}"[..]);
        assert!(short_body.next_frame().is_err());
    }

    #[test]
    fn bad_headers_are_reported_and_the_next_frame_is_found() {
        let input = b"X-Header: 1\r\n\r\n{}Content-Length: 2\r\n\r\n[]\
Content-Length: abc\r\n\r\nxyzContent-Length: 1\r\n\r\n1\xff\xfe\r\n\r\nContent-Length: 1\r\n\r\n2";
        let kinds: Vec<String> = frames(input)
            .into_iter()
            .map(|frame| match frame {
                Ok(Frame::Body(body)) => String::from_utf8(body).unwrap(),
                Ok(Frame::Malformed { .. }) => "malformed".into(),
                Ok(Frame::Eof) => "eof".into(),
                Err(_) => "error".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            ["malformed", "[]", "malformed", "1", "malformed", "2", "eof"]
        );
    }

    #[test]
    fn huge_lengths_are_skipped_not_allocated() {
        let claim = format!("Content-Length: {}\r\n\r\n", u64::MAX / 2);
        let mut reader = FrameReader::new(claim.as_bytes());
        match reader.next_frame().unwrap() {
            Frame::Malformed { skip, .. } => assert_eq!(skip, u64::MAX / 2),
            other => panic!("expected malformed, got {other:?}"),
        }
        assert!(reader.skip(u64::MAX / 2).is_err());
    }

    #[test]
    fn malformed_payloads_become_error_responses() {
        let parse_error = parse_message(b"{not json").unwrap_err();
        assert_eq!(parse_error["error"]["code"], json!(-32700));
        assert_eq!(parse_error["id"], Value::Null);
        let float_id = parse_message(br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#);
        assert_eq!(float_id.unwrap_err()["error"]["code"], json!(-32600));
        let huge_id = parse_message(br#"{"jsonrpc":"2.0","id":4294967296,"method":"x"}"#);
        assert_eq!(huge_id.unwrap_err()["error"]["code"], json!(-32600));
        let invalid = parse_message(br#"{"id": 7, "params": 1}"#).unwrap_err();
        assert_eq!(invalid["error"]["code"], json!(-32600));
        assert_eq!(invalid["id"], json!(7));
        assert!(parse_message(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
    }
}
