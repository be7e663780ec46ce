//! A text index for many short records: every record's fields, lower-cased, in one buffer
//! (twice: folded without diacritics, and as written), searched with one `memmem` pass per
//! query, so 200,000 records answer a keystroke in milliseconds.

use crate::model::text::{fold, nfc};
use std::ops::Range;

/// Separates fields of a record in the buffers.
const FIELD: char = '\u{1f}';
/// Separates records.
const RECORD: char = '\u{1e}';

/// How a found record matches, asked with a limit: `rank(limit)` is 0 (a field is the
/// query) to [`INSIDE`] (inside a word), or `limit` when not better than that.
pub type Rank<'a> = &'a dyn Fn(u8) -> u8;

/// What a search calls for every record it finds: the record's number and its [`Rank`].
pub type OnHit<'a> = &'a mut dyn FnMut(usize, Rank<'_>);

/// The records' text, as found by [`TextIndex::search`].
#[derive(Debug, Default, Clone)]
pub struct TextIndex {
    folded: Buffer,
    exact: Buffer,
}

#[derive(Debug, Default, Clone)]
struct Buffer {
    text: String,
    /// Where each record starts in `text` (one more at the end: its length).
    starts: Vec<usize>,
}

impl Buffer {
    fn push(&mut self, fields: &mut dyn Iterator<Item = String>) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        for (i, f) in fields.enumerate() {
            if i > 0 {
                self.text.push(FIELD);
            }
            self.text.push_str(&f);
        }
        self.text.push(RECORD);
        self.starts.push(self.text.len());
    }

    /// Calls `hit(record, rank)` for every record holding all `words` (the longest is
    /// searched for, the others checked in the record). `rank(limit)` tells how the record
    /// matches (see [`Ranker`]) or `limit` when it is not better than that (cheaper: the
    /// caller asks only when a hit could still be kept).
    fn search(&self, query: &str, words: &[&str], records: Range<usize>, hit: OnHit<'_>) {
        let Some(first) = words.iter().max_by_key(|w| w.len()) else {
            return;
        };
        let n = self.starts.len().saturating_sub(1);
        let records = records.start.min(n)..records.end.min(n);
        if records.is_empty() {
            return;
        }
        let others: Vec<&str> = words.iter().filter(|w| *w != first).copied().collect();
        let finder = memchr::memmem::Finder::new(first.as_bytes());
        let others: Vec<_> = others
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
            .collect();
        let ranker = Ranker::new(query, words);
        let bytes = &self.text.as_bytes()[..self.starts[records.end]];
        let mut pos = self.starts[records.start];
        // The record holding the match: matches come in order, so the record index only
        // moves forward.
        let mut i = records.start;
        while let Some(at) = finder.find(&bytes[pos..]) {
            let at = pos + at;
            while self.starts[i + 1] <= at {
                i += 1;
            }
            let (s, e) = (self.starts[i], self.starts[i + 1]);
            // The record without its end mark.
            let rec = &bytes[s..e - RECORD.len_utf8()];
            if others.iter().all(|f| f.find(rec).is_some()) {
                hit(i, &|limit| ranker.rank(rec, limit));
            }
            // On to the next record: one hit per record.
            pos = e;
            if pos >= bytes.len() {
                break;
            }
        }
    }
}

/// How a record matches a query, worked out on its bytes. Ranks, best first: 0 a field is
/// the query, 1 a field starts with it, 2 a word does; for a query of several words found
/// apart, 3 each is a whole word, 4 each starts a word; 5 something is inside a word.
struct Ranker<'q> {
    query: &'q [u8],
    /// The query after a field separator: a field starting with it.
    at_field: memchr::memmem::Finder<'static>,
    anywhere: memchr::memmem::Finder<'q>,
    /// The query's words, when there are several.
    words: Vec<memchr::memmem::Finder<'q>>,
}

/// The worst rank.
pub const INSIDE: u8 = 5;

