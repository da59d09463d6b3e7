//! What the preview adds to each page as it serves it: a script that
//! listens to the event stream and reloads the page when the site changed,
//! and, while the latest build has problems, an overlay that lists them.
//! Nothing of it is written to the output folder.

use crate::diagnostics::{self, Diagnostic, Level};
use crate::util::html::escape_into;

/// The `id` of the overlay's element.
pub(super) const OVERLAY_ID: &str = "hindsight-overlay";

/// Inserts the overlay, if any, and the reload script before the last
/// `</body>`, or at the end of a page that has none.
pub(super) fn inject(html: &[u8], version: u64, overlay: Option<&str>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let script = script(version);
    let overlay = overlay.unwrap_or_default();
    let mut page = Vec::with_capacity(html.len() + overlay.len() + script.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(overlay.as_bytes());
    page.extend_from_slice(script.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

/// Connects to the event stream as a page served at `version`: `reload`
/// reloads it, `errors` puts the overlay it carries in place of the old
/// one. A hidden tab lets go of its stream (browsers allow few connections
/// to one host) and, shown again, catches up on what it missed.
fn script(version: u64) -> String {
    format!(
        concat!(
            r#"<script id="hindsight-live">(()=>{{let v={version},s;"#,
            r#"const c=()=>{{s&&s.close();s=new EventSource("{events}?since="+v);"#,
            r#"s.addEventListener("reload",()=>location.reload());"#,
            r#"s.addEventListener("errors",e=>{{v=e.lastEventId;"#,
            r#"document.getElementById("{id}")?.remove();"#,
            r#"document.body.insertAdjacentHTML("beforeend",e.data)}})}};"#,
            r#"document.addEventListener("visibilitychange",()=>document.hidden?s.close():c());"#,
            r#"c()}})()</script>"#
        ),
        version = version,
        events = super::http::EVENTS,
        id = OVERLAY_ID,
    )
}

/// The event that tells pages about `version`: the overlay when there is
/// one, else a reload.
pub(super) fn event(version: u64, overlay: Option<&str>) -> String {
    let (name, data) = match overlay {
        Some(overlay) => ("errors", overlay.to_string()),
        None => ("reload", version.to_string()),
    };
    let mut event = format!("id: {version}\nevent: {name}\n");
    data_lines(&mut event, &data);
    event.push('\n');
    event
}

/// `data` as an event's `data:` lines: one for each of its lines, which
/// the browser joins again with line breaks. A CR or LF in it (the overlay
/// has none, but what it shows comes from file names and messages) so
/// never starts a field of its own.
fn data_lines(event: &mut String, data: &str) {
    for line in data.split("\r\n").flat_map(|l| l.split(['\r', '\n'])) {
        event.push_str("data: ");
        event.push_str(line);
        event.push('\n');
    }
}

/// The overlay that lists every problem of a failed build, with file,
/// line and column, escaped; one line of HTML, styled inline so that no
/// theme changes it.
pub(super) fn overlay(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = diagnostics::count(diagnostics);
    let mut html = format!(
        concat!(
            r#"<div id="{id}" role="alert" style="position:fixed;inset:0;z-index:2147483647;"#,
            r#"overflow:auto;padding:2rem;background:rgba(24,24,27,.96);color:#f4f4f5;"#,
            r#"font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left;"#,
            r#"white-space:pre-wrap">"#,
            r#"<button type="button" onclick="this.parentNode.remove()" "#,
            r#"style="float:right;font:inherit;cursor:pointer">Close</button>"#,
            r#"<h2 style="margin:0 0 .5rem;font-size:18px;color:#fca5a5">"#,
            r#"The build failed: {errors}{and_warnings}</h2>"#,
            r#"<p style="margin:0 0 1rem;color:#d4d4d8">The page shows the last good build; "#,
            r#"it reloads when the problems are fixed.</p>"#,
            r#"<ol style="margin:0;padding-left:1.5rem">"#
        ),
        id = OVERLAY_ID,
        errors = super::count(errors, "error"),
        and_warnings = match warnings {
            0 => String::new(),
            n => format!(" and {}", super::count(n, "warning")),
        },
    );
    for d in diagnostics {
        let (level, color) = match d.level {
            Level::Error => ("error", "#fca5a5"),
            Level::Warning => ("warning", "#fcd34d"),
        };
        html.push_str(&format!(
            r#"<li class="hindsight-{level}" style="margin:0 0 .75rem"><span class="hindsight-level" style="color:{color}">{level}</span> "#
        ));
        if !d.file.as_os_str().is_empty() {
            // Any control character in a file's name is shown as such.
            let mut place: String = d.file.display().to_string().chars().map(visible).collect();
            if d.line > 0 {
                place.push_str(&format!(":{}", d.line));
                if d.column > 0 {
                    place.push_str(&format!(":{}", d.column));
                }
            }
            html.push_str(r#"<code class="hindsight-file" style="color:#93c5fd;background:none;border:0;padding:0;font:inherit">"#);
            text(&mut html, &place);
            html.push_str("</code> ");
        }
        html.push_str(r#"<span class="hindsight-message">"#);
        text(&mut html, &d.message);
        html.push_str("</span>");
        if let Some(hint) = &d.hint {
            html.push_str(r#"<div class="hindsight-hint" style="color:#a1a1aa">= "#);
            text(&mut html, hint);
            html.push_str("</div>");
        }
        html.push_str("</li>");
    }
    html.push_str("</ol></div>");
    html
}

/// Escaped text, its line breaks (LF or CRLF) as character references:
/// the overlay stays one line, and shows them (`white-space: pre-wrap`).
/// Other control characters, a lone CR among them, are shown as the
/// symbols that stand for them.
fn text(html: &mut String, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            html.push_str("&#10;");
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let shown: String = line.chars().map(visible).collect();
        escape_into(html, &shown);
    }
}

/// `c`, or the symbol that stands for it when it is a control character
/// other than a tab: `␍` for CR, `␊` for LF, `␡` for DEL.
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let page = inject(b"<body><p>x</p></BODY></html>", 3, Some("<div>o</div>"));
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<body><p>x</p><div>o</div><script id=\"hindsight-live\">"));
        assert!(page.contains("since=\"+v"), "{page}");
        assert!(page.contains("let v=3,"), "{page}");
        assert!(page.ends_with("</script></BODY></html>"));
        let bare = String::from_utf8(inject(b"plain", 1, None)).unwrap();
        assert!(bare.starts_with("plain<script"));
    }

    #[test]
    fn the_overlay_escapes_and_is_one_line() {
        let d = Diagnostic::error("content/<a>.md", "x", "bad \"<b>\"\nsecond line")
            .at(5, 11)
            .hint("use & not <");
        let html = overlay(&[d]);
        assert!(!html.contains('\n'));
        assert!(html.contains("content/&lt;a&gt;.md:5:11"), "{html}");
        assert!(
            html.contains("bad &quot;&lt;b&gt;&quot;&#10;second line"),
            "{html}"
        );
        assert!(html.contains("= use &amp; not &lt;"), "{html}");
        assert!(html.contains("1 error<"), "{html}");
    }

    #[test]
    fn control_characters_in_names_and_messages_are_shown_not_kept() {
        let d = Diagnostic::error(
            "content/a\rid: 9\nb\u{7f}.md",
            "x",
            "one\r\ntwo\rthree\u{1b}[31m",
        )
        .hint("a\rb");
        let html = overlay(&[d]);
        assert!(!html.contains(['\r', '\n', '\u{1b}', '\u{7f}']), "{html}");
        assert!(
            html.contains("content/a\u{240d}id: 9\u{240a}b\u{2421}.md<"),
            "{html}"
        );
        assert!(
            html.contains("one&#10;two\u{240d}three\u{241b}[31m<"),
            "{html}"
        );
        assert!(html.contains("= a\u{240d}b<"), "{html}");
    }

    #[test]
    fn event_data_with_line_breaks_becomes_several_data_lines() {
        assert_eq!(
            event(6, Some("a\rid: 1\nevent: reload\r\nretry: 9")),
            "id: 6\nevent: errors\ndata: a\ndata: id: 1\ndata: event: reload\ndata: retry: 9\n\n"
        );
    }

    #[test]
    fn events_name_their_version() {
        assert_eq!(event(4, None), "id: 4\nevent: reload\ndata: 4\n\n");
        assert_eq!(
            event(5, Some("<div></div>")),
            "id: 5\nevent: errors\ndata: <div></div>\n\n"
        );
    }
}
