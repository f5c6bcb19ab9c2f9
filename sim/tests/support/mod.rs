//! Test support: start the simulator in-process on 127.0.0.1:0 and talk to it with a tiny
//! HTTP/1.1 client over `TcpStream` (request, status line, headers, incremental de-chunking),
//! so tests see exactly the bytes a browser would.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use eventline_sim::{serve, AppState, Config, SimState, Traffic};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

pub const TIMEOUT: Duration = Duration::from_secs(5);

/// A running simulator.
pub struct Sim {
    pub addr: SocketAddr,
    pub state: AppState,
    _stop: oneshot::Sender<()>,
}

/// A quiet config: no live traffic (tests inject events into the hub).
pub fn quiet() -> Config {
    Config {
        traffic: Traffic::Live {
            rate: 0.0,
            limit: None,
        },
        ..Config::default()
    }
}

pub async fn start(config: Config) -> Sim {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = SimState::new(config);
    let (tx, rx) = oneshot::channel::<()>();
    let st = state.clone();
    tokio::spawn(async move {
        let _ = serve(listener, st, async move {
            let _ = rx.await;
        })
        .await;
    });
    eventline_sim::spawn_traffic(&state);
    Sim {
        addr,
        state,
        _stop: tx,
    }
}

/// A response being read.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
    chunked: bool,
    done: bool,
    /// De-chunked body bytes read so far but not consumed.
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Reads the next HTTP chunk (de-chunked payload), `None` at the end of the body.
    pub async fn next_chunk(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        if !self.chunked {
            let mut rest = Vec::new();
            tokio::time::timeout(TIMEOUT, self.reader.read_to_end(&mut rest))
                .await
                .ok()?
                .ok()?;
            self.done = true;
            return Some(rest);
        }
        let mut line = String::new();
        tokio::time::timeout(TIMEOUT, self.reader.read_line(&mut line))
            .await
            .ok()?
            .ok()?;
        let size = usize::from_str_radix(line.trim(), 16).ok()?;
        if size == 0 {
            self.done = true;
            return None;
        }
        let mut buf = vec![0; size + 2];
        tokio::time::timeout(TIMEOUT, self.reader.read_exact(&mut buf))
            .await
            .ok()?
            .ok()?;
        buf.truncate(size);
        Some(buf)
    }

    /// Whether the body ended with its terminating chunk (a clean end), not a broken connection.
    pub fn ended_cleanly(&self) -> bool {
        self.done
    }

    /// Reads until the body holds `n` delimiter-terminated messages (or the body ends).
    pub async fn messages(&mut self, n: usize, delim: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            while let Some(pos) = find(&self.body, delim) {
                let msg: Vec<u8> = self.body.drain(..pos + delim.len()).collect();
                out.push(String::from_utf8_lossy(&msg[..pos]).to_string());
                if out.len() == n {
                    return out;
                }
            }
            match self.next_chunk().await {
                Some(c) => self.body.extend_from_slice(&c),
                None => return out,
            }
        }
    }

    /// Reads the whole (remaining) body.
    pub async fn text(&mut self) -> String {
        while let Some(c) = self.next_chunk().await {
            self.body.extend_from_slice(&c);
        }
        String::from_utf8_lossy(&std::mem::take(&mut self.body)).to_string()
    }

    pub async fn json(&mut self) -> Value {
        serde_json::from_str(&self.text().await).unwrap_or(Value::Null)
    }

    /// Whether the body ended (EOF) within `wait`.
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, async {
            while let Some(c) = self.next_chunk().await {
                self.body.extend_from_slice(&c);
            }
        })
        .await
        .is_ok()
    }
}

pub fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Sends one request and reads the status line and headers.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).await.expect("write");
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    tokio::time::timeout(TIMEOUT, reader.read_line(&mut line))
        .await
        .expect("status timeout")
        .expect("status");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        tokio::time::timeout(TIMEOUT, reader.read_line(&mut l))
            .await
            .expect("header timeout")
            .expect("header");
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    Resp {
        status,
        headers,
        reader,
        chunked,
        done: false,
        body: Vec::new(),
    }
}

pub fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// POST /api/v3/events with `key` (if any) and `accept` (if any).
pub async fn stream(
    addr: SocketAddr,
    query: &str,
    key: Option<&str>,
    accept: Option<&str>,
    body: &str,
) -> Resp {
    let auth = key.map(bearer);
    let mut h: Vec<(&str, &str)> = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        h.push(("Authorization", a));
    }
    if let Some(a) = accept {
        h.push(("Accept", a));
    }
    request(addr, "POST", &format!("/api/v3/events{query}"), &h, body).await
}

pub fn app_body(app: &str) -> String {
    format!(r#"{{"identifiers":[{{"application_ids":{{"application_id":"{app}"}}}}]}}"#)
}

/// Parses `{"result":…}` messages into the events.
pub fn results(msgs: &[String]) -> Vec<Value> {
    msgs.iter()
        .filter_map(|m| serde_json::from_str::<Value>(m).ok())
        .filter_map(|v| v.get("result").cloned())
        .collect()
}

pub fn names(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default().to_string())
        .collect()
}
