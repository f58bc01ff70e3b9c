//! Connections as a hostile or careless client holds them: a head trickled one byte at a time,
//! a connection that says nothing, a keep-alive connection left idle, a thousand idle connections
//! beside real visitors, the bound on open connections, and a request in flight that must not be
//! cut however slow it is. Through the real server, over loopback TCP, with short timeouts.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::harness::{Farm, PATIENCE, Server, Wiki};

fn farm() -> Farm {
    Farm::new()
        .person("alice")
        .organisation("coop", "La Coop", &[("alice", "editor")])
        .wiki(Wiki::new("w", "coop", "public").page("Home", "# Accueil\n\nmarker-home\n"))
}

fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.address()).expect("connecting to the server")
}

/// Whether the server has closed `stream`: waits up to `wait` for its end (EOF or a reset).
/// Anything the server sends first is read and ignored.
fn is_closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("setting a read timeout");
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
}

/// Waits for the server to close `stream` and says after how long, counted from `since`;
/// panics if it is still open after `wait`.
#[track_caller]
fn closed_after(stream: &mut TcpStream, since: Instant, wait: Duration, log: &str) -> Duration {
    assert!(
        is_closed_within(stream, wait),
        "the server kept the connection open for {wait:?}; its log:\n{log}"
    );
    since.elapsed()
}

/// A GET of the wiki's home page on a connection that stays open.
fn get_kept_alive(stream: &mut TcpStream, server: &Server) -> u16 {
    let request = format!(
        "GET /w/ HTTP/1.1\r\nHost: {}\r\nConnection: keep-alive\r\n\r\n",
        server.address()
    );
    stream
        .write_all(request.as_bytes())
        .expect("sending a request");
    read_answer(stream).unwrap_or_else(|| panic!("no answer; server log:\n{}", server.log()))
}

/// Reads one whole answer (by its Content-Length or chunks) and returns its status.
fn read_answer(stream: &mut TcpStream) -> Option<u16> {
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("setting a read timeout");
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        if let Some(split) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..split]).to_ascii_lowercase();
            let status = head.split(' ').nth(1)?.parse().ok()?;
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok());
            let body = &bytes[split + 4..];
            let complete = match length {
                Some(length) => body.len() >= length,
                None if head.contains("transfer-encoding: chunked") => body.ends_with(b"0\r\n\r\n"),
                None => false,
            };
            if complete {
                return Some(status);
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return None,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Sends `bytes` one at a time, `pause` apart, until the server closes the connection; returns
/// how long that took and how many bytes went, or `None` if it never closed within `wait`.
fn trickle(stream: &mut TcpStream, bytes: &[u8], pause: Duration, wait: Duration) -> Option<usize> {
    let deadline = Instant::now() + wait;
    for (sent, byte) in bytes.iter().cycle().enumerate() {
        if Instant::now() >= deadline {
            return None;
        }
        if stream.write_all(std::slice::from_ref(byte)).is_err() {
            return Some(sent);
        }
        if is_closed_within(stream, pause) {
            return Some(sent + 1);
        }
    }
    None
}

/// A request head that never ends: a header whose value goes on and on.
fn endless_head(server: &Server) -> Vec<u8> {
    let mut head =
        format!("GET /w/ HTTP/1.1\r\nHost: {}\r\nX-Slow: ", server.address()).into_bytes();
    head.extend(std::iter::repeat_n(b'a', 4096));
    head
}

#[test]
fn a_head_sent_one_byte_at_a_time_is_cut_at_the_header_timeout() {
    let server = farm()
        .write()
        .start_with(&["--header-timeout", "1", "--idle-timeout", "30"]);
    let pause = Duration::from_millis(300);

    // The first request of a connection.
    let mut stream = connect(&server);
    let start = Instant::now();
    let sent = trickle(
        &mut stream,
        &endless_head(&server),
        pause,
        Duration::from_secs(10),
    )
    .unwrap_or_else(|| panic!("a trickled head was never cut; log:\n{}", server.log()));
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(6),
        "cut after {took:?} and {sent} bytes, the header timeout is 1 s"
    );

    // A later request on a connection that was answered once: the head is timed from its first
    // byte, not given the idle timeout.
    let mut stream = connect(&server);
    assert_eq!(get_kept_alive(&mut stream, &server), 200);
    let start = Instant::now();
    let sent = trickle(
        &mut stream,
        &endless_head(&server),
        pause,
        Duration::from_secs(10),
    )
    .unwrap_or_else(|| {
        panic!(
            "a trickled second head was never cut; log:\n{}",
            server.log()
        )
    });
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(6),
        "the second head was cut after {took:?} and {sent} bytes, the header timeout is 1 s"
    );
}

#[test]
fn a_connection_that_sends_nothing_is_closed_at_the_header_timeout() {
    let server = farm()
        .write()
        .start_with(&["--header-timeout", "1", "--idle-timeout", "30"]);
    let mut stream = connect(&server);
    let opened = Instant::now();
    let took = closed_after(&mut stream, opened, Duration::from_secs(10), &server.log());
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(6),
        "closed after {took:?}, the header timeout is 1 s"
    );
    // The server is none the worse for it.
    server.raw_get("/w/").expect(200);
}

