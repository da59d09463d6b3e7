//! Faults while publishing: the build killed at any moment, an output that
//! cannot be written, a full disk, two builds at once. In every case the
//! site published before stays whole and usable. Cases that need root (a
//! read-only mount, a small tmpfs) skip with a notice without it, and fail
//! under `CI=true`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TestSite, broken_links, snapshot};

type Snapshot = Vec<(PathBuf, Vec<u8>)>;

fn hindsight(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hindsight"));
    command.arg("build").arg("--root").arg(root).args(args);
    command
}

fn build(root: &Path) -> Output {
    hindsight(root, &[]).output().expect("run hindsight")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn report(i: usize, version: &str) -> String {
    format!(
        "---\ntitle: \"Queue stall {i} ({version})\"\ndate: 2019-{:02}-{:02}T10:00:00Z\nresolved: 2019-{:02}-{:02}T11:30:00Z\nseverity: SEV{}\nservices: [queue, api-{}]\ntags: [t{}]\n---\n## Summary\n\nThe queue stalled ({version}).\n\n## Action Items\n\n- [ ] Alert on stalls ({version})\n",
        1 + i % 12,
        1 + i % 28,
        1 + i % 12,
        1 + i % 28,
        1 + i % 3,
        i % 7,
        i % 5,
    )
}

/// Replaces the site's reports with `count` of them from `first` on, every
/// title and text saying `version`, so that every page differs between
/// versions and some reports exist in one only.
fn write_version(site: &TestSite, first: usize, count: usize, version: &str) {
    let folder = site.root().join("content/2019");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    for i in first..first + count {
        std::fs::write(
            folder.join(format!("2019-queue-stall-{i}.md")),
            report(i, version),
        )
        .unwrap();
    }
}

/// What sits beside the output folder, hidden or not, but the sources.
fn beside(root: &Path) -> Vec<String> {
    // The record of what the output was built from stays with it.
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !matches!(n.as_str(), "content" | "hindsight.toml" | ".public.fresh"))
        .collect();
    names.sort();
    names
}

