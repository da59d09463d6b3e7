//! The generator's contract: deterministic, prefix-stable, exactly the
//! front-matter keys bench/README.md lists, archives Hindsight accepts
//! without a single diagnostic, and a realistic spread of sizes.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

use hindsight_bench::generate::{self, Report};

/// Every file under `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn first(seed: u64, n: usize) -> Vec<Report> {
    generate::reports(seed).take(n).collect()
}

#[test]
fn same_seed_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let stats_a = generate::write_archive(a.path(), 150, 7).unwrap();
    let stats_b = generate::write_archive(b.path(), 150, 7).unwrap();
    assert_eq!(stats_a, stats_b);
    assert_eq!(stats_a.reports, 150);
    let (ta, tb) = (read_tree(a.path()), read_tree(b.path()));
    assert_eq!(ta.len(), 150);
    assert_eq!(ta, tb);
    assert_eq!(
        stats_a.bytes,
        ta.values().map(|v| v.len() as u64).sum::<u64>()
    );

    // A different seed gives a different archive.
    let c = tempfile::tempdir().unwrap();
    generate::write_archive(c.path(), 150, 8).unwrap();
    assert_ne!(ta, read_tree(c.path()));
}

#[test]
fn an_archive_is_a_prefix_of_a_larger_one() {
    let small = tempfile::tempdir().unwrap();
    let large = tempfile::tempdir().unwrap();
    generate::write_archive(small.path(), 40, 42).unwrap();
    generate::write_archive(large.path(), 160, 42).unwrap();
    let (s, l) = (read_tree(small.path()), read_tree(large.path()));
    assert_eq!((s.len(), l.len()), (40, 160));
    for (path, bytes) in &s {
        assert_eq!(l.get(path), Some(bytes), "{path} differs");
    }
    // The in-memory reports agree with the files, in order.
    let reports = first(42, 160);
    assert_eq!(reports[..40], first(42, 40)[..]);
    for r in &reports {
        let path = r.relative_path().to_string_lossy().into_owned();
        assert_eq!(l[&path], r.to_markdown().into_bytes());
    }
}

#[test]
fn report_api_matches_the_iterator() {
    let mut used = HashSet::new();
    let one_by_one: Vec<Report> = (0..30).map(|i| generate::report(9, i, &mut used)).collect();
    assert_eq!(one_by_one, first(9, 30));
    assert_eq!(used.len(), 30);
}

#[test]
fn front_matter_has_exactly_the_spec_keys() {
    const KEYS: [&str; 9] = [
        "title", "date", "resolved", "severity", "services", "tags", "authors", "status", "summary",
    ];
    for r in first(42, 300) {
        let text = r.to_markdown();
        let rest = text.strip_prefix("---\n").expect("front matter first");
        let (matter, body) = rest.split_once("\n---\n").expect("closed front matter");
        let keys: Vec<&str> = matter
            .lines()
            .map(|l| l.split_once(": ").expect("key: value").0)
            .collect();
        assert_eq!(keys, KEYS, "{}", r.slug);
        assert!(matter.contains("\nstatus: published\n"));
        assert!(body.starts_with("\n## Issue Summary\n"));
        assert!((1..=3).contains(&r.services.len()));
        assert!(r.tags.len() <= 3);
        assert!(["SEV1", "SEV2", "SEV3", "SEV4"].contains(&r.severity));
        for line in matter.lines() {
            if let Some(authors) = line.strip_prefix("authors: ") {
                assert!(authors.starts_with("[\"") && authors.ends_with("\"]"));
            }
            if let Some(summary) = line.strip_prefix("summary: ") {
                assert!(summary.starts_with('"') && summary.ends_with('"'));
            }
        }
    }
}

#[test]
fn slugs_are_unique_dated_lowercase_ascii() {
    let reports = first(42, 1500);
    let mut seen = HashSet::new();
    for r in &reports {
        assert!(seen.insert(r.slug.clone()), "duplicate {}", r.slug);
        assert!(
            r.slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            r.slug
        );
        assert_eq!(&r.slug[..10], &r.date[..10]);
        assert_eq!(r.year.to_string(), &r.date[..4]);
        assert!((2016..=2025).contains(&r.year));
    }
    // Collisions happen at this size and get numbered suffixes.
    assert!(reports.iter().any(|r| r.slug.ends_with("-2")));
}

/// Minutes since the start day's midnight of a timeline cell: `13:05`,
/// `1:05 PM`, or `2019-04-03 00:10` for a later day.
fn cell_minutes(cell: &str, start_day: &str) -> i64 {
    let (day_offset, clock) = match cell.split_once(' ') {
        Some((date, time)) if date.len() == 10 => {
            assert!(date > start_day, "{cell} is dated but on the start day");
            // Incidents last at most 12 hours: a dated row is the next day.
            (1440, time.to_string())
        }
        _ => (0, cell.to_string()),
    };
    let (clock, half) = match clock.split_once(' ') {
        Some((c, h)) => (c.to_string(), Some(h.to_string())),
        None => (clock, None),
    };
    let (h, m) = clock.split_once(':').unwrap();
    let (mut h, m): (i64, i64) = (h.parse().unwrap(), m.parse().unwrap());
    match half.as_deref() {
        Some("AM") if h == 12 => h = 0,
        Some("PM") if h != 12 => h += 12,
        Some("AM") | Some("PM") | None => {}
        Some(other) => panic!("bad half {other}"),
    }
    day_offset + h * 60 + m
}

