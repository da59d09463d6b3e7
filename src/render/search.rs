//! The search index, written with the site and read by `static/search.js`.
//!
//! Search has to work on any static host, under any sub-path, and from
//! disk, where a page cannot `fetch` files. So the index is a set of small
//! scripts that call one global function, `hindsightSearch(kind, key,
//! data)`, when the page adds them:
//!
//! - `search/docs.js`: what a result shows and what filters use, for every
//!   report (slug, title, date, severity, services, tags, open action
//!   items), and the word prefixes that have a shard;
//! - `search/i/<hex>.js`: one shard per two-letter word prefix (the hex of
//!   its UTF-8), mapping each indexed word with that prefix to its
//!   postings, `[doc, score, doc, score, ...]`, doc positions delta-coded;
//! - `search/t/<n>.js`: the summaries and body text of reports
//!   `n * chunk_docs ..` ([`chunk_docs`]), loaded only for results on
//!   screen, to quote them.
//!
//! A query loads `docs.js` and the shards of its words' prefixes, nothing
//! more: on a large archive, a small part of the index.
//!
//! Scores are computed here, once: BM25 over the body's words, plus fixed
//! boosts where the word is in the title, the summary, the services, tags,
//! severity or id, or the authors, so title and summary matches rank first.
//!
//! Bodies are indexed as their pages render ([`Builder::add`], from many
//! threads), so no body is rendered twice or kept whole after its page:
//! words go straight into the postings, and text into its chunk, which is
//! written as soon as all of its reports are in.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::archive::Archive;
use crate::output::Output;
use crate::render::view::SeverityView;

/// Words too common to tell reports apart: not indexed, and dropped from
/// queries (the list goes to the script with the index).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "if", "in", "into", "is", "it", "its", "not", "of", "on", "or", "our", "so", "than",
    "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "we", "were",
    "which", "while", "will", "with",
];

/// The longest of the [`STOP_WORDS`], in bytes.
const STOP_WORD_MAX: usize = 5;

/// Slots of the stop words' table: a power of two, under half full.
const STOP_SLOTS: usize = 128;

/// Whether `word` is one of the [`STOP_WORDS`]. This runs for every word
/// of every report, so words are compared as numbers, their bytes packed
/// into one, and looked up in a small open-addressed table: most words
/// are longer than any stop word, or find an empty slot at once.
#[cfg(test)]
fn is_stop_word(word: &str) -> bool {
    is_stop_key(word.len(), Key::of(word))
}

/// [`is_stop_word`] for a word of `len` bytes whose [`Key`] is `key`: the
/// tokenizer works the key out once, for this and for the vocabulary.
fn is_stop_key(len: usize, key: Key) -> bool {
    static TABLE: std::sync::OnceLock<[u64; STOP_SLOTS]> = std::sync::OnceLock::new();
    if len > STOP_WORD_MAX || len == 0 {
        return false;
    }
    let Key::Small(packed) = key else {
        return false;
    };
    let table = TABLE.get_or_init(|| {
        let mut table = [0u64; STOP_SLOTS];
        for word in STOP_WORDS {
            let packed = pack(word).unwrap_or_default();
            let mut slot = stop_slot(packed);
            while table[slot] != 0 {
                slot = (slot + 1) % STOP_SLOTS;
            }
            table[slot] = packed;
        }
        table
    });
    let mut slot = stop_slot(packed);
    loop {
        match table[slot] {
            0 => return false,
            p if p == packed => return true,
            _ => slot = (slot + 1) % STOP_SLOTS,
        }
    }
}

/// Where a packed word's search starts in the stop words' table.
fn stop_slot(packed: u64) -> usize {
    (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57) as usize % STOP_SLOTS
}

/// The bytes of `word` as one number, if it has at most eight: the bytes
/// from the highest down, padded with zeros. Every word of every report is
/// packed, so the bytes are read as two overlapping halves rather than
/// copied into a buffer (a call to `memcpy` for each word).
fn pack(word: &str) -> Option<u64> {
    let b = word.as_bytes();
    let n = b.len();
    match n {
        0 => Some(0),
        // First, middle and last byte: with one to three bytes, that is
        // each of them, some twice.
        1..=3 => Some(
            (u64::from(b[0]) << 56)
                | (u64::from(b[n / 2]) << (56 - 8 * (n / 2)))
                | (u64::from(b[n - 1]) << (56 - 8 * (n - 1))),
        ),
        // The first four bytes and the last four, which overlap for fewer
        // than eight: the overlap holds the same bytes in both.
        4..=8 => {
            let first = u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            let last = u64::from(u32::from_be_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]));
            Some((first << 32) | (last << (8 * (8 - n))))
        }
        _ => None,
    }
}

/// Longer words are cut to this many characters, in the index and in
/// queries alike: no real word is longer, and a base64 blob in a log
/// excerpt should not bloat a shard.
pub const MAX_WORD: usize = 32;

/// How many bytes of a report's body text its chunk keeps for quoting.
/// Words past it are still indexed; their results quote the summary.
const QUOTED_BYTES: usize = 16_000;

/// Archives of up to this many reports keep their reports' text in chunks
/// of the index, for quoting results. A larger archive does not: the text
/// would be a tenth of its site again (38 MB at 10,000 reports), and sites
/// that large are served from a host, where the script quotes a result from
/// its report's page instead.
pub const TEXT_CHUNKS_UP_TO: usize = 2_000;

/// Reports per text chunk: one each in archives of up to 500 reports, so
/// that quoting the results on screen loads only their text, then one more
/// per 250 reports, so that an archive has at most an eighth as many chunk
/// files as reports; 0, no chunks, past [`TEXT_CHUNKS_UP_TO`] reports.
pub fn chunk_docs(reports: usize) -> usize {
    if reports > TEXT_CHUNKS_UP_TO {
        0
    } else {
        (reports / 250).clamp(1, 8)
    }
}

/// Characters of a word that choose its shard.
const SHARD_PREFIX: usize = 2;

/// Postings are gathered in this many maps, each behind its own lock, a
/// shard always in the same one.
const PARTITIONS: usize = 64;

/// BM25's term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Where a word occurs besides the body, as bits, and what each adds to
/// the body's BM25 part (which stays below `K1 + 1`).
const IN_TITLE: u8 = 1;
const IN_SUMMARY: u8 = 2;
const IN_TERMS: u8 = 4;
const IN_AUTHORS: u8 = 8;
const BOOSTS: [(u8, f64); 4] = [
    (IN_TITLE, 3.0),
    (IN_SUMMARY, 1.5),
    (IN_TERMS, 2.0),
    (IN_AUTHORS, 1.0),
];

