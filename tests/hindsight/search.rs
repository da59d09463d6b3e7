//! The search index (`search/docs.js`, the shards under `search/i/`, the
//! text chunks under `search/t/`), read back the way `static/search.js`
//! reads it, and the search page.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use hindsight::Options;
use hindsight::render::search::{MAX_WORD, STOP_WORDS, chunk_docs};
use scraper::{ElementRef, Html};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::support::{TestSite, hrefs, page, resolve, script_call, sel, snapshot, texts};

const SEED: &str = "2023-01-17-icreate-deploy";

fn build_example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut options = Options::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    options.output = Some(out.clone());
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    (tmp, out)
}

/// A site of `files` with a three-level severity scale.
fn site_with(files: &[(&str, &str)]) -> TestSite {
    let site = TestSite::empty();
    site.write(
        "hindsight.toml",
        "title = \"Search\"\n\n\
         [[severities]]\nid = \"SEV1\"\nlabel = \"Critical\"\ncolor = \"#b91c1c\"\n\n\
         [[severities]]\nid = \"SEV2\"\nlabel = \"Major\"\ncolor = \"#c2410c\"\n\n\
         [[severities]]\nid = \"SEV3\"\nlabel = \"Minor\"\ncolor = \"#a16207\"\n",
    );
    for (path, text) in files {
        site.write(path, text);
    }
    site.build_ok();
    site
}

// ---- Reading the index ---------------------------------------------