#[test]
fn timelines_are_ordered_and_inside_the_incident() {
    let mut twelve = 0;
    let mut code = 0;
    let reports = first(3, 400);
    for r in &reports {
        let header = format!("| Time ({}) | Action |", &r.date[19..]);
        let mut lines = r.body.lines().skip_while(|l| *l != header);
        assert_eq!(lines.next(), Some(header.as_str()), "{}", r.slug);
        assert_eq!(lines.next(), Some("| --- | --- |"));
        let rows: Vec<&str> = lines.take_while(|l| l.starts_with("| ")).collect();
        assert!((5..=10).contains(&rows.len()), "{}", r.slug);
        let minute = |rfc: &str| -> i64 {
            let h: i64 = rfc[11..13].parse().unwrap();
            let m: i64 = rfc[14..16].parse().unwrap();
            let next_day = i64::from(rfc[..10] != r.date[..10]) * 1440;
            next_day + h * 60 + m
        };
        let (start, end) = (minute(&r.date), minute(&r.resolved));
        let times: Vec<i64> = rows
            .iter()
            .map(|row| cell_minutes(row[2..].split(" | ").next().unwrap(), &r.date[..10]))
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{}: {times:?}",
            r.slug
        );
        assert_eq!(
            (times[0], times[times.len() - 1]),
            (start, end),
            "{}",
            r.slug
        );
        twelve += usize::from(rows[0].contains(" AM |") || rows[0].contains(" PM |"));
        code += usize::from(r.body.contains("\n```"));
    }
    // About half use a 12-hour clock, about four in ten quote code.
    assert!((140..=260).contains(&twelve), "{twelve}");
    assert!((110..=210).contains(&code), "{code}");
}

#[test]
fn hindsight_loads_an_archive_without_a_single_diagnostic() {
    let site = tempfile::tempdir().unwrap();
    let stats = generate::write_archive(&site.path().join("content"), 300, 42).unwrap();
    assert_eq!(stats.reports, 300);
    let loaded = hindsight::Site::load(&hindsight::Options::new(site.path()))
        .unwrap_or_else(|e| panic!("{e}"));
    let problems: Vec<String> = loaded.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(loaded.archive.reports.len(), 300);
    for (i, report) in loaded.archive.reports.iter().enumerate() {
        assert!(report.pm.extra.is_empty(), "{}", report.pm.slug);
        assert!(report.pm.resolved.is_some_and(|r| r > report.pm.date));
        let body =
            hindsight::render::body::render(&loaded.archive, &loaded.config, i, report.pm.body());
        assert!(body.diagnostics.is_empty(), "{}", report.pm.slug);
        assert_eq!(body.rendered.headings.len(), 6, "{}", report.pm.slug);
        assert!(body.rendered.html.contains("<table>"));
        assert!(body.rendered.html.contains("type=\"checkbox\""));
    }
}

#[test]
fn sizes_spread_like_real_archives() {
    let mut sizes: Vec<usize> = first(42, 2000)
        .iter()
        .map(|r| r.to_markdown().len())
        .collect();
    sizes.sort_unstable();
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    let pct = |p: f64| sizes[(p * (sizes.len() - 1) as f64).round() as usize];
    assert!((3000..=6000).contains(&mean), "mean {mean}");
    assert!(
        sizes[0] > 1200 && sizes[sizes.len() - 1] < 9000,
        "{sizes:?}"
    );
    // The reference corpus at N=10000 (bench/README.md): p10 2260, p50
    // 3966, p90 6201.
    assert!((2000..=2600).contains(&pct(0.1)), "p10 {}", pct(0.1));
    assert!((3600..=4400).contains(&pct(0.5)), "p50 {}", pct(0.5));
    assert!((5700..=6700).contains(&pct(0.9)), "p90 {}", pct(0.9));
}

#[test]
fn cli_writes_the_library_archive_and_guards_its_folder() {
    let bin = env!("CARGO_BIN_EXE_gen-archive");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("content");

    let run = |args: &[&str]| Command::new(bin).args(args).output().unwrap();
    let ok = run(&[out.to_str().unwrap(), "25", "--seed", "5"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary = String::from_utf8_lossy(&ok.stderr);
    assert!(summary.starts_with("25 files in "), "{summary}");

    let expected = tempfile::tempdir().unwrap();
    generate::write_archive(expected.path(), 25, 5).unwrap();
    assert_eq!(read_tree(&out), read_tree(expected.path()));

    // A non-empty folder is refused without --force, replaced with it.
    let refused = run(&[out.to_str().unwrap(), "3"]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(read_tree(&out).len(), 25);
    let forced = run(&[out.to_str().unwrap(), "3", "--force"]);
    assert!(forced.status.success());
    assert_eq!(read_tree(&out).len(), 3);

    // Bad arguments: usage on stderr, exit code 2, no panic.
    for bad in [
        &[][..],
        &["only-dir"],
        &["d", "many"],
        &["d", "3", "--seed"],
        &["d", "3", "--seed", "-1"],
        &["d", "3", "--what"],
        &["d", "3", "extra"],
    ] {
        let o = run(bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("usage: gen-archive"));
    }
}