#[test]
fn a_keep_alive_connection_left_idle_is_closed_at_the_idle_timeout() {
    let server = farm()
        .write()
        .start_with(&["--header-timeout", "1", "--idle-timeout", "3"]);
    let mut stream = connect(&server);
    assert_eq!(get_kept_alive(&mut stream, &server), 200);
    // Idle longer than the header timeout: still open, and a second request is answered on it.
    assert!(
        !is_closed_within(&mut stream, Duration::from_millis(1500)),
        "a connection at rest was closed at the header timeout, not the idle one"
    );
    assert_eq!(get_kept_alive(&mut stream, &server), 200);
    let answered = Instant::now();
    let took = closed_after(
        &mut stream,
        answered,
        Duration::from_secs(15),
        &server.log(),
    );
    assert!(
        took >= Duration::from_millis(2500) && took < Duration::from_secs(9),
        "closed {took:?} after the answer, the idle timeout is 3 s"
    );
}

/// The median and the slowest time of `count` GETs, each over a new connection, as a new
/// visitor's would be.
fn answer_times(server: &Server, count: usize) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..count)
        .map(|_| {
            let start = Instant::now();
            server.raw_get("/w/").expect(200);
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[count / 2], times[count - 1])
}

#[test]
fn a_thousand_idle_connections_do_not_slow_answers_to_others() {
    const IDLE: usize = 1000;
    // Two descriptors a connection on this machine, one in each process; the server raises its
    // own limit as --max-connections needs, the test process does here.
    let limit = rlimit::increase_nofile_limit(4096).expect("reading the open-file limit");
    assert!(
        limit as usize > IDLE + 100,
        "the open-file limit ({limit}) is too low for {IDLE} connections; raise `ulimit -n`"
    );
    let server = farm()
        .write()
        .start_with(&["--header-timeout", "8", "--max-connections", "1024"]);
    answer_times(&server, 5); // warm the caches
    let (alone, alone_slowest) = answer_times(&server, 21);

    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..IDLE).map(|_| connect(&server)).collect();
    let opening = opened.elapsed();
    let (crowded, crowded_slowest) = answer_times(&server, 21);
    eprintln!(
        "median answer time: {alone:?} alone (slowest {alone_slowest:?}), {crowded:?} beside \
         {IDLE} idle connections (slowest {crowded_slowest:?}); the {IDLE} opened in {opening:?}"
    );
    assert!(
        crowded < Duration::from_secs(2) && crowded_slowest < Duration::from_secs(5),
        "answers beside {IDLE} idle connections took {crowded:?} (median), {crowded_slowest:?} \
         (slowest); alone {alone:?}"
    );
    // And the server let every one of them go at the header timeout.
    let deadline = opened + Duration::from_secs(8) + PATIENCE;
    for (index, stream) in idle.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            is_closed_within(stream, left),
            "idle connection {index} of {IDLE} still open {:?} after it was opened",
            opened.elapsed()
        );
    }
}

/// A sign-in form whose body has only begun: a request in flight for as long as the client wants.
fn begin_post(server: &Server) -> TcpStream {
    let mut stream = connect(server);
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 100\r\n\r\nlogin=alice",
        server.address()
    );
    stream.write_all(head.as_bytes()).expect("sending a head");
    stream
}

/// Sends a GET that asks for the connection to close after the answer.
fn send_get(stream: &mut TcpStream, server: &Server) {
    let request = format!(
        "GET /w/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address()
    );
    stream
        .write_all(request.as_bytes())
        .expect("sending a request");
}

/// Whether an answer begins to arrive on `stream` within `wait`.
fn answer_begins_within(stream: &mut TcpStream, wait: Duration) -> bool {
    stream
        .set_read_timeout(Some(wait))
        .expect("setting a read timeout");
    let mut first = [0u8; 12];
    match stream.read(&mut first) {
        Ok(n) if n > 0 => true,
        Ok(_) => panic!("the connection was closed without an answer"),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(e) => panic!("the connection failed: {e}"),
    }
}

