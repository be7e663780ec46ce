//! A connection to the shared plan that cannot hang (issue 30 §4). A network that goes silent
//! (a Wi-Fi drop, a VPN that stalls, a proxy that stops forwarding) is noticed on both ends:
//! - here, the client talks to the server through a relay of its own on loopback, which
//!   counts the time since the server last answered while a request is outstanding; past the
//!   limit it cuts the line, and the command fails with "the server stopped answering"
//!   (TLS passes through it untouched: the relay only sees bytes go and come);
//! - on the server, the session's `idle_in_transaction_session_timeout` ends a transaction
//!   whose client went silent, so the log's lock is released for every other laptop and for
//!   direct edits, and its `lock_timeout` bounds the wait for a lock someone else holds.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a request may go unanswered before the server counts as gone (the
/// `QN_PLANNER_SERVER_SILENCE_S` variable changes it, for tests).
pub fn silence_limit() -> Duration {
    seconds_from_env("QN_PLANNER_SERVER_SILENCE_S", 30)
}

/// How long a sync waits for a lock another session holds (`QN_PLANNER_LOCK_TIMEOUT_S`).
pub fn lock_timeout() -> Duration {
    seconds_from_env("QN_PLANNER_LOCK_TIMEOUT_S", 20)
}

/// How long the server keeps a transaction whose client went silent
/// (`QN_PLANNER_IDLE_TX_TIMEOUT_S`).
pub fn idle_transaction_timeout() -> Duration {
    seconds_from_env("QN_PLANNER_IDLE_TX_TIMEOUT_S", 15)
}

fn seconds_from_env(name: &str, default: u64) -> Duration {
    let s = std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(default);
    Duration::from_secs(s)
}

/// The words a silent server's error carries.
pub const SILENT: &str = "the server stopped answering";

/// How many lines relays of this process have cut for silence, and when the last was: an
/// error of a closed connection right after a cut is the silence's, not the server's.
static CUTS: AtomicU64 = AtomicU64::new(0);
static LAST_CUT: Mutex<Option<Instant>> = Mutex::new(None);

/// The number of lines cut so far (compare before and after a command).
pub fn cuts() -> u64 {
    CUTS.load(Ordering::SeqCst)
}

/// Whether a relay cut a line in the last few seconds.
pub fn cut_just_now() -> bool {
    LAST_CUT
        .lock()
        .map(|t| t.is_some_and(|t| t.elapsed() < Duration::from_secs(10)))
        .unwrap_or(false)
}

/// The timing the two directions of a relay share.
struct Clock {
    /// Since when a request has been waiting for the server's first byte back.
    waiting_since: Mutex<Option<Instant>>,
    done: AtomicBool,
}

/// Starts a relay on loopback to `upstream`; returns its port. Its first connection is the
/// client's; the relay lives as long as that one, and takes the others meanwhile (a cancel
/// request goes to the address the client connected to). Each connection ends when either
/// side closes, or is cut both ways when the server leaves a request unanswered for `limit`.
pub fn relay(upstream: Vec<SocketAddr>, limit: Duration) -> io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    listener.set_nonblocking(true)?;
    std::thread::Builder::new()
        .name("qn-relay".into())
        .spawn(move || {
            let start = Instant::now();
            let mut main: Option<Arc<Clock>> = None;
            loop {
                match listener.accept() {
                    Ok((client, _)) => {
                        let clock = Arc::new(Clock {
                            waiting_since: Mutex::new(None),
                            done: AtomicBool::new(false),
                        });
                        let up = upstream.clone();
                        let c = clock.clone();
                        let _ = std::thread::Builder::new()
                            .name("qn-relay-conn".into())
                            .spawn(move || relay_one(client, &up, limit, &c));
                        main.get_or_insert(clock);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        let over = match &main {
                            Some(m) => m.done.load(Ordering::SeqCst),
                            // The client connects at once; a relay nobody used ends.
                            None => start.elapsed() > Duration::from_secs(30),
                        };
                        if over {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return,
                }
            }
        })?;
    Ok(port)
}

/// Relays one connection (see [`relay`]).
fn relay_one(client: TcpStream, upstream: &[SocketAddr], limit: Duration, clock: &Arc<Clock>) {
    let _ = client.set_nonblocking(false);
    let server = upstream
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, Duration::from_secs(15)).ok());
    let Some(server) = server else {
        let _ = client.shutdown(Shutdown::Both);
        clock.done.store(true, Ordering::SeqCst);
        return;
    };
    let _ = server.set_nodelay(true);
    let _ = client.set_nodelay(true);
    let clones = (
        client.try_clone(),
        client.try_clone(),
        server.try_clone(),
        server.try_clone(),
    );
    let (Ok(client_w), Ok(client_watch), Ok(server_w), Ok(server_watch)) = clones else {
        clock.done.store(true, Ordering::SeqCst);
        return;
    };
    let up = pump(client, server_w, clock.clone(), true);
    let down = pump(server, client_w, clock.clone(), false);
    // The watch: a request unanswered for `limit` cuts the line both ways.
    while !clock.done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        let stalled = clock
            .waiting_since
            .lock()
            .map(|w| w.is_some_and(|t| t.elapsed() >= limit))
            .unwrap_or(false);
        if stalled {
            if let Ok(mut t) = LAST_CUT.lock() {
                *t = Some(Instant::now());
            }
            CUTS.fetch_add(1, Ordering::SeqCst);
            let _ = client_watch.shutdown(Shutdown::Both);
            let _ = server_watch.shutdown(Shutdown::Both);
            break;
        }
    }
    let _ = up.join();
    let _ = down.join();
    clock.done.store(true, Ordering::SeqCst);
}

/// Copies `from` into `to` until either ends, then closes both. `request`: bytes this way
/// (re)start the wait for an answer; the other way, bytes end it.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    clock: Arc<Clock>,
    request: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // Bytes going out restart the wait (a long COPY streams for as long as it takes);
            // any byte back ends it.
            if let Ok(mut w) = clock.waiting_since.lock() {
                *w = request.then(Instant::now);
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        clock.done.store(true, Ordering::SeqCst);
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    })
}

/// The addresses of `host:port`.
pub fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}
