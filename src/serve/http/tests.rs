use super::*;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("postmortems/a b")).unwrap();
    std::fs::write(out.join("index.html"), "home").unwrap();
    std::fs::write(out.join("postmortems/a b/index.html"), "a").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    dir
}

#[test]
fn folders_serve_their_index_and_want_a_trailing_slash() {
    let dir = site();
    let out = dir.path().join("out");
    let real = |p: &str| Target::File(out.join(p).canonicalize().unwrap());
    assert_eq!(resolve(&out, "/"), real("index.html"));
    assert_eq!(resolve(&out, "/index.html"), real("index.html"));
    assert_eq!(
        resolve(&out, "/postmortems/a%20b/"),
        real("postmortems/a b/index.html")
    );
    assert_eq!(resolve(&out, "/postmortems"), Target::Folder);
    assert_eq!(resolve(&out, "/index.html/"), Target::Missing);
    assert_eq!(resolve(&out, "/nothing.css"), Target::Missing);
}

#[test]
fn paths_that_leave_the_output_are_refused() {
    let dir = site();
    let out = dir.path().join("out");
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/postmortems/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/postmortems\\..\\..\\secret.txt",
        "/index.html%00",
        "/%zz",
        "/%c0%ae%c0%ae/secret.txt",
    ] {
        assert_eq!(resolve(&out, path), Target::Outside, "{path}");
    }
    let absolute = format!("/{}", dir.path().join("secret.txt").display());
    assert_eq!(resolve(&out, &absolute), Target::Missing);
    assert_eq!(resolve(&out, "//secret.txt"), Target::Missing);
}

#[test]
fn a_link_out_of_the_output_is_not_followed() {
    let dir = site();
    let out = dir.path().join("out");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
    assert_eq!(resolve(&out, "/link.txt"), Target::Missing);
}

#[test]
fn escapes_decode_to_utf8() {
    assert_eq!(
        crate::util::url::percent_decode("/a%20b/%C3%A9").as_deref(),
        Some("/a b/é")
    );
    assert_eq!(crate::util::url::percent_decode("/%+1"), None);
    assert_eq!(crate::util::url::percent_decode("/%4"), None);
    assert_eq!(crate::util::url::percent_decode("/%ff"), None);
}

fn parse(text: &str) -> Result<Option<Request>, Unreadable> {
    read_request(&mut text.as_bytes(), |_| {})
}

#[test]
fn request_heads_are_parsed() {
    let r = parse("GET /a?b HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 7\r\n\r\n")
        .ok()
        .flatten()
        .unwrap();
    assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b"));
    assert_eq!((r.close, r.last_event_id), (false, Some(7)));
    let r = parse("HEAD / HTTP/1.0\r\n\r\n").ok().flatten().unwrap();
    assert!(r.close);
    assert!(matches!(parse(""), Ok(None)));
    assert!(matches!(
        parse("GET /\r\n\r\n"),
        Err(Unreadable::Malformed(_))
    ));
    assert!(matches!(
        parse("GET / HTTP/1.1\r\nHost"),
        Err(Unreadable::Gone)
    ));
    let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
    assert!(matches!(parse(&long), Err(Unreadable::Malformed(_))));
}

#[test]
fn control_characters_in_a_request_head_are_refused() {
    for head in [
        "GET /postmortems?x\rSet-Cookie:a=b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\0 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\rSet-Cookie: a=b\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A: \x1b[31m\r\n\r\n",
    ] {
        assert!(
            matches!(parse(head), Err(Unreadable::Malformed(CONTROL))),
            "{head:?}"
        );
    }
    // A tab may separate a header's value.
    let r = parse("GET / HTTP/1.1\r\nHost:\tx\t\r\n\r\n")
        .ok()
        .flatten()
        .unwrap();
    assert_eq!(r.host.as_deref(), Some("x"));
    assert!(matches!(
        parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
        Err(Unreadable::Malformed(_))
    ));
}

#[test]
fn header_values_cannot_end_a_header() {
    assert_eq!(header_value("/a/?b=c"), "/a/?b=c");
    assert_eq!(
        header_value("/a/?x\r\nSet-Cookie: a=b"),
        "/a/?x%0D%0ASet-Cookie: a=b"
    );
    assert_eq!(header_value("\t\0\x7f/\u{e9}"), "%09%00%7F/%C3%A9");
}

#[test]
fn the_limits_are_the_defaults_unless_changed() {
    assert_eq!(Limits::parse(""), (Limits::default(), vec![]));
    let (limits, ignored) =
        Limits::parse("connections=8, head_ms=1500,idle_ms=900,head_ms=0,speed=3,x");
    assert_eq!(
        limits,
        Limits {
            connections: 8,
            head: Duration::from_millis(1500),
            idle: Duration::from_millis(900),
        }
    );
    assert_eq!(ignored, ["head_ms=0", "speed=3", "x"]);
}

/// A connected pair of streams on the loopback.
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

#[test]
fn a_peer_that_never_reads_holds_a_write_only_until_its_deadline() {
    let (_client, mut server) = pair();
    let started = Instant::now();
    let big = vec![b'x'; 64 << 20];
    let result = write_by(&mut server, &big, started + Duration::from_millis(300));
    assert!(result.is_err(), "64 MB went into buffers");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn a_head_that_trickles_in_is_cut_off_at_its_deadline() {
    let (mut client, server) = pair();
    let dripping = std::thread::spawn(move || {
        for byte in b"GET / HTTP/1.1\r\nHost: localhost:1\r\nX-Slow: yes\r\n" {
            if client.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let mut reader = BufReader::new(Timed {
        stream: server,
        deadline: None,
        // Far longer than between two bytes.
        idle: Duration::from_secs(5),
    });
    let started = Instant::now();
    let result = read_request(&mut reader, |r| {
        r.get_mut().deadline = Some(Instant::now() + Duration::from_millis(300));
    });
    assert!(matches!(result, Err(Unreadable::Slow)));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    dripping.join().unwrap();
}

#[test]
fn content_types_follow_the_extension() {
    for (name, expected) in [
        ("a.html", "text/html; charset=utf-8"),
        ("a.CSS", "text/css; charset=utf-8"),
        ("a.js", "text/javascript; charset=utf-8"),
        ("a.json", "application/json"),
        ("atom.xml", "application/xml; charset=utf-8"),
        ("a.svg", "image/svg+xml"),
        ("a.png", "image/png"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("a.bin", "application/octet-stream"),
    ] {
        assert_eq!(content_type(Path::new(name)), expected, "{name}");
    }
}