/// `text` lower-cased, as words are indexed (and queries read). ASCII
/// text, nearly every report, is lowered in one pass; otherwise runs of
/// ASCII are lowered a run at a time. A final sigma (ς) becomes σ: a
/// browser lowers `Σ` at the end of a word to ς and elsewhere to σ, a
/// character at a time it is always σ, so both sides fold it to σ
/// (`static/search.js` does the same with queries).
fn lower(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(text);
    }
    if ascii_lowering_is_enough(text) {
        return Cow::Owned(text.to_ascii_lowercase());
    }
    Cow::Owned(lower_each_character(text))
}

/// `text` lower-cased character by character: runs of ASCII a run at a
/// time, each other character on its own.
fn lower_each_character(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            out.extend(c.to_lowercase().map(fold_final_sigma));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// ς as σ, any other character as it is: see [`lower`].
fn fold_final_sigma(c: char) -> char {
    if c == 'ς' { 'σ' } else { c }
}

/// Whether lowering the ASCII letters of `text` lowers all of it: no
/// character beyond ASCII has a case, and none is a final sigma. Those
/// characters are most often dashes and quotes, each its own lower case.
fn ascii_lowering_is_enough(text: &str) -> bool {
    let mut at = 0;
    while let Some(found) = next_non_ascii(text.as_bytes(), at) {
        let Some(c) = text[found..].chars().next() else {
            break;
        };
        let mut lowered = c.to_lowercase();
        if lowered.next() != Some(fold_final_sigma(c)) || lowered.next().is_some() {
            return false;
        }
        at = found + c.len_utf8();
    }
    true
}

/// Where the first byte beyond ASCII at or after `from` is: eight bytes
/// at a time, as one number with no high bit set, then byte by byte.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(block) = bytes.get(at..at + 8) {
        if eight(block) & HIGH != 0 {
            break;
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter().position(|b| !b.is_ascii()).map(|k| at + k)
}

/// What a byte is to the tokenizer: part of a word (an ASCII letter or
/// digit), the start or middle of a character beyond ASCII (which may be
/// a letter), or neither.
const NOT_WORD: u8 = 0;
const ASCII_WORD: u8 = 1;
const BEYOND_ASCII: u8 = 2;
static BYTE_KIND: [u8; 256] = {
    let mut table = [NOT_WORD; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            BEYOND_ASCII
        } else if byte.is_ascii_alphanumeric() {
            ASCII_WORD
        } else {
            NOT_WORD
        };
        b += 1;
    }
    table
};

/// Bytes of text classified at once by [`word_bits`].
const BLOCK: usize = 64;

