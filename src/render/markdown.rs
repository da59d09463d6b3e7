//! Markdown to HTML for report bodies.
//!
//! On top of pulldown-cmark this module owns what a postmortem page needs:
//! stable, unique heading anchors; links to other reports' `.md` files
//! rewritten to their pages (a link to a missing report is an error at its
//! line); unsafe URL schemes dropped; raw HTML sanitised unless the site
//! allows it; and the first paragraph's text for a summary.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::source::dialect::{self, Section};

/// What the renderer needs to know about the rest of the site.
pub struct RenderContext<'a> {
    /// Maps a report slug to its site-relative URL (`postmortems/<slug>/`).
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Maps a relative link to a file next to the report (an image, a log
    /// excerpt) to the site-relative URL it is published at, if it exists
    /// and may be published.
    pub asset: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The relative prefix from the rendered page to the site root.
    pub root: &'a str,
    /// Keep raw HTML as written.
    pub allow_raw_html: bool,
    /// The file line on which the Markdown starts.
    pub first_line: usize,
    /// The year of the report, for timeline dates written without one.
    pub year: i32,
    /// The report's title: a first heading that repeats it is left out,
    /// as the page shows the title already.
    pub title: &'a str,
    /// The pages of tickets, which the action-item sections link to.
    pub tickets: crate::util::tickets::Tickets<'a>,
}

/// A row of the body's timeline whose first cell (or list item) starts
/// with a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub time: crate::source::timeline::CellTime,
    /// What happened: the other cells, or the rest of the item.
    pub text: String,
    /// The time as written.
    pub written: String,
    /// The row's anchor, unique on the page.
    pub id: String,
    /// Where the row starts in the Markdown.
    pub offset: usize,
}

/// A heading of the body, for the table of contents and deep links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link in the body that points at a report that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub line: usize,
    pub column: usize,
    pub target: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The text of the first paragraph, for a summary when none is given.
    pub first_paragraph: String,
    pub broken_links: Vec<BrokenLink>,
    /// Relative links and images to files that are not published: missing,
    /// or refused by `asset` (the caller knows why).
    pub missing_files: Vec<BrokenLink>,
    /// Site-relative URLs of the files next to the report that it uses.
    pub assets: Vec<String>,
    /// Slugs of the reports this body links to.
    pub links_to: Vec<String>,
    /// The rows of the `Timeline` section that give a time, in order.
    pub timeline: Vec<TimelineEntry>,
    /// Rows of the `Timeline` section that start like a time but whose
    /// time cannot be read: where each starts in the Markdown, and its
    /// leading text.
    pub unread_times: Vec<(usize, String)>,
    /// The body's words as plain text, blocks on lines of their own: what
    /// search indexes and quotes. Raw HTML is left out.
    pub text: String,
}

/// Renders `markdown` to HTML.
pub fn render(markdown: &str, cx: &RenderContext<'_>) -> Rendered {
    let mut out = Rendered::default();
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    let parser = Parser::new_ext(markdown, dialect::options()).into_offset_iter();
    let mut has_raw_html = false;
    // A first heading that repeats the title is left out: the page shows
    // the title already. Other headings are demoted one level when the body
    // has a `# Heading` besides, so the page keeps a single <h1>. Only a
    // body with a line that could make one is parsed twice to find out.
    if may_have_h1(markdown) {
        let events: Vec<_> = parser.collect();
        let dropped = first_heading_repeats(&events, cx.title);
        let shift = u8::from(events.iter().enumerate().any(|(i, (e, _))| {
            Some(i) != dropped
                && matches!(
                    e,
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H1,
                        ..
                    })
                )
        }));
        let mut body = Body::new(
            markdown,
            cx,
            shift,
            &mut out,
            &mut has_raw_html,
            events.into_iter(),
        );
        html::push_html(&mut html, &mut body);
    } else {
        let mut body = Body::new(markdown, cx, 0, &mut out, &mut has_raw_html, parser);
        html::push_html(&mut html, &mut body);
    }
    out.html = html;
    if has_raw_html && !cx.allow_raw_html {
        out.html = sanitizer().clean(&out.html).to_string();
    }
    out.first_paragraph = out
        .first_paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out
}