#[test]
fn at_the_connection_bound_idle_connections_make_room_and_busy_ones_keep_theirs() {
    const BOUND: usize = 20;
    let server = farm().write().start_with(&[
        "--max-connections",
        "20",
        "--header-timeout",
        "10",
        "--idle-timeout",
        "30",
    ]);

    // 20 connections that say nothing fill the bound; a newcomer is answered at once (long
    // before their header timeout), and idle ones go to make room for it.
    let mut idle: Vec<TcpStream> = (0..BOUND).map(|_| connect(&server)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    server.raw_get("/w/").expect(200);
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "a newcomer at the bound waited {took:?} for idle connections to go"
    );
    let made_room = idle
        .iter_mut()
        .map(|stream| is_closed_within(stream, Duration::from_millis(50)))
        .filter(|closed| *closed)
        .count();
    assert!(made_room >= 1, "no idle connection made room");
    drop(idle);

    // 20 requests in flight (forms whose bodies are still coming) hold the bound: a newcomer
    // waits in the accept queue, and is answered as soon as one of them ends.
    let mut busy: Vec<TcpStream> = (0..BOUND).map(|_| begin_post(&server)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut newcomer = connect(&server);
    send_get(&mut newcomer, &server);
    assert!(
        !answer_begins_within(&mut newcomer, Duration::from_millis(1500)),
        "a 21st connection was served beside 20 requests in flight; log:\n{}",
        server.log()
    );
    for stream in &mut busy {
        assert!(
            !is_closed_within(stream, Duration::from_millis(1)),
            "a request in flight was closed to make room"
        );
    }
    // One of them is answered and its connection, kept alive, becomes idle: it makes room.
    let mut done = busy.pop().expect("a busy connection");
    done.write_all(&[b'x'; 89]).expect("the rest of the body");
    assert!(
        read_answer(&mut done).is_some(),
        "the finished form was answered"
    );
    let freed = Instant::now();
    assert!(
        is_closed_within(&mut done, Duration::from_secs(5)),
        "a connection that became idle kept its place while a newcomer waited"
    );
    assert!(
        answer_begins_within(&mut newcomer, PATIENCE),
        "the newcomer was not answered when a place freed; log:\n{}",
        server.log()
    );
    assert!(
        freed.elapsed() < Duration::from_secs(5),
        "{:?}",
        freed.elapsed()
    );
    // The newcomer is gone once answered; with the bound full of busy ones again, a newcomer
    // waits until one of them simply goes.
    busy.push(begin_post(&server));
    std::thread::sleep(Duration::from_millis(300));
    let mut second = connect(&server);
    send_get(&mut second, &server);
    assert!(!answer_begins_within(
        &mut second,
        Duration::from_millis(500)
    ));
    drop(busy.pop());
    assert!(answer_begins_within(&mut second, PATIENCE));
}

#[test]
fn a_request_in_flight_is_cut_by_neither_timeout() {
    let server = farm()
        .write()
        .start_with(&["--header-timeout", "1", "--idle-timeout", "1"]);
    // A form whose body takes three seconds to arrive: the head was complete, the request is
    // in flight, and no timer runs.
    let body = "login=alice&password=wrong&next=%2F&padding=".to_owned() + &"p".repeat(60);
    let mut stream = connect(&server);
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.address(),
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("sending the head");
    let start = Instant::now();
    let pause = Duration::from_secs(3) / u32::try_from(body.len()).expect("a short body");
    for byte in body.bytes() {
        stream
            .write_all(&[byte])
            .unwrap_or_else(|e| panic!("cut after {:?}: {e}", start.elapsed()));
        std::thread::sleep(pause);
    }
    assert!(start.elapsed() >= Duration::from_secs(2));
    assert!(
        read_answer(&mut stream).is_some(),
        "no answer to a slow upload; log:\n{}",
        server.log()
    );

    // git's smart HTTP still works end to end with timeouts this short.
    let git = server.git_client();
    git.clone("w", None, "copy");
}

#[test]
fn a_second_stop_signal_ends_the_server_at_once() {
    let mut server = farm().write().start_with(&["--idle-timeout", "30"]);
    // A request in flight that will not end by itself.
    let _busy = begin_post(&server);
    std::thread::sleep(Duration::from_millis(300));
    server.send_sigterm();
    server.wait_for_log("shutting down", PATIENCE);
    assert!(
        server.wait_for_exit(Duration::from_secs(1)).is_none(),
        "the first signal waits for the request in flight"
    );
    server.send_sigterm();
    let status = server
        .wait_for_exit(Duration::from_secs(5))
        .expect("the second signal ends the server");
    assert!(!status.success(), "{status}");
}

#[test]
fn a_stop_answers_the_request_in_flight_and_closes_the_idle_connections() {
    let mut server = farm().write().start_with(&["--idle-timeout", "30"]);
    let mut idle: Vec<TcpStream> = (0..50).map(|_| connect(&server)).collect();
    let mut kept = connect(&server);
    assert_eq!(get_kept_alive(&mut kept, &server), 200);
    let mut busy = begin_post(&server);
    std::thread::sleep(Duration::from_millis(300));

    let stopping = std::thread::scope(|scope| {
        let stopper = scope.spawn(|| server.terminate());
        // The idle connections go at once; the request in flight is still served.
        for stream in idle.iter_mut().chain(std::iter::once(&mut kept)) {
            assert!(
                is_closed_within(stream, Duration::from_secs(5)),
                "an idle connection outlived the stop"
            );
        }
        busy.write_all(&[b'x'; 89]).expect("the rest of the body");
        assert!(
            read_answer(&mut busy).is_some(),
            "the request in flight was answered"
        );
        stopper.join().expect("the stopping thread")
    });
    let status = stopping.expect("the server ended after its last request");
    assert!(status.success(), "the server ended with {status}");
}