/// Whether the character ending just before byte `m` of `rec` is not a letter or digit (or
/// there is none).
fn boundary_before(rec: &[u8], m: usize) -> bool {
    if m == 0 {
        return true;
    }
    let before = &rec[..m];
    let k = before
        .iter()
        .rposition(|b| (*b & 0xC0) != 0x80)
        .unwrap_or(0);
    std::str::from_utf8(&before[k..])
        .ok()
        .and_then(|c| c.chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether the character starting at byte `e` of `rec` is not a letter or digit (or there is
/// none).
fn boundary_after(rec: &[u8], e: usize) -> bool {
    let after = &rec[e.min(rec.len())..];
    let n = after.len().min(4);
    let c = (1..=n)
        .filter_map(|k| std::str::from_utf8(&after[..k]).ok())
        .find_map(|s| s.chars().next());
    c.is_none_or(|c| !c.is_alphanumeric())
}

impl<'q> Ranker<'q> {
    fn new(query: &'q str, words: &[&'q str]) -> Self {
        let mut f = vec![FIELD as u8];
        f.extend_from_slice(query.as_bytes());
        Ranker {
            query: query.as_bytes(),
            at_field: memchr::memmem::Finder::new(&f).into_owned(),
            anywhere: memchr::memmem::Finder::new(query.as_bytes()),
            words: if words.len() > 1 {
                words
                    .iter()
                    .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The record's rank (see [`Ranker`]), or `limit` when not better than that.
    fn rank(&self, rec: &[u8], limit: u8) -> u8 {
        let q = self.query;
        let mut best = limit.min(INSIDE);
        if best == 0 {
            return 0;
        }
        // Fields that start with the query: at the record's start or after a separator.
        let starts = rec
            .starts_with(q)
            .then_some(0)
            .into_iter()
            .chain(self.at_field.find_iter(rec).map(|m| m + 1));
        for p in starts {
            let end = p + q.len();
            if end == rec.len() || rec[end] == FIELD as u8 {
                return 0;
            }
            best = best.min(1);
        }
        if best <= 2 {
            return best;
        }
        if self
            .anywhere
            .find_iter(rec)
            .any(|m| boundary_before(rec, m))
        {
            return 2;
        }
        if best <= 3 || self.words.is_empty() {
            return best;
        }
        // Several words found apart: how well the worst of them matches.
        let mut level = 0;
        for w in &self.words {
            let n = w.needle().len();
            let l = w
                .find_iter(rec)
                .map(
                    |m| match (boundary_before(rec, m), boundary_after(rec, m + n)) {
                        (true, true) => 0,
                        (true, false) => 1,
                        _ => 2,
                    },
                )
                .min()
                .unwrap_or(2);
            level = level.max(l);
        }
        best.min(3 + level)
    }
}

/// A query as the index compares it: folded when written without diacritics (then it finds
/// names with any), as written (lower case, NFC) when it has some (then it is exact about
/// them).
pub fn prepare(query: &str) -> Option<(bool, String)> {
    let q = clean(query);
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let folded = fold(q);
    let lower = nfc(q).to_lowercase();
    let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded == lower {
        Some((true, folded))
    } else {
        Some((false, lower))
    }
}

/// Control characters (the buffers' separators among them) become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl TextIndex {
    /// Adds a record of `fields` (empty ones are skipped); its number is the count before.
    pub fn push<S: AsRef<str>>(&mut self, fields: &[S]) -> usize {
        let n = self.len();
        let fields = || {
            fields
                .iter()
                .map(|f| clean(f.as_ref()).trim().to_string())
                .filter(|f| !f.is_empty())
        };
        self.folded.push(&mut fields().map(|f| fold(&f)));
        self.exact.push(&mut fields().map(|f| {
            let l = nfc(&f).to_lowercase();
            l.split_whitespace().collect::<Vec<_>>().join(" ")
        }));
        n
    }

    pub fn len(&self) -> usize {
        self.folded.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.folded.text.capacity()
            + self.exact.text.capacity()
            + (self.folded.starts.capacity() + self.exact.starts.capacity())
                * std::mem::size_of::<usize>()
    }

    /// Calls `hit(record, rank)` for every record matching `query` (see [`prepare`]): all its
    /// words, in any of the record's fields. `rank(limit)` is how it matches, 0 (a field is
    /// the query) to [`INSIDE`], or `limit` when not better.
    pub fn search(&self, query: &str, hit: OnHit<'_>) {
        self.search_records(query, 0..self.len(), hit);
    }

    /// [`TextIndex::search`] over the records `records` only (a part searched on a thread of
    /// its own).
    pub fn search_records(&self, query: &str, records: Range<usize>, hit: OnHit<'_>) {
        let Some((folded, q)) = prepare(query) else {
            return;
        };
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        let buffer = if folded { &self.folded } else { &self.exact };
        buffer.search(&q, &words, records, hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(ix: &TextIndex, q: &str) -> Vec<(usize, u8)> {
        let mut out = Vec::new();
        ix.search(q, &mut |i, r| out.push((i, r(9))));
        out
    }

    #[test]
    fn finds_with_or_without_diacritics_every_word_in_any_field() {
        let mut ix = TextIndex::default();
        ix.push(&["Móng Cái", "Thành phố"]);
        ix.push(&["Thửa 15", "Đất ở"]);
        ix.push(&["Thửa 150", "Đất lúa"]);
        ix.push(&["Cẩm Phả"]);
        ix.push::<&str>(&[]);
        ix.push(&["", "15", "thua dat"]);
        assert_eq!(ix.len(), 6);
        assert_eq!(found(&ix, "mong cai"), vec![(0, 0)]);
        assert_eq!(found(&ix, "  MÓNG  cái "), vec![(0, 0)]);
        // Diacritics in the query are taken at their word.
        assert_eq!(found(&ix, "mông"), vec![]);
        assert_eq!(found(&ix, "thửa 15"), vec![(1, 0), (2, 1)]);
        // Without diacritics: "thua" and "15" anywhere in the record.
        assert_eq!(found(&ix, "thua 15"), vec![(1, 0), (2, 1), (5, 3)]);
        assert_eq!(found(&ix, "pha"), vec![(3, 2)]);
        assert_eq!(found(&ix, "ai"), vec![(0, 5)]);
        // Several words apart: whole words before word starts before insides.
        assert_eq!(found(&ix, "thua 150 lua"), vec![(2, 3)]);
        assert_eq!(found(&ix, "thu 15"), vec![(1, 4), (2, 4), (5, 4)]);
        assert_eq!(found(&ix, "hua 15"), vec![(1, 5), (2, 5), (5, 5)]);
        assert_eq!(found(&ix, "dat"), vec![(1, 1), (2, 1), (5, 2)]);
        assert_eq!(found(&ix, "  "), vec![]);
        assert_eq!(found(&ix, "zzz"), vec![]);
        // The separators are never matched.
        assert_eq!(found(&ix, "\u{1f}"), vec![]);
    }
}