/// The index in `events` of the body's first heading, if it says what
/// `title` says.
fn first_heading_repeats(events: &[(Event<'_>, Range<usize>)], title: &str) -> Option<usize> {
    let start = events
        .iter()
        .position(|(e, _)| matches!(e, Event::Start(Tag::Heading { .. })))?;
    let mut text = String::new();
    for (e, _) in &events[start + 1..] {
        match e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    same_words(&text, title).then_some(start)
}

/// Whether two headings say the same, ignoring case, blanks and
/// punctuation. Text with no letters or digits says nothing.
pub fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let a = words(a);
    !a.is_empty() && a == words(b)
}

/// `markdown` written inline (a summary) as inline HTML, for a line of a
/// page: emphasis, code and links to absolute `http`, `https` and `mailto`
/// addresses are kept; blocks are run together as text, images give
/// their text, and raw HTML and other links are shown as text.
pub fn inline(markdown: &str) -> String {
    let mut events = Vec::new();
    // How many links are open, and which of them are kept.
    let mut links: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    let space = || Event::Text(CowStr::Borrowed(" "));
    for event in Parser::new_ext(markdown, dialect::options()) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = in_image == 0 && is_inline_link(dest_url);
                links.push(keep);
                if keep {
                    events.push(event);
                }
            }
            Event::End(TagEnd::Link) => {
                events.extend((links.pop() == Some(true)).then_some(event));
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                events.extend((in_image == 0).then_some(event));
            }
            Event::Code(_) if in_image == 0 => events.push(event),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                events.push(Event::Text(t));
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => events.push(space()),
            _ => {}
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    crate::util::text::fold_spaces(&out)
}

/// Whether a link of a summary is kept: one that reads the same from any
/// page, to an address of a safe scheme.
fn is_inline_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    is_safe_url(url)
        && (lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:"))
}

/// Whether a line of `markdown` could make a level-1 heading: `# ...` or
/// a `===` underline, after any quote and list markers. When none can,
/// there is none; when one might, the caller looks at the parsed events.
fn may_have_h1(markdown: &str) -> bool {
    crate::util::text::lines(markdown).any(|line| {
        let rest = strip_containers(line).trim_end();
        let atx = rest
            .strip_prefix('#')
            .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t']));
        let setext = !rest.is_empty() && rest.bytes().all(|b| b == b'=');
        atx || setext
    })
}

/// `line` without leading blanks, `>` quote markers and list markers
/// (`-`, `*`, `+`, `1.`, `1)` followed by a blank).
fn strip_containers(mut line: &str) -> &str {
    loop {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if let Some(rest) = trimmed.strip_prefix('>') {
            line = rest;
            continue;
        }
        let digits = trimmed.len()
            - trimmed
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let marker = match trimmed.as_bytes().get(digits) {
            Some(b'.' | b')') if digits > 0 => digits + 1,
            Some(b'-' | b'*' | b'+') if digits == 0 => 1,
            _ => return trimmed,
        };
        match trimmed[marker..].strip_prefix([' ', '\t']) {
            Some(rest) => line = rest,
            None => return trimmed,
        }
    }
}

/// The body's events as the page shows them: headings with anchors and
/// unique ids, links to reports and files rewritten; what the page needs
/// besides (headings, the first paragraph, link problems) is noted in
/// `out` on the way.
struct Body<'m, 'c, I> {
    events: I,
    /// Events read ahead, to be given out before `events`.
    pending: VecDeque<(Event<'m>, Range<usize>)>,
    /// The room of a queue given out, for the next element read ahead:
    /// tables and lists read rows and items whole, tens of thousands in a
    /// large archive, and each had a list of its own to grow.
    spare: Vec<(Event<'m>, Range<usize>)>,
    markdown: &'m str,
    cx: &'c RenderContext<'c>,
    shift: u8,
    out: &'c mut Rendered,
    has_raw_html: &'c mut bool,
    ids: Ids,
    in_first_paragraph: Option<bool>,
    /// The section the events are in, if it is one with meaning, and the
    /// level of its heading.
    section: Option<(Section, u8)>,
    /// How deep in lists the events are, within the section.
    list_depth: usize,
    table_alignments: Vec<Alignment>,
    in_table_head: bool,
    /// The zone the timeline's heading or first paragraph names, for its
    /// rows without one.
    timeline_zone: Option<chrono::FixedOffset>,
    /// The zone the header of the timeline's current table names.
    table_zone: Option<chrono::FixedOffset>,
    /// Nothing but the heading has been seen of the timeline yet: its
    /// first paragraph may name the zone.
    zone_note_open: bool,
    /// Whether a heading has been given out (or left out) yet.
    seen_heading: bool,
    /// The list depth of the action item the events are in, if any.
    action_at: Option<usize>,
    /// How many images the events are in, and whether the paragraph that
    /// may be the first has words outside them.
    images: usize,
    first_has_words: bool,
    /// How many links the events are in, and whether they are in a code
    /// block: no ticket is linked there.
    links: usize,
    in_code: bool,
}

/// What ends a table cell in [`Rendered::text`].
const CELL_END: &str = " \u{2014} ";

/// Ends a line of blocks or table cells in [`Rendered::text`].
fn end_block(text: &mut String) {
    // `strip_suffix` rather than `trim_end_matches`, which sets up a
    // substring searcher at every call.
    let mut end = text.len();
    while let Some(rest) = text[..end].strip_suffix(CELL_END) {
        end = rest.len();
    }
    text.truncate(end);
    text.push('\n');
}

/// The level of a section opened by a bold line rather than a heading:
/// any heading ends it.
const PSEUDO_LEVEL: u8 = 7;

/// The range of HTML events this module makes itself and puts among the
/// body's events: they are not the author's raw HTML.
const OURS: Range<usize> = usize::MAX..usize::MAX;

impl<'m, 'c, I> Body<'m, 'c, I>
where
    I: Iterator<Item = (Event<'m>, std::ops::Range<usize>)>,
{
    fn new(
        markdown: &'m str,
        cx: &'c RenderContext<'c>,
        shift: u8,
        out: &'c mut Rendered,
        has_raw_html: &'c mut bool,
        events: I,
    ) -> Self {
        Body {
            events,
            pending: VecDeque::new(),
            spare: Vec::new(),
            markdown,
            cx,
            shift,
            out,
            has_raw_html,
            ids: Ids::default(),
            in_first_paragraph: None,
            section: None,
            list_depth: 0,
            table_alignments: Vec::new(),
            in_table_head: false,
            timeline_zone: None,
            table_zone: None,
            zone_note_open: false,
            seen_heading: false,
            action_at: None,
            images: 0,
            first_has_words: false,
            links: 0,
            in_code: false,
        }
    }

    fn next_raw(&mut self) -> Option<(Event<'m>, Range<usize>)> {
        self.pending.pop_front().or_else(|| self.events.next())
    }

    /// Reads ahead from an element's start (already taken, `start`) to its
    /// end, for a look at it before it is given out.
    fn read_element(&mut self, start: (Event<'m>, Range<usize>)) -> Vec<(Event<'m>, Range<usize>)> {
        let mut events = std::mem::take(&mut self.spare);
        events.clear();
        events.push(start);
        let mut depth = 1usize;
        while depth > 0 {
            let Some(e) = self.next_raw() else { break };
            match &e.0 {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            events.push(e);
        }
        events
    }

    /// Returns the first of `events`, and gives the others out next,
    /// before anything else. Nearly always nothing else is waiting: the
    /// events become the queue as they are, rather than one at a time.
    fn give_back(
        &mut self,
        events: Vec<(Event<'m>, Range<usize>)>,
    ) -> Option<(Event<'m>, Range<usize>)> {
        let mut events = VecDeque::from(events);
        let first = events.pop_front();
        if self.pending.is_empty() {
            let given = std::mem::replace(&mut self.pending, events);
            // Empty: made a list again in place.
            self.spare = Vec::from(given);
        } else {
            while let Some(e) = events.pop_back() {
                self.pending.push_front(e);
            }
        }
        first
    }

    /// Moves into or out of a meaningful section at a heading of `level`
    /// (as written) with `text`.
    fn enter_section(&mut self, level: u8, text: &str) {
        if self.section.is_some_and(|(_, l)| level <= l) {
            self.section = None;
        }
        if self.section.is_none() {
            self.section = dialect::section(text).map(|s| (s, level));
            self.list_depth = 0;
            self.timeline_zone = crate::source::timeline::zone_note(text);
            self.zone_note_open = true;
            self.action_at = None;
        }
    }

    /// A list item of a meaningful section, read whole: as an action item
    /// it opens with its state, as a timeline event with its anchor.
    fn item(&mut self, start: (Event<'m>, Range<usize>)) -> Event<'m> {
        let offset = start.1.start;
        let mut events = self.read_element(start);
        let mut open = None;
        match self.section {
            // Sub-items of an action item are part of it.
            Some((Section::Actions { .. }, _))
                if self.action_at.is_some_and(|depth| self.list_depth > depth) => {}
            Some((Section::Actions { plain_items }, _)) => {
                let reading = crate::source::actions::read_item(&events, plain_items);
                self.action_at = reading.as_ref().map(|_| self.list_depth);
                if let Some(reading) = reading {
                    // An item done by a mark in its text shows a ticked box.
                    if reading.state.attribute() == "done" {
                        let own = events
                            .iter_mut()
                            .take_while(|(e, _)| !matches!(e, Event::Start(Tag::List(_))))
                            .find(|(e, _)| matches!(e, Event::TaskListMarker(_)));
                        if let Some((marker, _)) = own {
                            *marker = Event::TaskListMarker(true);
                        }
                    }
                    open = Some(format!(
                        "<li data-action-state=\"{}\">",
                        reading.state.attribute()
                    ));
                }
            }
            Some((Section::Timeline, _)) if self.list_depth == 1 => {
                let lead = leading_text(&events[1..]);
                if let Some(id) = self.timeline_entry(&lead, None, offset) {
                    open = Some(format!("<li class=\"timeline-entry\" id=\"{id}\">"));
                }
            }
            _ => {}
        }
        let first = self.give_back(events);
        match open {
            Some(html) => Event::Html(CowStr::from(html)),
            None => first.map_or(Event::Start(Tag::Item), |(e, _)| e),
        }
    }

    /// A body row of a table in the timeline, read whole: a row whose
    /// first cell starts with a time is an event, and the cell carries its
    /// anchor.
    fn timeline_row(&mut self, start: (Event<'m>, Range<usize>)) -> Event<'m> {
        let offset = start.1.start;
        let mut events = self.read_element(start);
        let cells = cells(&events);
        if let Some(first) = cells.first() {
            let lead = leading_text(&events[first.clone()]);
            // The other cells' text, those that have any, between dashes.
            let mut rest = String::new();
            for cell in &cells[1..] {
                let text = leading_text(&events[cell.clone()]);
                if !text.is_empty() {
                    if !rest.is_empty() {
                        rest.push_str(" — ");
                    }
                    rest.push_str(&text);
                }
            }
            if let Some(id) = self.timeline_entry(&lead, Some(rest), offset) {
                let style = match self.table_alignments.first() {
                    Some(Alignment::Left) => " style=\"text-align: left\"",
                    Some(Alignment::Center) => " style=\"text-align: center\"",
                    Some(Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                // The time links to its own row, for a link to paste.
                events.insert(first.end - 1, (Event::Html(CowStr::from("</a>")), OURS));
                let mut cell = String::with_capacity(2 * id.len() + style.len() + 24);
                cell.push_str("<td id=\"");
                cell.push_str(&id);
                cell.push('"');
                cell.push_str(style);
                cell.push_str("><a href=\"#");
                cell.push_str(&id);
                cell.push_str("\">");
                events[first.start] = (Event::Html(CowStr::from(cell)), OURS);
            }
        }
        self.give_back(events)
            .map_or(Event::Start(Tag::TableRow), |(e, _)| e)
    }

    /// Notes a timeline entry if `lead` starts with a time: `text` is what
    /// happened, or the rest of `lead`. Returns the entry's anchor.
    fn timeline_entry(
        &mut self,
        lead: &str,
        text: Option<String>,
        offset: usize,
    ) -> Option<String> {
        let Some((mut time, used)) = crate::source::timeline::parse_time(lead, self.cx.year) else {
            if crate::source::timeline::looks_like_a_time(lead) {
                self.out.unread_times.push((offset, lead.to_string()));
            }
            return None;
        };
        time.offset = time.offset.or(self.table_zone).or(self.timeline_zone);
        let written = lead[..used].trim();
        let text = text.unwrap_or_else(|| {
            lead[used..]
                .trim_start_matches(|c: char| c.is_whitespace() || ":-–—|,.)".contains(c))
                .trim()
                .to_string()
        });
        let mut anchor = String::from("t-");
        anchor.push_str(&crate::util::url::slugify(written));
        let id = unique_id(anchor, &mut self.ids);
        self.out.timeline.push(TimelineEntry {
            time,
            text,
            written: written.to_string(),
            id: id.clone(),
            offset,
        });
        Some(id)
    }

    /// The heading that starts here, as one HTML event.
    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'m>>,
        internal: bool,
    ) -> Event<'m> {
        let mut inner = Vec::new();
        let mut text = String::new();
        while let Some((e, _)) = self.next_raw() {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                break;
            }
            if let Event::Text(t) | Event::Code(t) = &e {
                text.push_str(t);
            }
            if matches!(e, Event::Html(_) | Event::InlineHtml(_)) {
                *self.has_raw_html = true;
            }
            inner.push(e);
        }
        let text = text.trim().to_string();
        let first = !std::mem::replace(&mut self.seen_heading, true);
        if first && same_words(&text, self.cx.title) {
            self.enter_section(level as u8, &text);
            return Event::Html(CowStr::Borrowed(""));
        }
        self.out.text.push_str(&text);
        self.out.text.push('\n');
        self.enter_section(level as u8, &text);
        let wanted = match id {
            Some(id) => crate::util::url::slugify(&id),
            None => anchor_for(&text),
        };
        let id = unique_id(wanted, &mut self.ids);
        let level = (level as u8 + self.shift).min(6);
        let mut inner_html = String::new();
        html::push_html(&mut inner_html, inner.into_iter());
        // A section the public edition leaves out says so where authors
        // see it (the public edition never has one to render).
        let mark = if internal {
            " <span class=\"internal-badge\" title=\"Only in the internal library: the public edition leaves this section out\">Internal</span>"
        } else {
            ""
        };
        // The heading's words link to it, ready to copy into chat; one
        // that holds a link of its own cannot be one, and gets a `#` after
        // it instead.
        // Put together piece by piece: every report has half a dozen
        // headings, and `format!` costs several times as much.
        let digit = char::from(b'0' + level);
        let mut html = String::with_capacity(inner_html.len() + 2 * id.len() + mark.len() + 100);
        html.push_str("<h");
        html.push(digit);
        html.push_str(" id=\"");
        html.push_str(&id);
        html.push_str("\">");
        if inner_html.contains("<a ") {
            html.push_str(&inner_html);
            html.push_str(mark);
            html.push_str(" <a class=\"anchor\" href=\"#");
            html.push_str(&id);
            html.push_str("\" aria-label=\"Link to this section\">#</a>");
        } else {
            html.push_str("<a class=\"self\" href=\"#");
            html.push_str(&id);
            html.push_str("\">");
            html.push_str(&inner_html);
            html.push_str("</a>");
            html.push_str(mark);
        }
        html.push_str("</h");
        html.push(digit);
        html.push_str(">\n");
        self.out.headings.push(Heading { level, id, text });
        Event::Html(CowStr::from(html))
    }

    /// A link or image with its destination rewritten for the site.
    fn link(&mut self, mut tag: Tag<'m>, range: Range<usize>) -> Event<'m> {
        match tag {
            Tag::Image { .. } => self.images += 1,
            _ => self.links += 1,
        }
        if let Tag::Link {
            link_type,
            dest_url,
            ..
        }
        | Tag::Image {
            link_type,
            dest_url,
            ..
        } = &mut tag
        {
            let (markdown, cx) = (self.markdown, self.cx);
            *dest_url = rewrite_link(dest_url, *link_type, cx, self.out, || {
                position(markdown, range.start, cx.first_line)
            });
        }
        Event::Start(tag)
    }

    /// Notes what an event that passes through as it is says: where the
    /// body is (lists, tables, paragraphs, a timeline opened by a label), its
    /// plain text and first paragraph, and whether it holds raw HTML.
    fn note(&mut self, event: &Event<'m>, range: &Range<usize>) {
        let first = self.in_first_paragraph == Some(true);
        match event {
            Event::Start(Tag::List(_)) => {
                self.list_depth += 1;
                self.zone_note_open = false;
            }
            Event::End(TagEnd::List(_)) => self.list_depth = self.list_depth.saturating_sub(1),
            Event::Start(Tag::Table(alignments)) => {
                self.table_alignments = alignments.clone();
                self.table_zone = None;
                self.zone_note_open = false;
            }
            Event::Start(Tag::TableHead) => {
                self.in_table_head = true;
                if *range != OURS && matches!(self.section, Some((Section::Timeline, _))) {
                    let head = &self.markdown[range.clone()];
                    self.table_zone = crate::source::timeline::zone_note(head);
                }
            }
            Event::End(TagEnd::TableHead) => {
                self.in_table_head = false;
                end_block(&mut self.out.text);
            }
            Event::Start(Tag::Paragraph) => {
                self.in_first_paragraph.get_or_insert(true);
                if *range != OURS {
                    let source = &self.markdown[range.clone()];
                    if self.zone_note_open && matches!(self.section, Some((Section::Timeline, _))) {
                        self.zone_note_open = false;
                        if let Some(zone) = crate::source::timeline::zone_note(source) {
                            self.timeline_zone = Some(zone);
                        }
                    }
                    if dialect::is_timeline_label(source) {
                        self.open_labelled_timeline();
                    }
                }
            }
            Event::End(TagEnd::Paragraph) => {
                // A paragraph of images alone is not the first: the next is.
                if first && self.first_has_words {
                    self.in_first_paragraph = Some(false);
                } else if first {
                    self.in_first_paragraph = None;
                    self.out.first_paragraph.clear();
                }
                self.out.text.push('\n');
            }
            Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
            Event::End(TagEnd::Link) => self.links = self.links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                end_block(&mut self.out.text);
            }
            Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::BlockQuote(_)) => {
                end_block(&mut self.out.text)
            }
            Event::End(TagEnd::TableCell) => self.out.text.push_str(CELL_END),
            Event::Text(t) | Event::Code(t) => {
                if first {
                    self.first_has_words |= self.images == 0 && !t.trim().is_empty();
                    self.out.first_paragraph.push_str(t);
                }
                self.out.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => {
                if first {
                    self.out.first_paragraph.push(' ');
                }
                self.out.text.push(' ');
            }
            Event::Html(_) | Event::InlineHtml(_) if *range != OURS => *self.has_raw_html = true,
            _ => {}
        }
    }

    /// A bold "**Timeline:**" line stands for a heading in many real
    /// reports: it opens a timeline until the next heading.
    fn open_labelled_timeline(&mut self) {
        if self.section.is_some_and(|(_, l)| l == PSEUDO_LEVEL) {
            self.section = None;
        }
        if self.section.is_none() {
            self.section = Some((Section::Timeline, PSEUDO_LEVEL));
            self.list_depth = 0;
            self.timeline_zone = None;
            self.zone_note_open = true;
        }
    }
}

impl<'m, 'c, I> Iterator for Body<'m, 'c, I>
where
    I: Iterator<Item = (Event<'m>, std::ops::Range<usize>)>,
{
    type Item = Event<'m>;

    fn next(&mut self) -> Option<Event<'m>> {
        let (event, range) = self.next_raw()?;
        Some(match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let internal = classes
                    .iter()
                    .any(|c| c.as_ref() == crate::source::edition::INTERNAL_CLASS);
                self.heading(level, id, internal)
            }
            Event::Start(Tag::Item) if self.section.is_some() => self.item((event, range)),
            Event::Start(Tag::TableRow)
                if !self.in_table_head && matches!(self.section, Some((Section::Timeline, _))) =>
            {
                self.timeline_row((event, range))
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => self.link(tag, range),
            Event::TaskListMarker(done) => task_marker(done),
            event => {
                self.note(&event, &range);
                self.link_tickets(event)
            }
        })
    }
}

impl<'m, I> Body<'m, '_, I> {
    /// Text of an action-item section with the tickets in it linked to
    /// their pages, when `[tickets]` gives them one; other events as they
    /// are.
    fn link_tickets(&self, event: Event<'m>) -> Event<'m> {
        let Event::Text(text) = &event else {
            return event;
        };
        if self.links > 0
            || self.in_code
            || !matches!(self.section, Some((Section::Actions { .. }, _)))
        {
            return event;
        }
        let found = self.cx.tickets.find(text);
        if found.is_empty() {
            return event;
        }
        let mut html = String::with_capacity(text.len() + found.len() * 80);
        let mut at = 0;
        for (range, url) in found {
            crate::util::html::escape_into(&mut html, &text[at..range.start]);
            html.push_str("<a class=\"ticket\" href=\"");
            crate::util::html::escape_into(&mut html, &url);
            html.push_str("\">");
            crate::util::html::escape_into(&mut html, &text[range.clone()]);
            html.push_str("</a>");
            at = range.end;
        }
        crate::util::html::escape_into(&mut html, &text[at..]);
        Event::InlineHtml(CowStr::from(html))
    }
}

/// A task list item's box. The item's text is not a `<label>` (it may hold
/// links and blocks), so the box is named for what ticking it means; it is
/// disabled, as the page only shows the state.
fn task_marker(done: bool) -> Event<'static> {
    Event::InlineHtml(CowStr::Borrowed(if done {
        r#"<input type="checkbox" disabled checked aria-label="Done">"#
    } else {
        r#"<input type="checkbox" disabled aria-label="Done">"#
    }))
}

/// The text at the start of `events` (an element's content): its first
/// block's text and inline code, whitespace folded.
fn leading_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut text = String::new();
    let mut started = false;
    let mut folded = true;
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => {
                // No tab, line feed or double space: one pass over the
                // bytes rather than three searches.
                folded &= !t.as_bytes().iter().enumerate().any(|(k, &b)| {
                    b == b'\t'
                        || b == b'\n'
                        || (b == b' ' && t.as_bytes().get(k + 1) == Some(&b' '))
                });
                text.push_str(t);
                started = true;
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                folded = false;
            }
            Event::Start(Tag::List(_) | Tag::CodeBlock(_) | Tag::Item)
            | Event::End(TagEnd::Paragraph | TagEnd::TableCell)
                if started =>
            {
                break;
            }
            _ => {}
        }
    }
    if folded && text.trim().len() == text.len() {
        return text;
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The ranges of `events` (a table row) that are its cells, from start to
/// end tag.
fn cells(events: &[(Event<'_>, Range<usize>)]) -> Vec<Range<usize>> {
    let mut cells = Vec::new();
    let mut start = None;
    for (i, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::TableCell) => start = Some(i),
            Event::End(TagEnd::TableCell) => {
                if let Some(s) = start.take() {
                    cells.push(s..i + 1);
                }
            }
            _ => {}
        }
    }
    cells
}

fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    link_type: LinkType,
    cx: &RenderContext<'_>,
    out: &mut Rendered,
    position: impl FnOnce() -> (usize, usize),
) -> CowStr<'a> {
    if !is_safe_url(dest) {
        return CowStr::from("");
    }
    if matches!(link_type, LinkType::Email | LinkType::Autolink) || has_scheme(dest) {
        return dest.clone();
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (&**dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return dest.clone();
    }
    let Some(stem) = path.strip_suffix(".md") else {
        return match (cx.asset)(path) {
            Some(url) => {
                let href = format!("{}{}", cx.root, crate::util::url::encode_path(&url));
                out.assets.push(url);
                CowStr::from(href)
            }
            None => {
                let (line, column) = position();
                out.missing_files.push(BrokenLink {
                    line,
                    column,
                    target: dest.to_string(),
                });
                dest.clone()
            }
        };
    };
    let slug = stem.rsplit(['/', '\\']).next().unwrap_or(stem);
    match (cx.resolve)(slug) {
        Some(url) => {
            out.links_to.push(slug.to_string());
            let mut href = format!("{}{}", cx.root, url);
            if let Some(f) = fragment {
                href.push('#');
                href.push_str(f);
            }
            CowStr::from(href)
        }
        None => {
            let (line, column) = position();
            out.broken_links.push(BrokenLink {
                line,
                column,
                target: dest.to_string(),
            });
            dest.clone()
        }
    }
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && !scheme.contains(['/', '?', '#'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Relative URLs and a short list of schemes are safe; `javascript:`,
/// `data:` and the like are not.
pub fn is_safe_url(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if !has_scheme(&trimmed) {
        return true;
    }
    let scheme = trimmed
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel" | "ftp")
}

/// The anchor a heading text gets: lower-case words joined by dashes.
pub fn anchor_for(text: &str) -> String {
    let slug = crate::util::url::slugify(text);
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

/// `base` (a slug), or `base-1`, `base-2`... if an earlier heading has it.
/// The ids given so far on a page, and for each wanted id the next number
/// to try after it: a timeline of many rows at the same minute numbers
/// them in one pass, not one pass per row.
#[derive(Default)]
struct Ids {
    /// Hashed with Fx rather than SipHash: a report's ids are a few dozen
    /// short strings, and every heading and timeline row asks.
    seen: rustc_hash::FxHashSet<String>,
    next: rustc_hash::FxHashMap<String, usize>,
}

/// `base`, or `base-1`, `base-2`... whichever is not taken yet.
fn unique_id(base: String, ids: &mut Ids) -> String {
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    if ids.seen.insert(base.clone()) {
        return base;
    }
    let n = ids.next.entry(base.clone()).or_insert(1);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if ids.seen.insert(id.clone()) {
            return id;
        }
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class", "aria-label", "aria-hidden"])
            .add_tag_attributes("li", ["data-action-state"])
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"])
            .filter_style_properties(["text-align"].into_iter().collect())
            .link_rel(None);
        b
    })
}

/// Byte offset to 1-based file line and column, for the rare link that
/// has a problem: counted when asked, not indexed for every body.
pub fn position(text: &str, offset: usize, first_line: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (first_line + line, offset - start + 1)
}

#[cfg(test)]
mod tests;
