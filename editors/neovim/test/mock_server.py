#!/usr/bin/env python3
"""A stand-in for `triplet lsp` that speaks just the protocol contract the editor
clients rely on, so the plugin can be tested before (or without) the real server.

Usage: mock_server.py lsp   (the argument is ignored; it mirrors `triplet lsp`)

It reports T0001 for `use std::vec::Vec;` in a `#![no_std]` file, offers the quick-fix
the real server is expected to offer, answers triplet/targets and the triplet.*
commands, and logs what the client sent to stderr.
"""
import json
import sys

NEEDLE = "std::vec::Vec"


def read_message():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return json.loads(sys.stdin.buffer.read(length))


def send(message):
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def log(*args):
    print("[mock]", *args, file=sys.stderr, flush=True)


def finding(text):
    """(line, start, end) of std::vec::Vec in a no_std file, else None."""
    if "#![no_std]" not in text:
        return None
    for number, line in enumerate(text.split("\n")):
        col = line.find("use " + NEEDLE)
        if col >= 0:
            return number, col + 4, col + 4 + len(NEEDLE)
    return None


def diagnostics(text):
    found = finding(text)
    if not found:
        return []
    line, start, end = found
    return [{
        "range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}},
        "severity": 1,
        "source": "triplet",
        "code": "T0001",
        "message": "`std` in a #![no_std] crate: use `alloc::vec::Vec`",
    }]


def main():
    documents = {}
    settings = {}
    next_id = 1000
    while True:
        msg = read_message()
        if msg is None:
            return
        method, params, mid = msg.get("method"), msg.get("params"), msg.get("id")
        if method is None:
            log("response", json.dumps(msg))
            continue
        log("<-", method, json.dumps(params)[:300])
        if method == "initialize":
            settings = params.get("initializationOptions") or {}
            send({"jsonrpc": "2.0", "id": mid, "result": {
                "capabilities": {
                    "textDocumentSync": 1,
                    "codeActionProvider": {"codeActionKinds": ["quickfix"]},
                    "executeCommandProvider": {"commands": ["triplet.check", "triplet.build", "triplet.cancel"]},
                },
                "serverInfo": {"name": "triplet-mock"},
            }})
        elif method == "initialized":
            send({"jsonrpc": "2.0", "id": next_id, "method": "workspace/configuration",
                  "params": {"items": [{"section": "triplet"}]}})
            next_id += 1
        elif method == "workspace/didChangeConfiguration":
            settings = (params.get("settings") or {}).get("triplet") or settings
        elif method in ("textDocument/didOpen", "textDocument/didChange"):
            doc = params["textDocument"]
            text = doc["text"] if method.endswith("didOpen") else params["contentChanges"][-1]["text"]
            documents[doc["uri"]] = text
            send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                  "params": {"uri": doc["uri"], "diagnostics": diagnostics(text)}})
        elif method == "textDocument/codeAction":
            uri = params["textDocument"]["uri"]
            text = documents.get(uri, "")
            found = finding(text)
            actions = []
            if found:
                line, start, _ = found
                no_std_line = next(i for i, l in enumerate(text.split("\n")) if "#![no_std]" in l)
                actions.append({
                    "title": "Use `alloc::vec::Vec` (adds `extern crate alloc;`)",
                    "kind": "quickfix",
                    "isPreferred": True,
                    "diagnostics": diagnostics(text),
                    "edit": {"changes": {uri: [
                        {"range": {"start": {"line": no_std_line + 1, "character": 0},
                                   "end": {"line": no_std_line + 1, "character": 0}},
                         "newText": "\nextern crate alloc;\n"},
                        {"range": {"start": {"line": line, "character": start},
                                   "end": {"line": line, "character": start + 3}},
                         "newText": "alloc"},
                    ]}},
                })
            send({"jsonrpc": "2.0", "id": mid, "result": actions})
        elif method == "triplet/targets":
            send({"jsonrpc": "2.0", "id": mid, "result": {
                "selected": settings.get("targets") or ["thumbv7em-none-eabihf"],
                "installed": ["x86_64-unknown-linux-gnu"],
                "known": ["thumbv7em-none-eabihf", "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
                # Not in the contract: lets tests see the settings the client sent last.
                "mockSettings": settings,
                "mockRulesIsObject": isinstance(settings.get("rules"), dict),
            }})
        elif method == "workspace/executeCommand":
            args = (params.get("arguments") or [{}])
            target = (args[0] or {}).get("target", "thumbv7em-none-eabihf") if args else "thumbv7em-none-eabihf"
            for state in ("running", "ok"):
                send({"jsonrpc": "2.0", "method": "triplet/checkStatus",
                      "params": {"target": target, "state": state, "errors": 0, "warnings": 0}})
            send({"jsonrpc": "2.0", "id": mid, "result": None})
        elif method == "shutdown":
            send({"jsonrpc": "2.0", "id": mid, "result": None})
        elif method == "exit":
            return
        elif mid is not None:
            send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": "not in the mock: " + method}})


if __name__ == "__main__":
    main()
