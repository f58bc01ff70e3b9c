//! The accept loop: how long a connection may take to say what it wants, how long it may stay
//! silent between requests, and how many may be open at once.
//!
//! Every connection is watched by one small state machine, fed by its socket (bytes read while no
//! request is in flight, bytes written) and by its requests (one begins when its head has been
//! read, and ends when hyper has taken the last frame of its answer, or the client left):
//!
//! - **a request in flight** (its body still coming in, its answer still being produced, however
//!   long a clone or a push takes): no timer runs at all;
//! - **a request head being read**: it must be complete within the header timeout, counted from
//!   the connection's opening for its first request and from the first byte of a later one, so a
//!   client that trickles a head one byte at a time is cut then;
//! - **idle** between two requests: the connection is closed after the idle timeout, counted from
//!   the end of the last request or the last bytes of its answer that left.
//!
//! hyper's own `header_read_timeout` is not used: it starts as soon as an answer is written, so it
//! cannot tell a keep-alive connection at rest from a head trickling in, and would close the first
//! at the header timeout.
//!
//! At most `max_connections` are open. While a newcomer waits at the bound, every idle connection
//! (nothing in flight and no head begun, including ones that never sent a byte) closes to make
//! room, so that connections held open doing nothing can never keep anyone out; a connection that
//! is busy keeps its place and the newcomer (taken from the accept queue, the only one beyond the
//! bound) waits until one ends, with the others behind it in the system's accept queue.

use std::convert::Infallible;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use hyper::body::{Frame, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::time::Instant;

/// The bounds of the accept loop.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a request head may take to arrive, counted from the connection's opening for the
    /// first request and from the head's first byte for later ones.
    pub header_timeout: Duration,
    /// How long a connection may stay open with no request in flight after an answer.
    pub idle_timeout: Duration,
    /// How many connections may be open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Files the process needs open besides its connections: repositories, the search index.
const FILES_BESIDE_CONNECTIONS: u64 = 512;
/// Files one connection may hold: its socket and, serving a clone or a push, the three pipes to
/// git and git's process handle, with room while it is spawned.
const FILES_PER_CONNECTION: u64 = 6;

/// Raises the soft limit on open files as far as the bound on connections needs (never beyond the
/// hard limit), and says so if it stays too low.
pub fn prepare_descriptors(limits: &Limits) {
    let wanted = limits.max_connections as u64 * FILES_PER_CONNECTION + FILES_BESIDE_CONNECTIONS;
    match rlimit::increase_nofile_limit(wanted) {
        Ok(limit) if limit < wanted => tracing::warn!(
            limit,
            max_connections = limits.max_connections,
            "the open-file limit is lower than the connections allowed need; \
             lower --max-connections or raise the hard limit"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "the open-file limit could not be raised"),
    }
}

/// How many connections the system may hold, handshake done, before the server takes them: a
/// burst of them (or a newcomer waiting at the bound) waits there instead of having its
/// handshake dropped and retried a second later. (The system may lower it: `somaxconn`.)
const ACCEPT_QUEUE: u32 = 1024;

/// Listens on `address` (`host:port`; the first of its addresses that can be bound) with a
/// deep accept queue.
pub async fn bind(address: &str) -> io::Result<TcpListener> {
    let mut last = None;
    for address in tokio::net::lookup_host(address).await? {
        let socket = match address {
            SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        // As std's and tokio's own `bind` do, so that a restart does not wait for old
        // connections to time out.
        #[cfg(unix)]
        socket.set_reuseaddr(true)?;
        match socket
            .bind(address)
            .and_then(|()| socket.listen(ACCEPT_QUEUE))
        {
            Ok(listener) => return Ok(listener),
            Err(error) => last = Some(error),
        }
    }
    Err(last
        .unwrap_or_else(|| io::Error::new(ErrorKind::InvalidInput, "the address names no host")))
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves; then stops accepting,
/// lets every request in flight finish (idle connections close at once) and returns when the last
/// connection has closed.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let max = limits.max_connections.clamp(1, u32::MAX as usize);
    let permits = Arc::new(Semaphore::new(max));
    // True while a newcomer waits at the bound: idle connections then close to make room, as
    // does any connection that becomes idle before a place is free.
    let (room_wanted, _) = watch::channel(false);
    let (stopping, _) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, or a connection reset before it was taken: wait a
                    // little rather than spin, and go on.
                    tracing::debug!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                room_wanted.send_replace(true);
                let permit = tokio::select! {
                    permit = permits.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                };
                room_wanted.send_replace(false);
                permit
            }
        };
        let connection = Connection {
            app: app.clone(),
            limits,
            peer,
            room_wanted: room_wanted.subscribe(),
            stopping: stopping.subscribe(),
        };
        tokio::spawn(async move {
            connection.run(stream).await;
            drop(permit);
        });
    }
    drop(listener);
    stopping.send_replace(true);
    // Every connection holds a permit until it closes: all of them back means all closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _closed = permits.acquire_many(all).await;
    Ok(())
}