/// For the [`BLOCK`] bytes of `block`: a bit for each ASCII letter or
/// digit, the lowest for the first byte, and whether any byte is beyond
/// ASCII (then the bits mean nothing). Eight bytes at a time
/// ([`word_bytes`]), each eight high bits gathered into a byte by a
/// multiplication that moves every one to its place.
fn word_bits(block: &[u8]) -> (u64, bool) {
    let mut bits = 0u64;
    let mut beyond = 0u64;
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let x = eight(chunk);
        let high = word_bytes(x);
        bits |= ((high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
        beyond |= x & HIGH;
    }
    (bits, beyond != 0)
}

/// Pushes the indexed words of `text` (already lower-cased) onto `out`:
/// runs of letters and digits of at least two characters, cut to
/// [`MAX_WORD`], stop words left out. `static/search.js` splits queries
/// the same way. Every word of every report passes through here: text
/// that is ASCII is classified [`BLOCK`] bytes at a time, and its words
/// found in the bits; the rest, and a word that goes past a block, a
/// byte at a time by a table.
fn words<'t>(text: &'t str, mut out: impl FnMut(&'t str, Key)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    // A word, already cut, unless it is a stop word.
    let mut emit = |word: &'t str| {
        let key = Key::of(word);
        if !is_stop_key(word.len(), key) {
            out(word, key);
        }
    };
    // Where the blocks are worth trying again, after one beyond ASCII.
    let mut blocks_from = 0;
    // The width of the letter or digit at `i`, or None.
    let letter = |i: usize| -> Option<usize> {
        match BYTE_KIND[bytes[i] as usize] {
            ASCII_WORD => Some(1),
            NOT_WORD => None,
            _ => {
                let c = text[i..].chars().next()?;
                c.is_alphanumeric().then(|| c.len_utf8())
            }
        }
    };
    let mut i = 0;
    while i < n {
        if i >= blocks_from
            && let Some(block) = bytes.get(i..i + BLOCK)
        {
            let (mut bits, beyond) = word_bits(block);
            if beyond {
                blocks_from = i + BLOCK;
            } else {
                // The words that end inside the block.
                while bits != 0 {
                    let start = bits.trailing_zeros() as usize;
                    let end = start + (!(bits >> start)).trailing_zeros() as usize;
                    if end == BLOCK {
                        break;
                    }
                    if end - start >= 2 {
                        emit(&text[i + start..i + end.min(start + MAX_WORD)]);
                    }
                    bits &= u64::MAX << end;
                }
                // A word that reaches the block's end starts the next
                // block, unless it fills this one: then it is read a byte
                // at a time, below.
                let rest = bits.trailing_zeros() as usize;
                if rest > 0 {
                    i += rest;
                    continue;
                }
            }
        }
        // Skip what is not a word: ASCII a byte at a time.
        while i < n && BYTE_KIND[bytes[i] as usize] == NOT_WORD {
            i += 1;
        }
        if i >= n {
            break;
        }
        // Past the loop above, the byte at `i` is a letter or digit of
        // ASCII (nearly always) or begins a character beyond ASCII.
        let width = if BYTE_KIND[bytes[i] as usize] == ASCII_WORD {
            1
        } else if let Some(width) = letter(i) {
            width
        } else {
            // A character beyond ASCII that is not a letter.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let start = i;
        i += width;
        // The common case: a run of ASCII letters and digits.
        let ascii = i;
        i = ascii_word_end(bytes, i);
        let mut chars = 1 + (i - ascii);
        let mut cut = if chars > MAX_WORD {
            ascii + (MAX_WORD - 1)
        } else {
            i
        };
        if i < n && BYTE_KIND[bytes[i] as usize] == BEYOND_ASCII {
            // A word with letters beyond ASCII: counted a character at a
            // time, for the cut.
            while i < n {
                let Some(width) = letter(i) else { break };
                chars += 1;
                if chars <= MAX_WORD {
                    cut = i + width;
                }
                i += width;
            }
        }
        if chars >= 2 {
            emit(&text[start..cut]);
        }
    }
}

/// Eight bytes read as one number, lowest first.
fn eight(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// `1` in each byte.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// The high bit of each byte.
const HIGH: u64 = ONES * 0x80;

/// The high bit of each byte of `x` that is an ASCII letter or digit.
/// For a byte below 0x80, adding `0x80 - k` sets its high bit exactly
/// when it is `k` or more, and carries nothing into the next byte; a byte
/// beyond ASCII is none, but what it carries may reach the bytes after
/// it, whose bits then mean nothing.
fn word_bytes(x: u64) -> u64 {
    let at_least = |x: u64, k: u8| x.wrapping_add(ONES * u64::from(0x80 - k)) & HIGH;
    let lower = x | (ONES * 0x20);
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    (digit | letter) & !x & HIGH
}

/// Where the run of ASCII letters and digits that goes on at `i` ends.
/// Words are most of a report's bytes, so their bytes are classified
/// eight at a time ([`word_bytes`]): the run ends at the first that is
/// not a letter or digit, whatever the bits after it say.
fn ascii_word_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(block) = bytes.get(i..i + 8) {
        let ends = !word_bytes(eight(block)) & HIGH;
        if ends != 0 {
            return i + (ends.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && BYTE_KIND[bytes[i] as usize] == ASCII_WORD {
        i += 1;
    }
    i
}

/// The shard a word belongs to: its first two characters.
fn shard_of(word: &str) -> &str {
    let bytes = word.as_bytes();
    if bytes.len() >= SHARD_PREFIX && bytes[..SHARD_PREFIX].is_ascii() {
        return &word[..SHARD_PREFIX];
    }
    match word.char_indices().nth(SHARD_PREFIX) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// A shard's file name: the hex of its prefix, safe on every file system.
fn shard_file(prefix: &str) -> String {
    let mut name = String::with_capacity(prefix.len() * 2);
    for b in prefix.bytes() {
        let _ = write!(name, "{b:02x}");
    }
    name
}

fn partition_of(word: &str) -> usize {
    // The prefix's bytes (at most eight: two characters) as one number,
    // mixed: words of one shard always land in the same partition.
    // `pack` fills the highest bytes first: the product's highest bits
    // are the ones that depend on every byte of the prefix.
    let packed = pack(shard_of(word)).unwrap_or_default();
    (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (u64::BITS - PARTITIONS.ilog2())) as usize
}

/// A word's occurrence in a report, as the report is read.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    /// In the body.
    count: u32,
    /// `IN_*` bits.
    fields: u8,
}

/// A word's occurrence in a report, as the index holds it: eight bytes,
/// for there are hundreds for each report.
#[derive(Debug, Clone, Copy, Default)]
struct Posting {
    doc: u32,
    /// The count in the body above the low eight bits, the `IN_*` bits in
    /// them. A report has under 2^24 words: it is at most 16 MiB, and a
    /// word takes three bytes with the space after it.
    packed: u32,
}

impl Posting {
    fn new(doc: u32, seen: Seen) -> Posting {
        Posting {
            doc,
            packed: (seen.count.min(0x00FF_FFFF) << 8) | u32::from(seen.fields),
        }
    }

    fn count(self) -> u32 {
        self.packed >> 8
    }

    fn fields(self) -> u8 {
        (self.packed & 0xFF) as u8
    }
}

/// A word and every occurrence of it.
type WordPostings = (Box<str>, Vec<Posting>);

/// The reports of a text chunk, as they arrive.
#[derive(Default)]
struct Chunk {
    bodies: Vec<Option<String>>,
    arrived: usize,
}

/// A part of the index as it is gathered: each word once, with a number,
/// and the postings of its words as the threads hand them over, each with
/// its word's number. A list per word, pushed onto as reports arrive, is a
/// write to a place far from the last one once the lists outgrow the
/// processor's cache (a large archive's do); postings are grouped by word
/// once, when the index is written. A thread's staged list is taken as it
/// is, moved rather than copied, so that a posting is written once before
/// the index is: where it was encoded into blocks of variable-length
/// numbers, that took a twentieth of a build's instructions, for a third
/// less memory.
#[derive(Default)]
struct Partition {
    ids: FxHashMap<Box<str>, u32>,
    /// Each word's number and a posting, in the order they arrived, a
    /// thread's list at a time.
    lists: Vec<Vec<(u32, Posting)>>,
}

impl Partition {
    /// Takes a thread's staged postings.
    fn take(&mut self, staged: Vec<(u32, Posting)>) {
        if !staged.is_empty() {
            self.lists.push(staged);
        }
    }

    /// Calls `each` with every posting and its word's number, in the
    /// order they arrived.
    #[cfg(test)]
    fn for_each_posting(&self, mut each: impl FnMut(u32, Posting)) {
        for &(id, posting) in self.lists.iter().flatten() {
            each(id, posting);
        }
    }

    /// Each word with its postings, in the order they arrived.
    fn into_words(self) -> Vec<WordPostings> {
        let words = self.ids.len();
        // Each word's list is made as long as it will be: counted first.
        let mut counts = vec![0u32; words];
        for &(id, _) in self.lists.iter().flatten() {
            if let Some(count) = counts.get_mut(id as usize) {
                *count += 1;
            }
        }
        let mut lists: Vec<Vec<Posting>> = counts
            .into_iter()
            .map(|n| Vec::with_capacity(n as usize))
            .collect();
        for list in self.lists {
            for (id, posting) in list {
                if let Some(words) = lists.get_mut(id as usize) {
                    words.push(posting);
                }
            }
        }
        let mut names: Vec<Box<str>> = vec![Box::from(""); words];
        for (word, id) in self.ids {
            names[id as usize] = word;
        }
        names.into_iter().zip(lists).collect()
    }
}

thread_local! {
    /// Each thread's words of the index being built.
    static VOCABULARY: std::cell::RefCell<Vocabulary> = std::cell::RefCell::new(Vocabulary::default());
}

/// The words a thread has met while indexing, each with its number in its
/// partition, and its counts in the report at hand. A report's words are
/// looked up here, where the common ones stay in the processor's cache,
/// and a partition's dictionary, behind its lock, is asked only the first
/// time a thread meets a word: a report has hundreds of distinct words,
/// and an archive of 50,000 reports some fifty thousand in all.
#[derive(Default)]
struct Vocabulary {
    /// The [`Builder::serial`] of the index these words are for.
    serial: u64,
    /// Word → its number here: words of up to 15 bytes (nearly all) as
    /// one number ([`Key`]), compared without reading memory elsewhere;
    /// longer ones as they are. Most words are of eight bytes or fewer:
    /// their table has entries half the size, and more of it stays in the
    /// processor's cache.
    small: FxHashMap<u64, u32>,
    /// In front of `small`: the word last met in each of [`RECENT`]
    /// slots, chosen by a hash of its key (0: none, for no word packs to
    /// 0). The common words of a report are met again and again; this
    /// answers them from memory the processor keeps close.
    recent: Vec<(u64, u32)>,
    short: FxHashMap<u128, u32>,
    long: FxHashMap<Box<str>, u32>,
    /// By number here: the word's partition and its number there.
    places: Vec<(usize, u32)>,
    /// By number here: the report in which the word was last seen
    /// (`report`), and what was seen of it there.
    seen: Vec<(u32, Seen)>,
    /// The words of the report at hand, by number here.
    touched: Vec<u32>,
    /// Postings of the reports indexed here, not yet in their partitions,
    /// by partition: the word's number there and the posting. They go
    /// there [`STAGED_POSTINGS`] at a time, each partition locked once,
    /// rather than a report at a time, with four threads queueing for 64
    /// locks.
    pending: Vec<Vec<(u32, Posting)>>,
    /// The index `pending` is for.
    target: Option<Arc<Shared>>,
    /// Counts the reports this thread has indexed, from 1.
    report: u32,
}

impl Vocabulary {
    /// Begins a report of the index `serial`, forgetting the words of
    /// another index.
    fn start(&mut self, serial: u64, shared: &Arc<Shared>) {
        if self.serial != serial || self.report == u32::MAX {
            // The staged postings go to their index before the words go.
            self.flush();
            *self = Vocabulary {
                serial,
                target: Some(Arc::clone(shared)),
                recent: vec![(0, 0); RECENT],
                ..Vocabulary::default()
            };
        }
        self.report += 1;
        self.touched.clear();
    }

    /// The number here of `word`, whose key is `key`, which the
    /// partition's dictionary gives one the first time this thread meets
    /// it.
    fn word(&mut self, word: &str, key: Key, partitions: &[Mutex<Partition>]) -> u32 {
        if let Key::Small(small) = key {
            let slot = (small.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (u64::BITS - RECENT.ilog2()))
                as usize;
            if let Some(&(met, id)) = self.recent.get(slot)
                && met == small
            {
                return id;
            }
            let id = self.known_or_new(key, word, partitions);
            if let Some(recent) = self.recent.get_mut(slot) {
                *recent = (small, id);
            }
            return id;
        }
        self.known_or_new(key, word, partitions)
    }

    /// [`Vocabulary::word`] without the recent words.
    fn known_or_new(&mut self, key: Key, word: &str, partitions: &[Mutex<Partition>]) -> u32 {
        let known = match key {
            Key::Small(key) => self.small.get(&key),
            Key::Short(key) => self.short.get(&key),
            Key::Long => self.long.get(word),
        };
        if let Some(&id) = known {
            return id;
        }
        let part = partition_of(word);
        let global = {
            let mut partition = partitions[part].lock().unwrap_or_else(|e| e.into_inner());
            let next = partition.ids.len() as u32;
            *partition.ids.entry(word.into()).or_insert(next)
        };
        let id = self.places.len() as u32;
        self.places.push((part, global));
        self.seen.push((0, Seen::default()));
        match key {
            Key::Small(key) => self.small.insert(key, id),
            Key::Short(key) => self.short.insert(key, id),
            Key::Long => self.long.insert(word.into(), id),
        };
        id
    }

    /// What the report at hand has shown of word `id` so far.
    fn seen(&mut self, id: u32) -> &mut Seen {
        let (report, seen) = &mut self.seen[id as usize];
        if *report != self.report {
            *report = self.report;
            *seen = Seen::default();
            self.touched.push(id);
        }
        seen
    }

    /// Stages the postings of the report at hand, `doc`: a word's
    /// partition, its number there, and what the report shows of it.
    fn stage(&mut self, doc: u32) {
        let Vocabulary {
            touched,
            places,
            seen,
            pending,
            target,
            ..
        } = self;
        if pending.len() < PARTITIONS {
            pending.resize_with(PARTITIONS, Vec::new);
        }
        for &id in touched.iter() {
            let (part, global) = places[id as usize];
            pending[part].push((global, Posting::new(doc, seen[id as usize].1)));
        }
        if let Some(target) = target {
            target.staged.fetch_add(touched.len(), Ordering::Relaxed);
        }
    }

    /// Hands the staged postings over to their partitions, each locked
    /// once. Threads start at different partitions, so that they do not
    /// queue for the same locks in the same order.
    fn flush(&mut self) {
        let moved = self.staged();
        let Some(target) = self.target.as_ref().filter(|_| moved > 0) else {
            return;
        };
        let partitions = &target.partitions;
        let first = rayon::current_thread_index().unwrap_or(0) * 7;
        for k in 0..PARTITIONS {
            let part = (k + first) % PARTITIONS;
            let Some(staged) = self.pending.get_mut(part).filter(|s| !s.is_empty()) else {
                continue;
            };
            // The next list is made a little longer than this one: a
            // thread's reports are much alike, and a list that has to
            // grow doubles.
            let room = staged.len() + staged.len() / 4;
            let list = std::mem::replace(staged, Vec::with_capacity(room));
            partitions[part]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(list);
        }
        target.flushed.fetch_add(moved, Ordering::Relaxed);
    }

    /// How many postings wait in `pending`.
    fn staged(&self) -> usize {
        self.pending.iter().map(Vec::len).sum()
    }
}

/// Postings a thread stages before it moves them to the partitions.
const STAGED_POSTINGS: usize = 32 * 1024;

/// Slots of [`Vocabulary::recent`]: a power of two, 64 KB.
const RECENT: usize = 4096;

/// A word as a number, when it fits in one: its bytes, padded with
/// zeros. Words are letters and digits, never NUL, so two words have the
/// same key only if they are the same word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// Up to 8 bytes.
    Small(u64),
    /// 9 to 15 bytes, and the length in the highest byte.
    Short(u128),
    /// Longer.
    Long,
}

impl Key {
    fn of(word: &str) -> Key {
        if let Some(packed) = pack(word) {
            return Key::Small(packed);
        }
        // Nine to fifteen bytes: the first eight as the low half; the
        // rest, taken from the last eight, and the length as the high one.
        let b = word.as_bytes();
        let n = b.len();
        if n <= 15 {
            let low = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
            let last = u64::from_le_bytes(b[n - 8..].try_into().unwrap_or_default());
            let high = (last >> (8 * (16 - n))) | ((n as u64) << 56);
            return Key::Short((u128::from(high) << 64) | u128::from(low));
        }
        Key::Long
    }
}

/// What the threads indexing reports share: the partitions, and the
/// count of postings staged and moved there. A thread's [`Vocabulary`]
/// keeps it too, so that postings it staged for one index reach that
/// index's partitions even when the thread goes on to another index (two
/// builds in one process) before the first one finishes.
struct Shared {
    partitions: Vec<Mutex<Partition>>,
    /// Postings staged in the threads' vocabularies, and moved from there
    /// to the partitions: equal once every thread has been flushed.
    staged: AtomicUsize,
    flushed: AtomicUsize,
}

/// Gathers the index as report pages render, then writes it.
pub struct Builder<'a> {
    archive: &'a Archive,
    /// Tells this index from earlier ones, for the threads'
    /// [`Vocabulary`].
    serial: u64,
    shared: Arc<Shared>,
    /// Words in each report's body, for BM25's length normalisation.
    lengths: Vec<AtomicU32>,
    chunks: Vec<Mutex<Chunk>>,
    /// Reports per chunk ([`chunk_docs`]).
    chunk_docs: usize,
}

impl<'a> Builder<'a> {
    pub fn new(archive: &'a Archive) -> Builder<'a> {
        let n = archive.reports.len();
        let per_chunk = chunk_docs(n);
        let chunks = if per_chunk == 0 {
            0
        } else {
            n.div_ceil(per_chunk)
        };
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Builder {
            archive,
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            shared: Arc::new(Shared {
                partitions: (0..PARTITIONS).map(|_| Mutex::default()).collect(),
                staged: AtomicUsize::new(0),
                flushed: AtomicUsize::new(0),
            }),
            lengths: (0..n).map(|_| AtomicU32::new(0)).collect(),
            chunk_docs: per_chunk,
            chunks: (0..chunks).map(|_| Mutex::default()).collect(),
        }
    }

    /// Indexes report `i`, whose body reads `body` as plain text, and
    /// writes its text chunk into `output` once the chunk is complete.
    pub fn add(&self, i: usize, mut body: String, output: &Output) -> Result<()> {
        if self.chunk_docs == 0 {
            // No chunk keeps the text for quoting: it is lowered where it
            // is, rather than copied.
            if ascii_lowering_is_enough(&body) {
                body.make_ascii_lowercase();
            } else {
                body = lower_each_character(&body);
            }
            self.index(i, &body);
            return Ok(());
        }
        self.index(i, &lower(&body));
        self.add_text(i, body, output)
    }

    /// Indexes the words of report `i`, whose body text is `body_lower`.
    fn index(&self, i: usize, body_lower: &str) {
        let report = &self.archive.reports[i];
        let pm = &report.pm;
        let mut fields: Vec<(Cow<str>, u8)> = vec![
            (lower(&pm.title), IN_TITLE),
            (lower(&report.summary), IN_SUMMARY),
            (lower(&pm.severity), IN_TERMS),
        ];
        for name in pm.services.iter().chain(&pm.tags) {
            fields.push((lower(name), IN_TERMS));
        }
        if let Some(id) = &pm.id {
            fields.push((lower(&id.value), IN_TERMS));
        }
        for author in &pm.authors {
            fields.push((lower(author), IN_AUTHORS));
        }
        let doc = i as u32;
        VOCABULARY.with_borrow_mut(|vocabulary| {
            let partitions = &self.shared.partitions;
            vocabulary.start(self.serial, &self.shared);
            let mut length = 0u32;
            words(body_lower, |w, key| {
                length += 1;
                let word = vocabulary.word(w, key, partitions);
                vocabulary.seen(word).count += 1;
            });
            self.lengths[i].store(length, Ordering::Relaxed);
            for (text, bit) in &fields {
                words(text, |w, key| {
                    let word = vocabulary.word(w, key, partitions);
                    vocabulary.seen(word).fields |= *bit;
                });
            }
            vocabulary.stage(doc);
            // A thread outside the pool may not be asked again: its
            // postings go to the partitions at once.
            if vocabulary.staged() >= STAGED_POSTINGS || rayon::current_thread_index().is_none() {
                vocabulary.flush();
            }
        });
    }

    /// Puts report `i`'s body text into its chunk, and writes the chunk if
    /// that completed it.
    fn add_text(&self, i: usize, mut body: String, output: &Output) -> Result<()> {
        if self.chunk_docs == 0 {
            return Ok(());
        }
        if body.len() > QUOTED_BYTES {
            let mut cut = QUOTED_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
        let c = i / self.chunk_docs;
        let first = c * self.chunk_docs;
        let size = self.chunk_docs.min(self.archive.reports.len() - first);
        let bodies = {
            let mut chunk = self.chunks[c].lock().unwrap_or_else(|e| e.into_inner());
            if chunk.bodies.is_empty() {
                chunk.bodies = vec![None; size];
            }
            chunk.bodies[i - first] = Some(body);
            chunk.arrived += 1;
            if chunk.arrived < size {
                return Ok(());
            }
            std::mem::take(&mut chunk.bodies)
        };
        let mut js =
            String::with_capacity(bodies.iter().flatten().map(String::len).sum::<usize>() + 1024);
        js.push_str("hindsightSearch(\"text\",");
        js.push_str(itoa::Buffer::new().format(c));
        js.push_str(",[");
        for (k, body) in bodies.iter().enumerate() {
            if k > 0 {
                js.push(',');
            }
            js.push('[');
            push_json(&mut js, &self.archive.reports[first + k].summary);
            js.push(',');
            push_json(&mut js, body.as_deref().unwrap_or_default());
            js.push(']');
        }
        js.push_str("]);\n");
        output.put(&format!("search/t/{c}.js"), js.as_bytes())
    }

    /// Writes the shards and `docs.js`; returns how many files the index
    /// has in all. Reports never added are searchable by nothing but their
    /// filters.
    pub fn finish(
        &self,
        severities: &[SeverityView],
        open: &[usize],
        output: &Output,
    ) -> Result<usize> {
        // The postings still staged on each thread of the pool that
        // indexed the reports, and on this one.
        let serial = self.serial;
        let flush = || {
            VOCABULARY.with_borrow_mut(|vocabulary| {
                if vocabulary.serial == serial {
                    vocabulary.flush();
                }
            });
        };
        rayon::broadcast(|_| flush());
        flush();
        let (staged, flushed) = (
            self.shared.staged.load(Ordering::Relaxed),
            self.shared.flushed.load(Ordering::Relaxed),
        );
        if staged != flushed {
            bail!(
                "the search index lost postings: {staged} staged, {flushed} gathered; \
                 reports were indexed outside the thread pool that finished it"
            );
        }
        let n = self.archive.reports.len();
        let lengths: Vec<u32> = self
            .lengths
            .iter()
            .map(|l| l.load(Ordering::Relaxed))
            .collect();
        let average = if n == 0 {
            1.0
        } else {
            (lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / n as f64).max(1.0)
        };
        // BM25's length term of each report, worked out once rather than
        // for each of its postings.
        let norms: Vec<f64> = lengths
            .iter()
            .map(|&l| K1 * (1.0 - B + B * f64::from(l) / average))
            .collect();
        let chunks = self.chunks.len();
        let shards: Vec<Vec<String>> = self
            .shared
            .partitions
            .par_iter()
            .map(|partition| -> Result<Vec<String>> {
                let partition =
                    std::mem::take(&mut *partition.lock().unwrap_or_else(|e| e.into_inner()));
                let mut by_shard: FxHashMap<String, Vec<WordPostings>> = FxHashMap::default();
                for (word, list) in partition.into_words() {
                    match by_shard.get_mut(shard_of(&word)) {
                        Some(entries) => entries.push((word, list)),
                        None => {
                            by_shard.insert(shard_of(&word).to_string(), vec![(word, list)]);
                        }
                    }
                }
                let mut prefixes = Vec::with_capacity(by_shard.len());
                for (prefix, mut entries) in by_shard {
                    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    let js = shard_js(&prefix, &mut entries, n, &norms);
                    output.put(
                        &format!("search/i/{}.js", shard_file(&prefix)),
                        js.as_bytes(),
                    )?;
                    prefixes.push(prefix);
                }
                Ok(prefixes)
            })
            .collect::<Result<_>>()?;
        let mut shards: Vec<String> = shards.into_iter().flatten().collect();
        shards.sort_unstable();
        let js = docs_js(self.archive, severities, open, &shards);
        output.put("search/docs.js", js.as_bytes())?;
        Ok(shards.len() + chunks + 1)
    }
}

/// The digits of [`push_varint`]: characters that need no escaping in a
/// JavaScript string.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` in base 32, lowest digits first, each digit a character of
/// [`DIGITS`] whose value has 32 added when more digits follow. Postings
/// written this way take a third of the room of decimal lists, and a
/// browser reads a long string much faster than a long array.
fn push_varint(out: &mut String, mut n: u32) {
    loop {
        let digit = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(DIGITS[digit] as char);
            return;
        }
        out.push(DIGITS[digit | 32] as char);
    }
}

/// A shard's script: its words in order, each with its postings as a
/// string of [`push_varint`] numbers: doc deltas and scores in turn.
fn shard_js(prefix: &str, entries: &mut [WordPostings], n: usize, norms: &[f64]) -> String {
    let mut js = String::from("hindsightSearch(\"shard\",");
    push_json(&mut js, prefix);
    js.push_str(",{");
    for (k, (word, list)) in entries.iter_mut().enumerate() {
        if k > 0 {
            js.push(',');
        }
        push_json(&mut js, word);
        js.push_str(":\"");
        let df = list.len() as f64;
        let idf = (1.0 + (n as f64 - df + 0.5) / (df + 0.5)).ln();
        list.sort_by_key(|p| p.doc);
        let mut last = 0u32;
        for posting in list.iter() {
            let tf = f64::from(posting.count());
            let mut s = if posting.count() == 0 {
                0.0
            } else {
                tf * (K1 + 1.0) / (tf + norms[posting.doc as usize])
            };
            for (bit, boost) in BOOSTS {
                if posting.fields() & bit != 0 {
                    s += boost;
                }
            }
            let score =
                crate::util::round_to_i64(s * idf * 10.0).clamp(1, i64::from(u32::MAX)) as u32;
            push_varint(&mut js, posting.doc - last);
            push_varint(&mut js, score);
            last = posting.doc;
        }
        js.push('"');
    }
    js.push_str("});\n");
    js
}

#[derive(Serialize)]
struct Docs<'a> {
    version: u32,
    stop_words: &'static [&'static str],
    max_word: usize,
    chunk_docs: usize,
    /// The prefixes that have a shard.
    shards: &'a [String],
    severities: Vec<Facet<'a>>,
    services: Vec<Facet<'a>>,
    tags: Vec<Facet<'a>>,
    /// `[slug, title, date, severity, [services], [tags], open action
    /// items, id]`, in archive order (newest first); severity, services
    /// and tags are positions in the lists above.
    docs: Vec<DocEntry<'a>>,
}

#[derive(Serialize)]
struct Facet<'a> {
    /// The URL segment of its page. Services and tags go by it in the
    /// search page's address (`service=icreate`), severities by their name
    /// (`severity=SEV1`).
    slug: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

impl<'a> Facet<'a> {
    fn of(term: &'a crate::archive::Term) -> Facet<'a> {
        Facet {
            slug: &term.slug,
            name: &term.name,
            color: None,
            label: None,
        }
    }
}

type DocEntry<'a> = (
    &'a str,
    &'a str,
    String,
    Option<usize>,
    Vec<usize>,
    Vec<usize>,
    usize,
    Option<&'a str>,
);

/// `docs.js`: every report's entry and the filters' values.
fn docs_js(
    archive: &Archive,
    severities: &[SeverityView],
    open: &[usize],
    shards: &[String],
) -> String {
    let n = archive.reports.len();
    let positions = |terms: &mut dyn Iterator<Item = &crate::archive::Term>| {
        let mut of = vec![Vec::new(); n];
        for (k, term) in terms.enumerate() {
            for &r in &term.reports {
                of[r].push(k);
            }
        }
        of
    };
    let mut services = positions(&mut archive.services.values());
    let mut tags = positions(&mut archive.tags.values());
    let mut severity = vec![None; n];
    for (k, term) in archive.severities.iter().enumerate() {
        for &r in &term.reports {
            severity[r] = Some(k);
        }
    }
    let docs = Docs {
        version: 1,
        stop_words: STOP_WORDS,
        max_word: MAX_WORD,
        chunk_docs: chunk_docs(n),
        shards,
        severities: archive
            .severities
            .iter()
            .map(|t| {
                let view = severities.iter().find(|s| s.id == t.name);
                Facet {
                    color: view.map(|s| s.color.as_str()),
                    label: view.map(|s| s.label.as_str()).filter(|l| !l.is_empty()),
                    ..Facet::of(t)
                }
            })
            .collect(),
        services: archive.services.values().map(Facet::of).collect(),
        tags: archive.tags.values().map(Facet::of).collect(),
        docs: (0..n)
            .map(|i| {
                let pm = &archive.reports[i].pm;
                (
                    pm.slug.as_str(),
                    pm.title.as_str(),
                    pm.date.format("%Y-%m-%d").to_string(),
                    severity[i],
                    std::mem::take(&mut services[i]),
                    std::mem::take(&mut tags[i]),
                    open.get(i).copied().unwrap_or(0),
                    pm.id.as_ref().map(|id| id.value.as_str()),
                )
            })
            .collect(),
    };
    let mut js = String::from("hindsightSearch(\"docs\",null,");
    let json = serde_json::to_string(&docs).unwrap_or_else(|_| "{}".into());
    // JSON text whose strings escape what could end a script.
    for c in json.chars() {
        match c {
            '<' => js.push_str("\\u003c"),
            '>' => js.push_str("\\u003e"),
            '&' => js.push_str("\\u0026"),
            '\u{2028}' => js.push_str("\\u2028"),
            '\u{2029}' => js.push_str("\\u2029"),
            c => js.push(c),
        }
    }
    js.push_str(");\n");
    js
}

/// Appends `s` as a JSON string that is also safe inside a script: `<`,
/// `>` and `&` escaped, so that nothing a report says can end the script
/// or open a comment, and the line separators that older JavaScript
/// rejects in strings.
fn push_json(out: &mut String, s: &str) {
    /// The bytes that need a look: quotes, backslashes, control
    /// characters, `<`, `>`, `&`, and 0xE2, which starts U+2028 and U+2029.
    const LOOK: [bool; 256] = crate::util::text::stop_bytes(&[b'"', b'\\', b'<', b'>', b'&', 0xE2]);
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut safe = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| LOOK[b as usize]) {
        i += at;
        let b = bytes[i];
        let (escape, width): (&str, usize) = match b {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\t' => ("\\t", 1),
            b'\r' => ("\\r", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            0xE2 if bytes[i..].starts_with(&[0xE2, 0x80, 0xA8]) => ("\\u2028", 3),
            0xE2 if bytes[i..].starts_with(&[0xE2, 0x80, 0xA9]) => ("\\u2029", 3),
            0xE2 => {
                i += 1;
                continue;
            }
            _ => ("", 1),
        };
        out.push_str(&s[safe..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        i += width;
        safe = i;
    }
    out.push_str(&s[safe..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_ascii_letters_and_digits_ends_where_the_table_says() {
        // Every byte value, at every place of an eight-byte block and of
        // the bytes after the last whole block, after a run of letters.
        for b in 0..=255u8 {
            for place in 0..12 {
                let mut bytes = b"aZ09qQzA9mKx".to_vec();
                bytes[place] = b;
                let by_table = (0..bytes.len())
                    .find(|&k| BYTE_KIND[bytes[k] as usize] != ASCII_WORD)
                    .unwrap_or(bytes.len());
                assert_eq!(ascii_word_end(&bytes, 0), by_table, "{b:#04x} at {place}");
            }
        }
    }

    #[test]
    fn lowering_is_what_the_character_rule_gives() {
        let pieces = [
            "Deploy ",
            "ROLLBACK",
            "—",
            "“quoted”",
            "É",
            "é",
            "İ",
            "ß",
            "Σ",
            "ς",
            "日本",
            "x",
            "\n",
            "→",
        ];
        let mut texts = crate::util::text::seeded_texts(&pieces, 3, 2000, 12);
        texts.extend(["", "a", "A", "é", "aaaaaaaaé", "AAAAAAAA—"].map(String::from));
        for text in &texts {
            // Character by character, a final sigma folded to σ.
            let expected: String = text
                .chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ς' { 'σ' } else { c })
                .collect();
            assert_eq!(lower(text), expected, "{text:?}");
            let first = text.bytes().position(|b| !b.is_ascii());
            for from in [0, 1, 7, 8, 9] {
                let expected = text
                    .bytes()
                    .enumerate()
                    .skip(from)
                    .find(|(_, b)| !b.is_ascii())
                    .map(|(k, _)| k);
                assert_eq!(next_non_ascii(text.as_bytes(), from), expected, "{text:?}");
            }
            assert_eq!(next_non_ascii(text.as_bytes(), 0), first);
        }
    }

    #[test]
    fn chunks_hold_one_report_in_small_archives_and_large_ones_have_none() {
        assert_eq!(chunk_docs(0), 1);
        assert_eq!(chunk_docs(17), 1);
        assert_eq!(chunk_docs(499), 1);
        assert_eq!(chunk_docs(1000), 4);
        assert_eq!(chunk_docs(2_000), 8);
        assert_eq!(chunk_docs(2_001), 0);
        assert_eq!(chunk_docs(10_000), 0);
    }

    fn split(text: &str) -> Vec<String> {
        let lowered = lower(text);
        let mut out = Vec::new();
        words(&lowered, |w, _| out.push(w.to_string()));
        out
    }

    /// The tokenizer as first written, a character at a time: the fast
    /// one must split every text the same way.
    fn words_by_character(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                chars.next();
                continue;
            }
            let (mut count, mut cut) = (0, start);
            while let Some(&(at, c)) = chars.peek() {
                if !c.is_alphanumeric() {
                    break;
                }
                count += 1;
                if count <= MAX_WORD {
                    cut = at + c.len_utf8();
                }
                chars.next();
            }
            let word = &text[start..cut];
            if count >= 2 && !is_stop_word(word) {
                out.push(word.to_string());
            }
        }
        out
    }

    #[test]
    fn the_byte_tokenizer_splits_as_the_character_rule_does() {
        let pieces = [
            "db",
            " ",
            "the",
            "ölig",
            "ß",
            "日本語",
            "-",
            "x",
            "\u{300}",
            "42",
            "é",
            "aaaaaaaaaaaaaaaa",
            "🙂",
            "\n",
            "Ⅻ",
            "٣",
            "\u{a0}",
            ".",
            "IO",
            " \u{2014} ",
            "İ",
            "ΣΑ",
            "Ö",
        ];
        for text in crate::util::text::seeded_texts(&pieces, 11, 500, 12) {
            let lowered = lower(&text);
            let by_character: String = text.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(lowered, by_character);
            let mut fast = Vec::new();
            words(&lowered, |w, _| fast.push(w.to_string()));
            assert_eq!(fast, words_by_character(&lowered), "{text:?}");
        }
    }

    #[test]
    fn ascii_in_blocks_splits_as_the_character_rule_does() {
        // Every ASCII byte, words of every length about a block's, and a
        // little beyond ASCII, in texts of several blocks.
        let mut pieces: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        for n in [1, 2, 5, 31, 32, 33, 63, 64, 65, 130] {
            pieces.push("w".repeat(n));
            pieces.push(" ".repeat(n));
        }
        for word in ["the", "deploy", "db", "é", "ölig", "x\u{300}"] {
            pieces.push(word.to_string());
        }
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        for (k, text) in crate::util::text::seeded_texts(&pieces, 5, 3_000, 90)
            .into_iter()
            .enumerate()
        {
            // Most texts ASCII alone, as most reports are.
            let text = if k % 4 == 0 {
                text
            } else {
                text.chars().filter(char::is_ascii).collect()
            };
            let lowered = lower(&text);
            let mut fast = Vec::new();
            words(&lowered, |w, _| fast.push(w.to_string()));
            assert_eq!(fast, words_by_character(&lowered), "{text:?}");
        }
    }

    #[test]
    fn shards_spread_over_the_partitions() {
        let mut used = std::collections::BTreeSet::new();
        for a in 'a'..='z' {
            for b in ('a'..='z').chain('0'..='9') {
                let part = partition_of(&format!("{a}{b}x"));
                assert!(part < PARTITIONS);
                assert_eq!(part, partition_of(&format!("{a}{b}")));
                used.insert(part);
            }
        }
        assert!(
            used.len() >= PARTITIONS * 3 / 4,
            "{} partitions used",
            used.len()
        );
    }

    #[test]
    fn a_thread_that_turns_to_another_index_hands_its_postings_to_the_first() {
        let shared = || {
            Arc::new(Shared {
                partitions: (0..PARTITIONS).map(|_| Mutex::default()).collect(),
                staged: AtomicUsize::new(0),
                flushed: AtomicUsize::new(0),
            })
        };
        let (first, second) = (shared(), shared());
        let postings = |index: &Shared| -> usize {
            index
                .partitions
                .iter()
                .map(|p| {
                    let mut n = 0;
                    p.lock().unwrap().for_each_posting(|_, _| n += 1);
                    n
                })
                .sum()
        };
        let mut vocabulary = Vocabulary::default();
        vocabulary.start(u64::MAX - 1, &first);
        for word in ["rollback", "deploy", "rollback"] {
            let id = vocabulary.word(word, Key::of(word), &first.partitions);
            vocabulary.seen(id).count += 1;
        }
        vocabulary.stage(7);
        assert_eq!(first.staged.load(Ordering::Relaxed), 2);
        assert_eq!(postings(&first), 0, "staged, not yet moved");
        vocabulary.start(u64::MAX, &second);
        assert_eq!(first.flushed.load(Ordering::Relaxed), 2);
        assert_eq!(postings(&first), 2);
        assert_eq!(postings(&second), 0);
    }

    #[test]
    fn postings_come_back_as_they_were_handed_over() {
        let mut partition = Partition::default();
        let mut pushed = Vec::new();
        let mut list = Vec::new();
        for k in 0..200_000u32 {
            let id = k.wrapping_mul(2_654_435_761) % 70_000;
            let posting = Posting {
                doc: k.wrapping_mul(40_503) % 3_000_000,
                packed: [0x100, 0x1FF, u32::MAX, 0, 0x7F, 0x80][k as usize % 6],
            };
            list.push((id, posting));
            pushed.push((id, posting.doc, posting.packed));
            // Lists of uneven lengths, an empty one among them.
            if k % 7_919 == 0 {
                partition.take(std::mem::take(&mut list));
                partition.take(Vec::new());
            }
        }
        partition.take(list);
        let mut read: Vec<(u32, u32, u32)> = Vec::new();
        partition.for_each_posting(|id, p| read.push((id, p.doc, p.packed)));
        assert_eq!(read, pushed);
        // Grouped by word, each list in the order it was pushed.
        for id in 0..70_000u32 {
            partition.ids.insert(format!("w{id}").into(), id);
        }
        let mut expected: Vec<Vec<(u32, u32)>> = vec![Vec::new(); 70_000];
        for &(id, doc, packed) in &pushed {
            expected[id as usize].push((doc, packed));
        }
        let words = partition.into_words();
        assert_eq!(words.len(), 70_000);
        for (word, list) in &words {
            let id: usize = word[1..].parse().unwrap();
            let got: Vec<(u32, u32)> = list.iter().map(|p| (p.doc, p.packed)).collect();
            assert_eq!(got, expected[id], "{word}");
        }
    }

    #[test]
    fn words_pack_as_their_bytes_padded_with_zeros() {
        for text in crate::util::text::seeded_texts(&["a", "b", "é", "z", "0"], 2, 400, 16) {
            for n in (0..=text.len()).filter(|&n| text.is_char_boundary(n)) {
                let word = &text[..n];
                let bytes = word.as_bytes();
                let mut buf = [0u8; 16];
                if bytes.len() <= 8 {
                    buf[..bytes.len()].copy_from_slice(bytes);
                    let expected = u64::from_be_bytes(buf[..8].try_into().unwrap());
                    assert_eq!(pack(word), Some(expected), "{word:?}");
                } else {
                    assert_eq!(pack(word), None, "{word:?}");
                }
                if (9..=15).contains(&bytes.len()) {
                    buf[..bytes.len()].copy_from_slice(bytes);
                    buf[15] = bytes.len() as u8;
                    assert_eq!(
                        Key::of(word),
                        Key::Short(u128::from_le_bytes(buf)),
                        "{word:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn keys_tell_every_word_apart() {
        let mut words = Vec::new();
        for text in crate::util::text::seeded_texts(&["a", "b", "é", "z", "0"], 3, 3000, 9) {
            for n in (0..=text.len()).filter(|&n| text.is_char_boundary(n)) {
                words.push(text[..n].to_string());
            }
        }
        let mut keys = std::collections::HashMap::new();
        for word in &words {
            match Key::of(word) {
                Key::Long => assert!(word.len() > 15),
                key => {
                    let other = keys.entry(key).or_insert_with(|| word.clone());
                    assert_eq!(other, word, "one key for two words");
                }
            }
        }
        assert!(keys.len() > 1000);
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits_without_stop_words() {
        assert_eq!(
            split("The Rollback of INC-2023-001 failed: HTTP 502, x!"),
            ["rollback", "inc", "2023", "001", "failed", "http", "502"]
        );
        assert_eq!(split("Überlast in KÖLN"), ["überlast", "köln"]);
        assert_eq!(split("a b c"), Vec::<String>::new());
    }

    #[test]
    fn long_words_are_cut() {
        let long = "x".repeat(100);
        assert_eq!(split(&long), ["x".repeat(MAX_WORD)]);
        let long = "é".repeat(40);
        assert_eq!(split(&long), ["é".repeat(MAX_WORD)]);
    }

    #[test]
    fn shards_are_named_by_the_hex_of_their_prefix() {
        assert_eq!(shard_of("rollback"), "ro");
        assert_eq!(shard_of("ö"), "ö");
        assert_eq!(shard_of("ölig"), "öl");
        assert_eq!(shard_file("ro"), "726f");
        assert_eq!(shard_file("öl"), "c3b66c");
    }

    #[test]
    fn postings_are_base_32_digits_lowest_first() {
        let mut out = String::new();
        for n in [0, 31, 32, 1000, u32::MAX] {
            push_varint(&mut out, n);
            out.push(' ');
        }
        // 1000 = 8 + 31 * 32: digits 8 (+32 for "more") and 31.
        assert_eq!(out, "A f gB of ______D ");
    }

    #[test]
    fn json_strings_read_back_as_written() {
        for text in [
            "plain",
            "quote \" and \\ back",
            "tab\tnew\nline\r",
            "nul \u{0} bell \u{7}",
            "é ✓ 🚀",
            "\u{2028}",
        ] {
            let mut out = String::new();
            push_json(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text, "{out}");
        }
    }

    #[test]
    fn the_stop_words_are_sorted_for_searching() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= STOP_WORD_MAX));
        assert!(STOP_WORDS.len() * 2 < STOP_SLOTS);
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for word in ["theme", "th", "wh", "ab", "whilst", "x", "", "über", "and1"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn json_cannot_close_a_script() {
        let mut out = String::new();
        push_json(&mut out, "</script>&");
        assert_eq!(out, "\"\\u003c/script\\u003e\\u0026\"");
        out.clear();
        push_json(&mut out, "plain");
        assert_eq!(out, "\"plain\"");
    }
}