/// The arguments of the index file at `path` ([`script_call`]).
fn call<T: DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    script_call(&text, &path.display().to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Docs {
    version: u32,
    stop_words: Vec<String>,
    max_word: usize,
    chunk_docs: usize,
    shards: Vec<String>,
    severities: Vec<Facet>,
    services: Vec<Facet>,
    tags: Vec<Facet>,
    docs: Vec<Doc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Facet {
    slug: String,
    name: String,
    color: Option<String>,
    label: Option<String>,
}

/// A report's entry: `[slug, title, date, severity, [services], [tags],
/// open action items, id]`.
#[derive(Debug, Deserialize)]
#[serde(from = "DocRow")]
struct Doc {
    slug: String,
    title: String,
    date: String,
    severity: Option<usize>,
    services: Vec<usize>,
    tags: Vec<usize>,
    open: usize,
    id: Option<String>,
}

type DocRow = (
    String,
    String,
    String,
    Option<usize>,
    Vec<usize>,
    Vec<usize>,
    usize,
    Option<String>,
);

impl From<DocRow> for Doc {
    fn from(row: DocRow) -> Doc {
        let (slug, title, date, severity, services, tags, open, id) = row;
        Doc {
            slug,
            title,
            date,
            severity,
            services,
            tags,
            open,
            id,
        }
    }
}

/// A shard's words and postings in the file's order: a map would hide a
/// word written twice.
#[derive(Debug)]
struct Words(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Words, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Words;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of words and postings strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Words, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Words(out))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// Everything under `search/`, parsed.
struct Index {
    docs: Docs,
    /// File name (without `.js`) → the prefix it says it holds, and its words.
    shards: BTreeMap<String, (String, Words)>,
    /// `(summary, body text)` of each report, chunk by chunk.
    chunks: Vec<Vec<(String, String)>>,
}

impl Index {
    fn read(out: &Path) -> Index {
        let dir = out.join("search");
        let mut names = file_names(&dir);
        names.sort();
        // The search page shares the folder with the index.
        assert_eq!(
            names,
            ["docs.js", "i", "index.html", "t"],
            "what {} holds",
            dir.display()
        );

        let (kind, key, docs): (String, Value, Docs) = call(&dir.join("docs.js"));
        assert_eq!((kind.as_str(), &key), ("docs", &Value::Null));

        let mut shards = BTreeMap::new();
        for name in file_names(&dir.join("i")) {
            let stem = name
                .strip_suffix(".js")
                .unwrap_or_else(|| panic!("search/i/{name} is not a script"));
            let (kind, prefix, words): (String, String, Words) = call(&dir.join("i").join(&name));
            assert_eq!(kind, "shard", "search/i/{name}");
            shards.insert(stem.to_string(), (prefix, words));
        }

        let mut by_number = BTreeMap::new();
        for name in file_names(&dir.join("t")) {
            let number: usize = name
                .strip_suffix(".js")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("search/t/{name} is not `<n>.js`"));
            let (kind, key, texts): (String, usize, Vec<(String, String)>) =
                call(&dir.join("t").join(&name));
            assert_eq!(
                (kind.as_str(), key),
                ("text", number),
                "search/t/{name} calls itself another chunk"
            );
            by_number.insert(number, texts);
        }
        let numbers: Vec<usize> = by_number.keys().copied().collect();
        assert_eq!(
            numbers,
            (0..numbers.len()).collect::<Vec<_>>(),
            "chunks are numbered from 0 without gaps"
        );
        Index {
            docs,
            shards,
            chunks: by_number.into_values().collect(),
        }
    }

    /// The words of prefix `prefix`'s shard, by word.
    fn shard(&self, prefix: &str) -> BTreeMap<&str, &str> {
        let (key, words) = self
            .shards
            .get(&hex(prefix))
            .unwrap_or_else(|| panic!("no shard for {prefix:?}"));
        assert_eq!(key, prefix);
        words
            .0
            .iter()
            .map(|(w, p)| (w.as_str(), p.as_str()))
            .collect()
    }

    /// The postings of `word`, `(doc, score)`, or none if it is not indexed.
    fn postings(&self, word: &str) -> Vec<(usize, u32)> {
        let prefix: String = word.chars().take(2).collect();
        if !self.docs.shards.contains(&prefix) {
            return Vec::new();
        }
        self.shard(&prefix)
            .get(word)
            .map(|raw| decode(raw))
            .unwrap_or_default()
    }

    /// Every indexed word.
    fn words(&self) -> BTreeSet<&str> {
        self.shards
            .values()
            .flat_map(|(_, words)| words.0.iter().map(|(w, _)| w.as_str()))
            .collect()
    }

    fn position(&self, slug: &str) -> usize {
        self.docs
            .docs
            .iter()
            .position(|d| d.slug == slug)
            .unwrap_or_else(|| panic!("{slug} is not in docs.js"))
    }

    /// Report `i`'s summary and body text, from its chunk.
    fn text(&self, i: usize) -> &(String, String) {
        let chunk_docs = self.docs.chunk_docs;
        &self.chunks[i / chunk_docs][i % chunk_docs]
    }
}

fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

/// A shard's file name: the hex of its prefix's UTF-8.
fn hex(prefix: &str) -> String {
    prefix.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The digits of a postings string, in the order of their values.
const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A postings string decoded as `search.js` decodes it: numbers of base-32
/// digits, lowest first, a digit's value having 32 added when more digits
/// follow; the numbers are doc deltas and scores in turn. Returns `(doc,
/// score)` pairs, and fails on anything the reader would misread.
fn decode(raw: &str) -> Vec<(usize, u32)> {
    let mut numbers = Vec::new();
    let mut chars = raw.chars();
    while let Some(first) = chars.next() {
        let (mut n, mut shift, mut c) = (0u64, 0u32, first);
        loop {
            let v = DIGITS
                .find(c)
                .unwrap_or_else(|| panic!("{c:?} is not a digit, in {raw:?}"))
                as u64;
            assert!(shift < 35, "a number of more than 7 digits, in {raw:?}");
            n += (v & 31) << shift;
            shift += 5;
            if v & 32 == 0 {
                break;
            }
            c = chars
                .next()
                .unwrap_or_else(|| panic!("the last number goes on past the end, in {raw:?}"));
        }
        numbers.push(u32::try_from(n).unwrap_or_else(|_| panic!("{n} overflows, in {raw:?}")));
    }
    assert!(
        !numbers.is_empty() && numbers.len() % 2 == 0,
        "postings are pairs of numbers: {raw:?}"
    );
    let mut doc = 0usize;
    numbers
        .chunks(2)
        .map(|pair| {
            doc += pair[0] as usize;
            (doc, pair[1])
        })
        .collect()
}

/// The text of `el`, whitespace folded.
fn folded(el: ElementRef<'_>) -> String {
    fold(&el.text().collect::<String>())
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The report pages of a built site, by slug.
fn report_pages(out: &Path) -> BTreeSet<String> {
    file_names(&out.join("postmortems"))
        .into_iter()
        .filter(|name| {
            out.join("postmortems")
                .join(name)
                .join("index.html")
                .is_file()
        })
        .filter(|name| name != "page")
        .collect()
}

/// The last segment of a link to a term page (`../../services/cdn/`).
fn slug_of(href: &str) -> String {
    href.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

// ---- Shards and docs -------------------------------------------------

#[test]
fn every_shard_and_report_of_the_index_is_where_docs_js_says() {
    let (_tmp, out) = build_example();
    let index = Index::read(&out);
    let docs = &index.docs;
    let n = docs.docs.len();
    assert!(n >= 15, "{n} reports");
    assert_eq!(docs.version, 1);

    // One file per listed prefix, named by its hex, and no other.
    let mut sorted = docs.shards.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(docs.shards, sorted, "shards are listed once, in order");
    let listed: BTreeSet<String> = docs.shards.iter().map(|p| hex(p)).collect();
    let files: BTreeSet<String> = index.shards.keys().cloned().collect();
    assert_eq!(files, listed);
    assert!(files.len() > 100, "{} shards", files.len());

    for (file, (prefix, words)) in &index.shards {
        assert_eq!(&hex(prefix), file, "search/i/{file}.js holds {prefix:?}");
        assert_eq!(prefix.chars().count(), 2, "prefix {prefix:?}");
        assert!(!words.0.is_empty(), "search/i/{file}.js is empty");
        for pair in words.0.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "search/i/{file}.js: {:?} before {:?}",
                pair[0].0,
                pair[1].0
            );
        }
        for (word, raw) in &words.0 {
            let start: String = word.chars().take(2).collect();
            assert_eq!(&start, prefix, "{word:?} in the shard of {prefix:?}");
            let postings = decode(raw);
            assert!(
                postings.windows(2).all(|p| p[0].0 < p[1].0),
                "{word:?}: doc positions not strictly increasing: {postings:?}"
            );
            assert!(
                postings.iter().all(|&(doc, score)| doc < n && score >= 1),
                "{word:?}: {postings:?} (of {n} reports)"
            );
        }
    }

    // Every entry is a report page with that title, and every report page
    // an entry, newest first.
    let slugs: BTreeSet<String> = docs.docs.iter().map(|d| d.slug.clone()).collect();
    assert_eq!(slugs.len(), n, "slugs are unique");
    assert_eq!(slugs, report_pages(&out));
    assert!(
        docs.docs.windows(2).all(|d| d[0].date >= d[1].date),
        "docs are newest first"
    );
    for doc in &docs.docs {
        let html = page(&out, &format!("postmortems/{}/index.html", doc.slug));
        assert_eq!(texts(&html, "h1"), [doc.title.as_str()], "{}", doc.slug);
        let title = texts(&html, "title").concat();
        assert!(
            title.starts_with(&format!("{} · ", doc.title)),
            "{}: {title:?}",
            doc.slug
        );
        let shown: Vec<String> = texts(&html, ".report-id");
        assert_eq!(shown, doc.id.iter().cloned().collect::<Vec<_>>());
        let time = html
            .select(&sel(".facts time"))
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .unwrap_or_else(|| panic!("{}: no impact time", doc.slug));
        assert!(
            time.starts_with(&doc.date),
            "{}: {time} / {}",
            doc.slug,
            doc.date
        );
    }
}

// ---- Scores ----------------------------------------------------------

#[test]
fn the_seed_report_is_found_by_rollback() {
    let (_tmp, out) = build_example();
    let index = Index::read(&out);
    let seed = index.position(SEED);
    assert_eq!(
        index.docs.docs[seed].title,
        "Code deployment error takes iCreate down"
    );
    let docs: Vec<usize> = index.postings("rollback").iter().map(|p| p.0).collect();
    assert!(docs.contains(&seed), "rollback: {docs:?}, seed {seed}");
    for word in ["deployment", "icreate", "inc", "2023", "001"] {
        assert!(
            index.postings(word).iter().any(|p| p.0 == seed),
            "{word:?} does not find the seed report"
        );
    }
}

#[test]
fn a_word_in_a_title_outscores_the_same_word_deep_in_another_body() {
    let filler: String = (0..30)
        .map(|k| format!("Paragraph {k} of the investigation notes about disks.\n\n"))
        .collect();
    let site = site_with(&[
        (
            "content/titled.md",
            "---\ntitle: \"Quokka cache meltdown\"\ndate: 2024-03-01T10:00:00Z\nseverity: SEV2\n\
             services: [cache]\n---\nThe cache fell over.\n",
        ),
        (
            "content/deep.md",
            &format!(
                "---\ntitle: \"Disk full\"\ndate: 2024-02-01T10:00:00Z\nseverity: SEV2\n\
                 services: [storage]\n---\n{filler}In the end a quokka was blamed.\n"
            ),
        ),
        (
            "content/other.md",
            "---\ntitle: \"Unrelated outage\"\ndate: 2024-01-01T10:00:00Z\nseverity: SEV3\n\
             services: [api]\n---\nNothing in common.\n",
        ),
    ]);
    let index = Index::read(&site.out());
    let titled = index.position("titled");
    let deep = index.position("deep");
    let postings = index.postings("quokka");
    let docs: Vec<usize> = postings.iter().map(|p| p.0).collect();
    let mut expected = vec![titled, deep];
    expected.sort();
    assert_eq!(docs, expected, "quokka: {postings:?}");
    let score = |doc| postings.iter().find(|p| p.0 == doc).unwrap().1;
    assert!(
        score(titled) > score(deep),
        "title {} vs body {}",
        score(titled),
        score(deep)
    );
    // The filler's words are the deep report's alone.
    assert!(index.postings("investigation").iter().all(|p| p.0 == deep));
}

// ---- Words -------------------------------------------------------------

#[test]
fn stop_words_and_single_characters_are_left_out_words_lowercased_and_cut() {
    let long = "Supercalifragilisticexpialidocious";
    assert!(long.chars().count() > MAX_WORD);
    let blob = "QmFzZTY0IGJsb2Igb2YgYSBsb2cgZXhjZXJwdCB0aGF0IG5ldmVyIGVuZHM";
    let body = format!(
        "{}\n\nKuberNetes nodes hit ÜBERLAST; x y z 7 Q.\n\n{long} appears in the log, \
         next to `{blob}`.\n",
        STOP_WORDS.join(" ").to_uppercase()
    );
    let site = site_with(&[(
        "content/words.md",
        &format!(
            "---\ntitle: \"The Outage Of It All\"\ndate: 2024-03-01T10:00:00Z\n\
             severity: SEV2\nservices: [api]\nsummary: \"A summary, to the point.\"\n---\n{body}"
        ),
    )]);
    let index = Index::read(&site.out());
    assert_eq!(
        index.docs.stop_words, STOP_WORDS,
        "queries drop the same words"
    );
    assert_eq!(index.docs.max_word, MAX_WORD);

    let words = index.words();
    for stop in STOP_WORDS {
        assert!(!words.contains(stop), "stop word {stop:?} is indexed");
    }
    for word in &words {
        assert!(word.chars().count() >= 2, "{word:?} is indexed");
        assert!(word.chars().count() <= MAX_WORD, "{word:?} is indexed");
        assert_eq!(*word, word.to_lowercase(), "{word:?} is not lower-cased");
    }
    for word in [
        "kubernetes",
        "überlast",
        "nodes",
        "outage",
        "all",
        "summary",
        "point",
    ] {
        assert!(words.contains(word), "{word:?} is not indexed: {words:?}");
    }
    let cut = |w: &str| w.to_lowercase().chars().take(MAX_WORD).collect::<String>();
    assert!(words.contains(cut(long).as_str()), "{words:?}");
    assert!(words.contains(cut(blob).as_str()), "{words:?}");
    assert!(!words.contains(long.to_lowercase().as_str()));
    // A word of non-ASCII letters has the shard of its UTF-8's hex.
    assert!(index.shards.contains_key("c3bc62"), "no shard for \"üb\"");
}

#[test]
fn a_greek_word_is_indexed_with_sigma_wherever_its_sigma_stands() {
    // Lowered a character at a time, "ΣΤΑΣΗΣ" ends in σ; lowered as a
    // word, as browsers lower queries, it ends in ς. The index folds ς to
    // σ (and `search.js` does the same with queries), so that the word is
    // found however it was written.
    let site = site_with(&[(
        "content/greek.md",
        "---\ntitle: \"Ο ΔΙΑΚΟΜΙΣΤΗΣ έπεσε\"\ndate: 2024-03-01T10:00:00Z\n\
         severity: SEV2\nservices: [api]\nsummary: \"Ο κόμβος σταμάτησε.\"\n---\n\
         Η ΣΤΑΣΗΣ του κόμβου και ο κόμβος Σίσυφος.\n",
    )]);
    let index = Index::read(&site.out());
    let words = index.words();
    for word in ["διακομιστησ", "κόμβοσ", "στασησ", "σίσυφοσ", "κόμβου"]
    {
        assert!(words.contains(word), "{word:?} is not indexed: {words:?}");
    }
    assert!(
        words.iter().all(|w| !w.contains('ς')),
        "a final sigma is indexed: {words:?}"
    );
    let greek = index.position("greek");
    assert!(
        index
            .postings("διακομιστησ")
            .iter()
            .any(|&(d, _)| d == greek)
    );
}

// ---- Text chunks -------------------------------------------------------

// ---- Text chunks -------------------------------------------------------

#[test]
fn text_chunks_hold_each_reports_summary_and_plain_body_text() {
    let (_tmp, out) = build_example();
    let index = Index::read(&out);
    let n = index.docs.docs.len();
    let chunk_docs = index.docs.chunk_docs;
    assert_eq!(chunk_docs, hindsight::render::search::chunk_docs(n));
    assert_eq!(index.chunks.len(), n.div_ceil(chunk_docs));
    for (c, chunk) in index.chunks.iter().enumerate() {
        assert_eq!(chunk.len(), chunk_docs.min(n - c * chunk_docs), "chunk {c}");
    }
    for (i, doc) in index.docs.docs.iter().enumerate() {
        let (summary, body) = index.text(i);
        let html = page(&out, &format!("postmortems/{}/index.html", doc.slug));
        assert_eq!(
            texts(&html, ".report-header .lead"),
            [summary.as_str()],
            "{}: summary",
            doc.slug
        );
        // No markup: none of the elements the page's body is made of.
        let prose = html
            .select(&sel(".prose"))
            .next()
            .unwrap_or_else(|| panic!("{}: no body", doc.slug));
        let elements: BTreeSet<&str> = prose
            .descendants()
            .filter_map(ElementRef::wrap)
            .map(|e| e.value().name())
            .collect();
        assert!(elements.len() >= 3, "{}: {elements:?}", doc.slug);
        for name in elements {
            for tag in [format!("<{name}"), format!("</{name}")] {
                assert!(!body.contains(&tag), "{}: {tag} in the body text", doc.slug);
            }
        }
        assert!(
            !body.contains("class=\""),
            "{}: attributes in the body text",
            doc.slug
        );
        // Every paragraph of the page's body reads the same in the text.
        let body = fold(body);
        let paragraphs: Vec<String> = html.select(&sel(".prose p")).map(folded).collect();
        assert!(paragraphs.len() >= 2, "{}: {paragraphs:?}", doc.slug);
        for p in paragraphs {
            assert!(
                body.contains(&p),
                "{}: {p:?} is not in the body text",
                doc.slug
            );
        }
    }
    let (_, seed) = index.text(index.position(SEED));
    assert!(seed.contains("The team decided to perform a code rollback"));
}

#[test]
fn markup_in_reports_cannot_end_a_search_script() {
    let title = "</script><script>alert(1)</script> & <!-- friends";
    let summary = "Closes with </script> and opens <!-- a comment \u{2028}here";
    let site = site_with(&[(
        "content/hostile.md",
        // YAML's escape for the line separator is `\u2028`.
        &format!(
            "---\ntitle: \"{title}\"\ndate: 2024-03-01T10:00:00Z\nseverity: SEV1\n\
             services: [web]\ntags: [\"</script>\"]\nsummary: \"{}\"\n---\n\
             Code like `</script><script>alert(2)</script>` is text, and so is &lt;b&gt;.\n\n\
             <script>alert(\"raw\")</script>\n\n\
             <div onclick=\"steal()\">raw block</div>\n\n\
             Words after the markup.\n",
            summary.replace('\u{2028}', "\\u2028")
        ),
    )]);
    let out = site.out();
    let search = out.join("search");
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&search) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "js") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let rel = entry.path().strip_prefix(&out).unwrap().display();
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(bad), "{rel} holds a raw {bad:?}: {text}");
        }
    }
    assert!(files >= 3, "{files} search files");

    // Escaped, not dropped: the reader gets the text back as written.
    let index = Index::read(&out);
    assert_eq!(index.docs.docs[0].title, title);
    assert_eq!(index.docs.tags[0].name, "</script>");
    let (got_summary, body) = index.text(0);
    assert_eq!(got_summary, summary);
    assert!(
        body.contains("</script><script>alert(2)</script>"),
        "{body}"
    );
    assert!(body.contains("<b>"), "{body}");
    assert!(body.contains("Words after the markup."), "{body}");
    // Raw HTML is not text.
    for raw in ["raw", "onclick", "steal", "<div"] {
        assert!(!body.contains(raw), "{raw:?} in {body:?}");
    }
    let words = index.words();
    assert!(words.contains("alert") && words.contains("markup"));
    assert!(!words.contains("steal") && !words.contains("raw"));
}