/// How long the commit of a build took, from its `HINDSIGHT_DEBUG` lines.
fn commit_time(stderr: &str) -> Duration {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("debug: commit took "))
        .expect("a debug line for the commit");
    let figure = line.split_whitespace().next().unwrap();
    let (number, scale) = if let Some(ms) = figure.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(us) = figure.strip_suffix("µs") {
        (us, 1e-6)
    } else {
        (figure.trim_end_matches('s'), 1.0)
    };
    Duration::from_secs_f64(number.parse::<f64>().unwrap() * scale)
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one_whole() {
    let site = TestSite::fixture("basic");
    let out = site.out();
    let mut versions: Vec<(usize, &str, Snapshot)> = Vec::new();
    let (mut longest, mut commit) = (Duration::ZERO, Duration::ZERO);
    for (first, version) in [(0, "first"), (20, "second")] {
        write_version(&site, first, 120, version);
        let started = Instant::now();
        let done = hindsight(site.root(), &[])
            .env("HINDSIGHT_DEBUG", "1")
            .output()
            .unwrap();
        assert!(done.status.success(), "{}", stderr(&done));
        longest = longest.max(started.elapsed());
        commit = commit_time(&stderr(&done));
        versions.push((first, version, snapshot(&out)));
    }
    assert_ne!(versions[0].2, versions[1].2);

    // Half the kills spread over the whole build, half within the commit,
    // which begins when the pages are rendered. The published site starts
    // as the second version; each build goes for the other.
    let mut published = 1;
    let mut outcomes = Vec::new();
    for k in 0..16 {
        let next = 1 - published;
        let (first, version, _) = versions[next];
        write_version(&site, first, 120, version);
        let mut child = hindsight(site.root(), &[])
            .env("HINDSIGHT_DEBUG", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stderr.take().unwrap()).lines();
        if k < 8 {
            std::thread::sleep(longest.mul_f64(0.1 + 0.12 * k as f64));
        } else {
            for line in lines.map_while(Result::ok) {
                if line.starts_with("debug: pages took") {
                    break;
                }
            }
            std::thread::sleep(commit.mul_f64((k - 8) as f64 / 7.0));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        let whole = versions.iter().position(|(_, _, files)| *files == now);
        let Some(whole) = whole else {
            panic!("kill {k} ({status}) left a site that is neither version");
        };
        outcomes.push(if whole == next { "new" } else { "old" });
        published = whole;
    }
    println!("commit {commit:?}; the published site after each kill: {outcomes:?}");
    assert!(broken_links(&out).is_empty());

    // The next build finishes and cleans up after the killed ones.
    let done = build(site.root());
    assert!(done.status.success(), "{}", stderr(&done));
    assert_eq!(beside(site.root()), [".public.shadow", "public"]);
}

#[test]
fn a_second_build_on_the_same_output_is_refused_while_the_first_runs() {
    let site = TestSite::fixture("basic");
    write_version(&site, 0, 300, "only");
    let lock = site.root().join(".public.lock");
    let first = hindsight(site.root(), &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while !lock.exists() {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "no lock file appeared"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let second = build(site.root());
    let first_done = first.wait_with_output().unwrap();
    assert!(first_done.status.success(), "{}", stderr(&first_done));
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    let message = stderr(&second);
    assert!(
        message.contains("another build (process") && message.contains("is writing output folder"),
        "{message}"
    );
    assert!(!lock.exists(), "the lock file was left behind");
    assert!(site.out().join("index.html").is_file());
}

#[test]
fn a_lock_held_elsewhere_stops_the_build_and_one_left_by_a_killed_build_does_not() {
    let site = TestSite::fixture("basic");
    assert!(build(site.root()).status.success());
    let before = snapshot(&site.out());
    site.write("content/2023/2023-05-05-late.md", &report(7, "late"));

    let path = site.root().join(".public.lock");
    let held = File::create(&path).unwrap();
    held.lock().unwrap();
    std::fs::write(&path, "4242").unwrap();
    let refused = build(site.root());
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("another build (process 4242) is writing output folder"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(&site.out()), before);

    // Unlocked, the same file is what a killed build leaves.
    drop(held);
    let done = build(site.root());
    assert!(done.status.success(), "{}", stderr(&done));
    assert_ne!(snapshot(&site.out()), before);
    assert!(!path.exists());
}

/// Runs `script` with `sh`, the hindsight binary as `$1` and `root` as
/// `$2`.
fn sh(script: &str, root: &Path) -> Output {
    Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(env!("CARGO_BIN_EXE_hindsight"))
        .arg(root)
        .output()
        .expect("run sh")
}

/// A report whose page is about 3 MB.
fn huge_report() -> String {
    let line = "The queue stalled again while the consumers waited on a lock.\n\n";
    report(99, "huge") + &line.repeat(50_000)
}

#[test]
fn a_file_too_large_to_write_fails_the_build_and_keeps_the_site() {
    let site = TestSite::fixture("basic");
    assert!(build(site.root()).status.success());
    let before = snapshot(&site.out());
    site.write("content/2023/2023-06-06-huge.md", &huge_report());
    // With SIGXFSZ ignored, a write past the limit fails with EFBIG.
    let failed = sh(
        "trap '' XFSZ; ulimit -f 2048; exec \"$1\" build --root \"$2\"",
        site.root(),
    );
    assert!(!failed.status.success());
    let message = stderr(&failed);
    assert!(
        message.contains("failed to write") && message.contains("huge"),
        "{message}"
    );
    assert_eq!(snapshot(&site.out()), before);
    assert_eq!(beside(site.root()), ["public"]);
    // And killed by the signal instead, the same.
    let killed = sh(
        "ulimit -f 2048; exec \"$1\" build --root \"$2\"",
        site.root(),
    );
    assert!(!killed.status.success());
    assert_eq!(snapshot(&site.out()), before);
}

/// Whether this process may mount file systems; without, the test says so
/// and is skipped, unless `CI=true`.
fn can_mount(test: &str) -> bool {
    let probe = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"])
        .output();
    if probe.is_ok_and(|p| p.status.success()) {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test} needs root to mount file systems, and CI runs as root"
    );
    println!("skipped {test}: it needs root to mount file systems");
    false
}

#[test]
fn an_output_on_a_read_only_file_system_fails_the_build_and_keeps_the_site() {
    if !can_mount("read-only output") {
        return;
    }
    let site = TestSite::fixture("basic");
    assert!(build(site.root()).status.success());
    let before = snapshot(&site.out());
    site.write("content/2023/2023-05-05-late.md", &report(7, "late"));
    // In a mount namespace of its own, the site folder mounted read-only.
    let failed = sh(
        "unshare -m sh -c 'mount --bind \"$2\" \"$2\" && mount -o remount,bind,ro \"$2\" && exec \"$1\" build --root \"$2\"' sh \"$1\" \"$2\"",
        site.root(),
    );
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    let message = stderr(&failed);
    assert!(message.contains("Read-only file system"), "{message}");
    assert!(
        message.contains(&site.root().display().to_string()),
        "{message}"
    );
    assert_eq!(snapshot(&site.out()), before);
}

/// A small tmpfs mounted over a folder until dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: PathBuf, size: &str) -> Mount {
        std::fs::create_dir_all(&at).unwrap();
        let done = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .status()
            .unwrap();
        assert!(done.success(), "mount a tmpfs");
        Mount(at)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_build_keeps_the_site_and_frees_what_it_took() {
    if !can_mount("full disk") {
        return;
    }
    let site = TestSite::fixture("basic");
    let disk = Mount::tmpfs(site.root().join("disk"), "2m");
    let out = disk.0.join("public");
    let out_arg = out.to_str().unwrap();
    let first = hindsight(site.root(), &["--output", out_arg])
        .output()
        .unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&out);

    site.write("content/2023/2023-06-06-huge.md", &huge_report());
    let full = hindsight(site.root(), &["--output", out_arg])
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(2), "{}", stderr(&full));
    assert!(
        stderr(&full).contains("No space left on device"),
        "{}",
        stderr(&full)
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(beside(&disk.0), ["public"], "the staging folder was left");

    // Once the report is smaller the build goes through on the same disk.
    site.write(
        "content/2023/2023-06-06-huge.md",
        &report(99, "small again"),
    );
    let again = hindsight(site.root(), &["--output", out_arg])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(broken_links(&out).is_empty());
}