/// One accepted connection and what it needs to serve and watch itself.
struct Connection<S> {
    app: S,
    limits: Limits,
    peer: SocketAddr,
    room_wanted: watch::Receiver<bool>,
    stopping: watch::Receiver<bool>,
}

impl<S> Connection<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    async fn run(mut self, stream: TcpStream) {
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
        });
        let (app, peer, requests) = (self.app.clone(), self.peer, activity.clone());
        let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
            let in_flight = InFlight::begin(&requests);
            let mut request = request.map(Body::new);
            // What `into_make_service_with_connect_info` gave: the peer's address, for the
            // handlers that throttle by it.
            request.extensions_mut().insert(ConnectInfo(peer));
            let answer = tower::ServiceExt::oneshot(app.clone(), request);
            async move {
                let response = answer.await?;
                Ok::<_, Infallible>(response.map(|body| Answer {
                    body,
                    _in_flight: in_flight,
                }))
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .header_read_timeout(None)
            .serve_connection(io, service);
        let mut connection = std::pin::pin!(connection);
        let mut stopping = false;
        loop {
            if *self.room_wanted.borrow_and_update() && activity.is_idle() {
                tracing::debug!(peer = %self.peer, "idle connection closed to make room");
                return;
            }
            let deadline = activity.deadline(&self.limits);
            let changed = activity.changed.notified();
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(%error, peer = %self.peer, "connection ended");
                    }
                    return;
                }
                () = changed => {}
                () = sleep_until(deadline) => {
                    if activity.deadline(&self.limits).is_some_and(|d| d <= Instant::now()) {
                        tracing::debug!(peer = %self.peer, "connection timed out");
                        return;
                    }
                }
                Ok(()) = self.room_wanted.changed() => {}
                Ok(()) = self.stopping.changed(), if !stopping => {
                    // Idle connections close now; a request in flight finishes first, and a
                    // head being read still has its header timeout.
                    if activity.is_idle() {
                        return;
                    }
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// What a connection is doing, as far as its timers are concerned.
struct Activity {
    state: Mutex<State>,
    /// Woken when a change may bring the deadline forward.
    changed: Notify,
}

struct State {
    /// Requests begun and not yet answered to their last byte (more than one only if a client
    /// pipelines).
    in_flight: usize,
    /// Requests begun on this connection.
    requests: u64,
    /// When the connection was opened, the last request in flight ended, or (after that) the
    /// last bytes of its answer left: hyper may still be sending an answer whose body it has
    /// finished reading, to a slow client.
    quiet_since: Instant,
    /// When the first byte after `quiet_since` arrived: a head is being read. (Bytes that arrived
    /// while a request was in flight, a pipelined head, are not seen here: such a head is bound
    /// by the idle timeout instead.)
    head_since: Option<Instant>,
    /// Whether hyper, since `quiet_since`, asked for more and found nothing: before that, bytes
    /// may be waiting unread in the socket (a connection just accepted, or just answered).
    drained: bool,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            state: Mutex::new(State {
                in_flight: 0,
                requests: 0,
                quiet_since: Instant::now(),
                head_since: None,
                drained: false,
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few numbers, each written in one step: valid even after a panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection must be closed if nothing changes; `None` while a request is in flight.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let state = self.state();
        if state.in_flight > 0 {
            None
        } else if state.requests == 0 {
            Some(state.quiet_since + limits.header_timeout)
        } else if let Some(head) = state.head_since {
            Some(head + limits.header_timeout)
        } else {
            Some(state.quiet_since + limits.idle_timeout)
        }
    }

    /// Nothing in flight, nothing begun and nothing unread: closing it loses nothing.
    fn is_idle(&self) -> bool {
        let state = self.state();
        state.in_flight == 0 && state.head_since.is_none() && state.drained
    }

    fn found_nothing(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.head_since.is_none() && !state.drained {
            state.drained = true;
            drop(state);
            self.changed.notify_one();
        }
    }

    fn sent(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.requests > 0 {
            // Later, never earlier: the watcher waking at the old deadline sees the new one.
            state.quiet_since = Instant::now();
        }
    }

    fn received(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.head_since.is_none() {
            state.head_since = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }
}

/// One request in flight, from its head to the end of its answer.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: &Arc<Activity>) -> InFlight {
        let mut state = activity.state();
        state.in_flight += 1;
        state.requests += 1;
        state.head_since = None;
        state.drained = false;
        drop(state);
        activity.changed.notify_one();
        InFlight(activity.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.quiet_since = Instant::now();
            state.head_since = None;
            state.drained = false;
        }
        drop(state);
        self.0.changed.notify_one();
    }
}

/// An answer's body, which holds its request in flight until hyper has sent it all (or dropped
/// it because the client left).
struct Answer {
    body: Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for Answer {
    type Data = <Body as hyper::body::Body>::Data;
    type Error = <Body as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The connection's socket, telling its [`Activity`] when bytes arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        match polled {
            Poll::Ready(Ok(())) if buf.filled().len() > before => self.activity.received(),
            Poll::Pending => self.activity.found_nothing(),
            _ => {}
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.sent();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.sent();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 4,
        }
    }

    #[test]
    fn only_time_without_a_request_in_flight_counts() {
        let activity = Arc::new(Activity::new());
        let opened = activity.state().quiet_since;
        // A new connection owes its first head within the header timeout, bytes or not.
        assert_eq!(
            activity.deadline(&limits()),
            Some(opened + limits().header_timeout)
        );
        assert!(!activity.is_idle(), "its first bytes may be waiting unread");
        activity.found_nothing();
        assert!(activity.is_idle());
        activity.received();
        assert!(!activity.is_idle());
        assert_eq!(
            activity.deadline(&limits()),
            Some(opened + limits().header_timeout)
        );

        let request = InFlight::begin(&activity);
        assert_eq!(
            activity.deadline(&limits()),
            None,
            "a request in flight has all the time"
        );
        activity.received(); // its body
        assert_eq!(activity.deadline(&limits()), None);
        drop(request);

        let answered = activity.state().quiet_since;
        assert!(answered >= opened);
        assert!(!activity.is_idle(), "the next head may be waiting unread");
        activity.found_nothing();
        assert!(activity.is_idle());
        assert_eq!(
            activity.deadline(&limits()),
            Some(answered + limits().idle_timeout)
        );
        activity.received();
        assert!(!activity.is_idle());
        let head = activity.state().head_since.expect("a head begun");
        assert_eq!(
            activity.deadline(&limits()),
            Some(head + limits().header_timeout),
            "a later head is timed from its first byte"
        );
    }

    #[test]
    fn a_pipelined_request_keeps_the_connection_in_flight() {
        let activity = Arc::new(Activity::new());
        let first = InFlight::begin(&activity);
        let second = InFlight::begin(&activity);
        drop(first);
        assert_eq!(activity.deadline(&limits()), None);
        drop(second);
        assert!(activity.deadline(&limits()).is_some());
    }
}