// ---- Filters -----------------------------------------------------------

/// What a report page says of its filters: severity, service and tag slugs,
/// and open action items (items marked open in the body and in the list of
/// front-matter items).
struct Shown {
    severity: Vec<String>,
    services: BTreeSet<String>,
    tags: BTreeSet<String>,
    open: usize,
    /// The count in the facts, `N open of M`.
    open_fact: Option<String>,
}

fn shown(html: &Html) -> Shown {
    let facts = |label: &str| -> BTreeSet<String> {
        html.select(&sel(".facts dl > div"))
            .filter(|d| d.select(&sel("dt")).map(folded).any(|t| t == label))
            .flat_map(|d| {
                d.select(&sel("dd a"))
                    .filter_map(|a| a.value().attr("href").map(slug_of))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let open_fact = html
        .select(&sel(".facts dl > div"))
        .find(|d| {
            d.select(&sel("dt"))
                .map(folded)
                .any(|t| t == "Action items")
        })
        .and_then(|d| d.select(&sel("dd")).next().map(folded));
    Shown {
        severity: hrefs(html, ".report-badges a.sev")
            .iter()
            .map(|h| slug_of(h))
            .collect(),
        services: facts("Services"),
        tags: facts("Tags"),
        open: html
            .select(&sel(
                ".prose li[data-action-state=open], .report-actions li[data-action-state=open]",
            ))
            .count(),
        open_fact,
    }
}

fn names(facets: &[Facet], at: &[usize]) -> BTreeSet<String> {
    at.iter().map(|&k| facets[k].slug.clone()).collect()
}

#[test]
fn filters_agree_with_the_front_matter() {
    let site = site_with(&[
        (
            "content/2024/a.md",
            "---\ntitle: \"Card payments fail\"\ndate: 2024-02-03T10:00:00Z\nseverity: SEV2\n\
             services: [Payments API, icreate]\ntags: [Root Cause, db]\nid: PAY-7\n\
             action_items:\n  - text: Rotate keys\n  - text: Old one\n    status: done\n---\n\
             What happened.\n\n## Action Items\n\n- [ ] Add an alert @ana\n- [x] Fix the pool\n\
             - Document the failover\n",
        ),
        (
            "content/2023/b.md",
            "---\ntitle: \"Sign-in down\"\ndate: 2023-05-06T10:00:00Z\nseverity: SEV1\n\
             services: [icreate]\n---\nNobody could sign in.\n",
        ),
    ]);
    let out = site.out();
    let index = Index::read(&out);
    let docs = &index.docs;

    let severities: Vec<(&str, &str, Option<&str>, Option<&str>)> = docs
        .severities
        .iter()
        .map(|s| {
            (
                s.slug.as_str(),
                s.name.as_str(),
                s.color.as_deref(),
                s.label.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        severities,
        [
            ("sev1", "SEV1", Some("#b91c1c"), Some("Critical")),
            ("sev2", "SEV2", Some("#c2410c"), Some("Major")),
            ("sev3", "SEV3", Some("#a16207"), Some("Minor")),
        ]
    );
    let slugs = |facets: &[Facet]| -> Vec<(String, String)> {
        facets
            .iter()
            .map(|f| (f.slug.clone(), f.name.clone()))
            .collect()
    };
    assert_eq!(
        slugs(&docs.services),
        [
            ("icreate".to_string(), "icreate".to_string()),
            ("payments-api".into(), "Payments API".into())
        ]
    );
    assert_eq!(
        slugs(&docs.tags),
        [
            ("db".to_string(), "db".to_string()),
            ("root-cause".into(), "Root Cause".into())
        ]
    );

    let a = &docs.docs[index.position("a")];
    assert_eq!(
        a.severity.map(|k| docs.severities[k].name.as_str()),
        Some("SEV2")
    );
    assert_eq!(
        names(&docs.services, &a.services),
        BTreeSet::from(["icreate".into(), "payments-api".into()])
    );
    assert_eq!(
        names(&docs.tags, &a.tags),
        BTreeSet::from(["db".into(), "root-cause".into()])
    );
    assert_eq!(a.id.as_deref(), Some("PAY-7"));
    assert_eq!(a.date, "2024-02-03");
    // Open: "Rotate keys", "Add an alert" and the plain "Document the failover".
    assert_eq!(a.open, 3);

    let b = &docs.docs[index.position("b")];
    assert_eq!(
        b.severity.map(|k| docs.severities[k].name.as_str()),
        Some("SEV1")
    );
    assert_eq!(
        names(&docs.services, &b.services),
        BTreeSet::from(["icreate".into()])
    );
    assert!(b.tags.is_empty());
    assert_eq!((b.open, b.id.as_deref()), (0, None));

    // The report pages say the same.
    for (doc, slug) in [(a, "a"), (b, "b")] {
        let page = shown(&site.page(&format!("postmortems/{slug}/index.html")));
        assert_eq!(page.open, doc.open, "{slug}");
        assert_eq!(page.tags, names(&docs.tags, &doc.tags), "{slug}");
    }
    assert_eq!(
        shown(&site.page("postmortems/a/index.html"))
            .open_fact
            .as_deref(),
        Some("3 open of 5")
    );
}

#[test]
fn filters_of_the_example_agree_with_its_report_pages() {
    let (_tmp, out) = build_example();
    let index = Index::read(&out);
    let docs = &index.docs;
    let mut with_open = 0;
    for doc in &docs.docs {
        let page = shown(&page(&out, &format!("postmortems/{}/index.html", doc.slug)));
        let severity: Vec<String> = doc
            .severity
            .map(|k| docs.severities[k].slug.clone())
            .into_iter()
            .collect();
        assert_eq!(severity, page.severity, "{}: severity", doc.slug);
        assert_eq!(
            names(&docs.services, &doc.services),
            page.services,
            "{}: services",
            doc.slug
        );
        assert_eq!(
            names(&docs.tags, &doc.tags),
            page.tags,
            "{}: tags",
            doc.slug
        );
        assert_eq!(doc.open, page.open, "{}: open action items", doc.slug);
        if let Some(fact) = &page.open_fact {
            assert!(
                fact.starts_with(&format!("{} open of ", doc.open)),
                "{}: {fact:?}, {} open in docs.js",
                doc.slug,
                doc.open
            );
        }
        with_open += usize::from(doc.open > 0);
    }
    assert!(with_open >= 3, "{with_open} reports with open action items");
    // Every value a filter offers has its term page.
    for (kind, facets) in [
        ("severities", &docs.severities),
        ("services", &docs.services),
        ("tags", &docs.tags),
    ] {
        assert!(!facets.is_empty(), "no {kind}");
        for facet in facets {
            assert!(
                out.join(kind)
                    .join(&facet.slug)
                    .join("index.html")
                    .is_file(),
                "{kind}/{}",
                facet.slug
            );
        }
    }
    let seed = &docs.docs[index.position(SEED)];
    assert_eq!(seed.open, 3);
    assert_eq!(
        names(&docs.tags, &seed.tags),
        BTreeSet::from(["automation".into(), "deployment".into(), "rollback".into()])
    );
}

// ---- Determinism ---------------------------------------------------------

#[test]
fn two_builds_write_byte_identical_search_files() {
    let (_first, out) = build_example();
    let (_second, other) = build_example();
    let files = snapshot(&out.join("search"));
    assert!(files.len() > 100, "{} search files", files.len());
    assert!(
        snapshot(&other.join("search")) == files,
        "two builds wrote different search files"
    );
    let mut options = Options::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    options.output = Some(out.clone());
    hindsight::build(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        snapshot(&out.join("search")) == files,
        "a rebuild wrote different search files"
    );
}

#[test]
fn a_rebuild_without_a_report_leaves_no_stale_shard_or_chunk() {
    let files: Vec<(String, String)> = (1..=9)
        .map(|k| {
            (
                format!("content/r{k}.md"),
                format!(
                    "---\ntitle: \"Outage {k}\"\ndate: 2024-01-{k:02}T10:00:00Z\n\
                     severity: SEV2\nservices: [api]\n---\nThe queue backed up.\n"
                ),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    files.push((
        "content/z.md",
        "---\ntitle: \"Zygote xylophone\"\ndate: 2024-02-01T10:00:00Z\n\
         severity: SEV2\nservices: [api]\n---\nA zymurgy quirk.\n",
    ));
    let site = site_with(&files);
    let before = Index::read(&site.out());
    assert_eq!(before.docs.docs.len(), 10);
    assert_eq!(before.chunks.len(), 10usize.div_ceil(chunk_docs(10)));
    assert!(!before.postings("zymurgy").is_empty());

    std::fs::remove_file(site.root().join("content/z.md")).unwrap();
    std::fs::remove_file(site.root().join("content/r1.md")).unwrap();
    site.build_ok();
    // `Index::read` checks that the shard files are those docs.js lists.
    let after = Index::read(&site.out());
    assert_eq!(after.docs.docs.len(), 8);
    assert_eq!(
        after.chunks.len(),
        8usize.div_ceil(chunk_docs(8)),
        "a chunk of the removed reports is left over"
    );
    for prefix in ["zy", "xy"] {
        assert!(!after.docs.shards.contains(&prefix.to_string()), "{prefix}");
    }
    assert!(after.postings("zymurgy").is_empty());
}

// ---- The search page -----------------------------------------------------

/// The term pages that `kind`'s index page lists, as files, each with
/// whether it has reports.
fn term_pages(out: &Path, kind: &str) -> BTreeMap<PathBuf, bool> {
    let at = out.join(kind).join("index.html");
    let html = page(out, &format!("{kind}/index.html"));
    let mut pages = BTreeMap::new();
    for row in html.select(&sel("table.terms tbody tr")) {
        let href = row
            .select(&sel("th a[href]"))
            .next()
            .and_then(|a| a.value().attr("href"))
            .unwrap_or_else(|| panic!("{kind}: a row without a link"));
        let count: usize = row
            .select(&sel("td"))
            .next()
            .map(folded)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("{kind}: a row without a count"));
        pages.insert(resolve(out, &at, href).0, count > 0);
    }
    assert!(!pages.is_empty(), "{kind}: no terms");
    pages
}

#[test]
fn the_search_page_has_a_labelled_form_and_without_scripts_links_every_index() {
    let site = TestSite::fixture("basic");
    // A severity without reports: listed with the others, but not linked.
    site.edit("hindsight.toml", |toml| {
        format!("{toml}\n[[severities]]\nid = \"SEV4\"\nlabel = \"Low\"\ncolor = \"#4d7c0f\"\n")
    });
    site.build_ok();
    let out = site.out();
    let at = out.join("search/index.html");
    let html = site.page("search/index.html");

    let forms: Vec<ElementRef> = html
        .select(&sel("form"))
        .filter(|f| f.select(&sel("input[name=q]")).next().is_some())
        .collect();
    assert_eq!(forms.len(), 1, "one search form");
    let form = forms[0];
    assert_eq!(form.value().attr("method"), Some("get"));
    let action = form.value().attr("action").unwrap_or_default();
    assert_eq!(
        resolve(&out, &at, action).0,
        at,
        "the form submits to itself"
    );
    let input = form.select(&sel("input[name=q]")).next().unwrap();
    let id = input.value().attr("id").expect("the input has an id");
    let labels: Vec<String> = html
        .select(&sel("label[for]"))
        .filter(|l| l.value().attr("for") == Some(id))
        .map(folded)
        .collect();
    assert_eq!(labels.len(), 1, "labels of #{id}: {labels:?}");
    assert!(!labels[0].is_empty());
    let script: Vec<&str> = html
        .select(&sel("script[src]"))
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert!(
        script
            .iter()
            .any(|s| resolve(&out, &at, s).0 == out.join("static/search.js")),
        "{script:?}"
    );
    assert!(out.join("static/search.js").is_file());

    // Links to every term page with reports, in no hidden part of the page.
    let hidden = |el: ElementRef| {
        el.ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().attr("hidden").is_some())
    };
    let mut linked = BTreeSet::new();
    for a in html.select(&sel("main a[href]")) {
        let (file, _) = resolve(&out, &at, a.value().attr("href").unwrap());
        let rel = file.strip_prefix(&out).unwrap();
        let parts: Vec<_> = rel.iter().collect();
        if parts.len() == 3
            && ["services", "severities", "tags"]
                .iter()
                .any(|k| parts[0] == *k)
        {
            assert!(!hidden(a), "{} is hidden without scripts", rel.display());
            assert!(file.is_file(), "{} does not exist", rel.display());
            linked.insert(file);
        }
    }
    let mut expected = BTreeSet::new();
    let mut empty = BTreeSet::new();
    for kind in ["services", "severities", "tags"] {
        for (file, has_reports) in term_pages(&out, kind) {
            if has_reports {
                expected.insert(file);
            } else {
                empty.insert(file);
            }
        }
    }
    assert_eq!(linked, expected);
    assert_eq!(
        empty,
        BTreeSet::from([out.join("severities/sev4/index.html")])
    );
    for name in [
        "services/icreate/index.html",
        "services/cdn/index.html",
        "severities/sev1/index.html",
        "tags/rollback/index.html",
    ] {
        assert!(linked.contains(&out.join(name)), "no link to {name}");
    }
}

#[test]
fn builds_at_the_same_time_make_the_same_index() {
    // Builds in one process share its thread pool, and a thread holds the
    // postings it staged for one index while it works for another.
    let (_tmp, out) = build_example();
    let expected = snapshot(&out.join("search"));
    assert!(expected.len() > 100, "{} index files", expected.len());
    let builds: Vec<(tempfile::TempDir, PathBuf)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6).map(|_| s.spawn(build_example)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (_tmp, out) in &builds {
        assert!(
            snapshot(&out.join("search")) == expected,
            "{}",
            out.display()
        );
    }
}
