//! The locator: one search over everything the project holds — planning sites, towns of the
//! base map, administrative units by their pre-2025 and 2025 names (and the plan's 2006
//! districts), reference features by any of their fields, and coordinates typed as lon/lat or
//! VN-2000 E/N — with or without diacritics, results grouped by kind, best first.
//!
//! The app builds the reference layers' part on a worker ([`ReferenceIndex::build`]); the rest
//! ([`Locator::new`]) is small and built when the project changes.

mod coords;
mod index;

pub use coords::{Coordinate, parse as parse_coordinate};
pub use index::TextIndex;

use crate::io::basemap::Place;
use crate::io::crs::Tm3;
use crate::lang::Language;
use crate::model::admin::{AdminUnits, Era};
use crate::model::{Layer, Project};
use crate::store::{ReferenceLayer, StoreError};

/// What a hit is, in the order the groups are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Coordinate,
    Site,
    Place,
    Unit2025,
    UnitPre2025,
    District,
    Reference,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Coordinate,
        Kind::Site,
        Kind::Place,
        Kind::Unit2025,
        Kind::UnitPre2025,
        Kind::District,
        Kind::Reference,
    ];

    /// The group's heading.
    pub fn label(self, lang: Language) -> &'static str {
        let vi = lang == Language::Vi;
        match (self, vi) {
            (Kind::Coordinate, true) => "Toạ độ",
            (Kind::Coordinate, false) => "Coordinate",
            (Kind::Site, true) => "Địa điểm quy hoạch",
            (Kind::Site, false) => "Planning sites",
            (Kind::Place, true) => "Thị trấn, thành phố (bản đồ nền)",
            (Kind::Place, false) => "Towns (base map)",
            (Kind::Unit2025, true) => "Xã, phường từ 1/7/2025",
            (Kind::Unit2025, false) => "Communes and wards since 1 July 2025",
            (Kind::UnitPre2025, true) => "Xã, phường trước 1/7/2025",
            (Kind::UnitPre2025, false) => "Communes and wards before 1 July 2025",
            (Kind::District, true) => "Huyện (2006 và trước 2025)",
            (Kind::District, false) => "Districts (2006 and before 2025)",
            (Kind::Reference, true) => "Đối tượng lớp tham chiếu",
            (Kind::Reference, false) => "Reference features",
        }
    }
}

/// Where a hit takes the map.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A planning site (selected and zoomed to; one not located is only selected).
    Site(Layer, i64),
    /// A point (a town, a unit's approximate centre, a typed coordinate).
    Point { lon: f64, lat: f64 },
    /// An area: [min lon, min lat, max lon, max lat].
    Area([f64; 4]),
    /// A reference feature and its box [min lon, min lat, max lon, max lat].
    Feature {
        table: String,
        fid: i64,
        bbox: [f64; 4],
    },
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub label: String,
    /// What else tells it apart: the layer, the district, what it became.
    pub detail: String,
    pub target: Target,
    /// 0 (a field is the query) to 5 (inside a word); 0 for a coordinate.
    pub rank: u8,
}

/// The results of one query: the best of each kind, in group order, and how many of each
/// kind matched in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub counts: Vec<(Kind, usize)>,
}

impl Found {
    pub fn total(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

/// A record of the small part of the index.
#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    label: String,
    detail: String,
    target: Target,
}

/// Sites, places, units and districts (rebuilt when the project changes), plus the
/// reference features once their index is built.
#[derive(Debug, Default)]
pub struct Locator {
    text: TextIndex,
    entries: Vec<Entry>,
    tm3: Option<Tm3>,
    refs: Option<std::sync::Arc<ReferenceIndex>>,
}

impl Locator {
    /// The index of the project's sites, the base map's towns and the administrative units.
    pub fn new(project: &Project, places: &[Place], units: &AdminUnits, lang: Language) -> Self {
        let mut l = Locator {
            tm3: Tm3::new().ok(),
            ..Locator::default()
        };
        for s in &project.sites {
            let detail = if s.district_2006.is_empty() {
                s.layer.name(lang).to_string()
            } else {
                format!("{} · {}", s.layer.name(lang), s.district_2006)
            };
            l.add(
                Kind::Site,
                &[&s.name, &s.kind],
                s.name.clone(),
                detail,
                Target::Site(s.layer, s.fid),
            );
        }
        for p in places {
            l.add(
                Kind::Place,
                &[&p.label, &p.district],
                p.label.clone(),
                p.district.clone(),
                Target::Point {
                    lon: p.lonlat.x(),
                    lat: p.lonlat.y(),
                },
            );
        }
        let approx = match lang {
            Language::Vi => "tâm gần đúng",
            Language::En => "approximate centre",
        };
        for u in units.of(Era::Y2025) {
            let from: Vec<&str> = units
                .predecessors(&u.code)
                .into_iter()
                .map(|(o, _)| o.short_name())
                .collect();
            let detail = match lang {
                Language::Vi => format!("mã {} · từ {} · {approx}", u.code, from.join(", ")),
                Language::En => format!("code {} · from {} · {approx}", u.code, from.join(", ")),
            };
            l.add(
                Kind::Unit2025,
                &[&u.name, u.short_name(), &u.code],
                u.name.clone(),
                detail,
                Target::Point {
                    lon: u.lon,
                    lat: u.lat,
                },
            );
        }
        for u in units.of(Era::Pre2025) {
            let to: Vec<&str> = units
                .successors(&u.code)
                .into_iter()
                .map(|(n, _)| n.name.as_str())
                .collect();
            let detail = match lang {
                Language::Vi => format!("{} · mã {} · nay {}", u.district, u.code, to.join(", ")),
                Language::En => format!("{} · code {} · now {}", u.district, u.code, to.join(", ")),
            };
            l.add(
                Kind::UnitPre2025,
                &[&u.name, u.short_name(), &u.code],
                u.name.clone(),
                detail,
                Target::Point {
                    lon: u.lon,
                    lat: u.lat,
                },
            );
        }
        // Districts: the 13 before 2025 and the plan's 14 of 2006, each as the box of its
        // units' centres (no district boundary is open data).
        let mut districts: Vec<(&str, &str)> = units
            .of(Era::Pre2025)
            .map(|u| (u.district_code.as_str(), u.district.as_str()))
            .collect();
        districts.sort();
        districts.dedup();
        let area = |code: &str| {
            let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for u in units.of(Era::Pre2025).filter(|u| u.district_code == code) {
                b = [
                    b[0].min(u.lon),
                    b[1].min(u.lat),
                    b[2].max(u.lon),
                    b[3].max(u.lat),
                ];
            }
            (b[0] <= b[2]).then_some(b)
        };
        for (code, name) in &districts {
            if let Some(b) = area(code) {
                let detail = match lang {
                    Language::Vi => format!("trước 1/7/2025 · mã {code}"),
                    Language::En => format!("before 1 July 2025 · code {code}"),
                };
                l.add(
                    Kind::District,
                    &[name, code],
                    name.to_string(),
                    detail,
                    Target::Area(b),
                );
            }
        }
        for d in &units.districts_2006 {
            let Some(b) = area(&d.district_code) else {
                continue;
            };
            let now = districts
                .iter()
                .find(|(c, _)| *c == d.district_code)
                .map(|(_, n)| *n)
                .unwrap_or_default();
            let change = if d.change.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.change)
            };
            let detail = match lang {
                Language::Vi => format!("huyện năm 2006 · nay: {now}{change}"),
                Language::En => format!("district in 2006 · now: {now}{change}"),
            };
            let label = match lang {
                Language::Vi => format!("{} (2006)", d.name),
                Language::En => format!("{} (2006)", d.name),
            };
            l.add(Kind::District, &[&d.name], label, detail, Target::Area(b));
        }
        l
    }

    fn add(&mut self, kind: Kind, fields: &[&str], label: String, detail: String, target: Target) {
        self.text.push(fields);
        self.entries.push(Entry {
            kind,
            label,
            detail,
            target,
        });
    }

    /// Adds, replaces (or, `None`, takes away) the reference features' index.
    pub fn set_references(&mut self, refs: Option<std::sync::Arc<ReferenceIndex>>) {
        self.refs = refs;
    }

    /// Whether the reference features are searched yet.
    pub fn has_references(&self) -> bool {
        self.refs.is_some()
    }

    /// Everything matching `query`: at most `per_kind` hits of each kind, best first.
    pub fn search(&self, query: &str, per_kind: usize) -> Found {
        let mut groups: Vec<Group> = Kind::ALL.iter().map(|_| Group::new(per_kind)).collect();
        let slot = |k: Kind| Kind::ALL.iter().position(|x| *x == k).unwrap_or(0);
        if let Some(c) = self.tm3.as_ref().and_then(|t| parse_coordinate(query, t)) {
            groups[slot(Kind::Coordinate)].offer(0, &|_| 0, &|rank| Hit {
                kind: Kind::Coordinate,
                label: format!("{:.5}° N, {:.5}° E", c.lat, c.lon),
                detail: c.read_as.clone(),
                target: Target::Point {
                    lon: c.lon,
                    lat: c.lat,
                },
                rank,
            });
        }
        self.text.search(query, &mut |i, rank| {
            let e = &self.entries[i];
            groups[slot(e.kind)].offer(i, rank, &|rank| Hit {
                kind: e.kind,
                label: e.label.clone(),
                detail: e.detail.clone(),
                target: e.target.clone(),
                rank,
            });
        });
        if let Some(refs) = &self.refs {
            groups[slot(Kind::Reference)] = refs.search(query, per_kind);
        }
        let mut found = Found::default();
        for (k, g) in Kind::ALL.iter().zip(groups) {
            if g.count > 0 {
                found.counts.push((*k, g.count));
                found.hits.extend(g.into_hits());
            }
        }
        found
    }
}

/// The best hits of one kind so far, and how many matched.
struct Group {
    /// The kept hits with their record's place in the index, best first: by rank, then in
    /// the index's order — so a search in parts keeps exactly what one pass keeps.
    hits: Vec<(usize, Hit)>,
    count: usize,
    per_kind: usize,
}

impl Group {
    fn new(per_kind: usize) -> Self {
        Group {
            hits: Vec::with_capacity(per_kind + 1),
            count: 0,
            per_kind,
        }
    }

    /// Counts record `seq`'s match and keeps it when it is among the best `per_kind`. Records
    /// come in index order, so once the group is full only a better rank than its worst gets
    /// in: the rank is worked out only that far, and the hit built only when kept.
    fn offer(&mut self, seq: usize, rank: index::Rank<'_>, hit: &dyn Fn(u8) -> Hit) {
        self.count += 1;
        let all = index::INSIDE + 1;
        let limit = if self.hits.len() < self.per_kind {
            all
        } else {
            self.hits.last().map_or(all, |(_, w)| w.rank)
        };
        let r = rank(limit);
        if r < limit {
            self.insert(seq, hit(r));
        }
    }

    fn insert(&mut self, seq: usize, h: Hit) {
        let at = self
            .hits
            .partition_point(|(s, x)| (x.rank, *s) <= (h.rank, seq));
        self.hits.insert(at, (seq, h));
        self.hits.truncate(self.per_kind);
    }

    /// Takes in the hits and count of a part searched apart.
    fn merge(&mut self, other: Group) {
        self.count += other.count;
        for (seq, h) in other.hits {
            self.insert(seq, h);
        }
    }

    fn into_hits(self) -> impl Iterator<Item = Hit> {
        self.hits.into_iter().map(|(_, h)| h)
    }
}

/// The text of every reference feature, its layer and its box, searchable.
#[derive(Debug, Default)]
pub struct ReferenceIndex {
    text: TextIndex,
    layers: Vec<ReferenceLayer>,
    /// Per record: its layer (index into `layers`), fid and box.
    features: Vec<RefFeature>,
    /// Every record's values as written, separated by U+001F, and where each record starts
    /// (one more at the end): what a hit shows.
    values: String,
    value_starts: Vec<u32>,
}

#[derive(Debug, Clone)]
struct RefFeature {
    layer: u32,
    fid: i64,
    bbox: [f32; 4],
}

impl ReferenceIndex {
    /// Reads every reference layer of the project at `path` on a connection of its own (the
    /// caller's worker): all attribute values of every feature, and its box from the R-tree.
    /// `cancelled` is asked between layers.
    pub fn build(
        path: &std::path::Path,
        layers: &[ReferenceLayer],
        cancelled: &dyn Fn() -> bool,
    ) -> Result<ReferenceIndex, StoreError> {
        let mut ix = ReferenceIndex {
            layers: layers.to_vec(),
            value_starts: vec![0],
            ..ReferenceIndex::default()
        };
        for (li, layer) in layers.iter().enumerate() {
            if cancelled() {
                break;
            }
            let reader = crate::store::LayerReader::open(path, &layer.table)?;
            let boxes: std::collections::HashMap<i64, [f64; 4]> =
                reader.entries(None)?.into_iter().collect();
            reader.texts(&mut |fid, values| {
                ix.text.push(values);
                for (k, v) in values.iter().filter(|v| !v.trim().is_empty()).enumerate() {
                    if k > 0 {
                        ix.values.push('\u{1f}');
                    }
                    ix.values.extend(
                        v.trim()
                            .chars()
                            .map(|c| if c.is_control() { ' ' } else { c }),
                    );
                }
                ix.value_starts
                    .push(u32::try_from(ix.values.len()).unwrap_or(u32::MAX));
                // R-tree boxes are [min x, max x, min y, max y].
                let b = boxes.get(&fid).copied().unwrap_or([0.0; 4]);
                ix.features.push(RefFeature {
                    layer: li as u32,
                    fid,
                    bbox: [b[0] as f32, b[2] as f32, b[1] as f32, b[3] as f32],
                });
            })?;
        }
        Ok(ix)
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.text.heap_bytes()
            + self.features.capacity() * std::mem::size_of::<RefFeature>()
            + self.values.capacity()
            + self.value_starts.capacity() * 4
    }

    /// The reference features matching `query`: the best `per_kind` and how many. A large
    /// index is searched in parts on the machine's cores.
    fn search(&self, query: &str, per_kind: usize) -> Group {
        let n = self.features.len();
        let threads = if n < 50_000 {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |p| p.get().min(4))
        };
        let search_part = |records: std::ops::Range<usize>| {
            let mut g = Group::new(per_kind);
            self.text.search_records(query, records, &mut |i, rank| {
                g.offer(i, rank, &|rank| self.hit(i, rank, query));
            });
            g
        };
        if threads == 1 {
            return search_part(0..n);
        }
        let step = n.div_ceil(threads);
        let parts: Vec<Group> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let r = (t * step).min(n)..((t + 1) * step).min(n);
                    s.spawn(move || search_part(r))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut all = Group::new(per_kind);
        for p in parts {
            all.merge(p);
        }
        all
    }

    /// Record `i`'s values as written.
    fn values_of(&self, i: usize) -> impl Iterator<Item = &str> {
        let (a, b) = (
            self.value_starts[i] as usize,
            self.value_starts[i + 1] as usize,
        );
        self.values
            .get(a..b)
            .unwrap_or_default()
            .split('\u{1f}')
            .filter(|v| !v.is_empty())
    }

    /// Hit `i`: named by its first value that is not a bare number (a parcel's "Thửa số 15",
    /// not its id), with the layer and the other values that hold a word of `query`.
    fn hit(&self, i: usize, rank: u8, query: &str) -> Hit {
        let f = &self.features[i];
        let l = &self.layers[f.layer as usize];
        let values: Vec<&str> = self.values_of(i).collect();
        let is_number = |v: &str| v.parse::<f64>().is_ok();
        let label = values
            .iter()
            .find(|v| !is_number(v))
            .or(values.first())
            .map_or_else(|| format!("#{}", f.fid), |v| v.to_string());
        let words: Vec<String> = crate::model::text::fold(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let matching: Vec<&str> = values
            .iter()
            .filter(|v| **v != label && !is_number(v))
            .filter(|v| {
                let fv = crate::model::text::fold(v);
                words.iter().any(|w| fv.contains(w.as_str()))
            })
            .take(2)
            .copied()
            .collect();
        let mut detail = l.name.clone();
        for m in matching {
            detail.push_str(" · ");
            detail.push_str(m);
        }
        detail.push_str(&format!(" · #{}", f.fid));
        let b = f.bbox.map(f64::from);
        Hit {
            kind: Kind::Reference,
            label,
            detail,
            target: Target::Feature {
                table: l.table.clone(),
                fid: f.fid,
                bbox: b,
            },
            rank,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference index of `n` parcels built in memory.
    fn parcels(n: usize) -> ReferenceIndex {
        let mut ix = ReferenceIndex {
            layers: vec![ReferenceLayer {
                table: "thua".into(),
                name: "Thửa đất".into(),
                source: String::new(),
                source_crs: 4326,
                color: String::new(),
                features: n as i64,
            }],
            value_starts: vec![0],
            ..ReferenceIndex::default()
        };
        let owners = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"];
        for i in 0..n {
            let values = [
                format!("{i}"),
                format!("Thửa số {i}"),
                owners[i % 3].to_string(),
            ];
            ix.text.push(&values);
            ix.values.push_str(&values.join("\u{1f}"));
            ix.value_starts.push(ix.values.len() as u32);
            ix.features.push(RefFeature {
                layer: 0,
                fid: i as i64 + 1,
                bbox: [107.0, 21.0, 107.001, 21.001],
            });
        }
        ix
    }

    #[test]
    fn a_large_index_searched_in_parts_finds_what_one_pass_finds() {
        let ix = parcels(60_000);
        for q in ["thua so 1", "van", "Trần", "59999", "a", "nothing here"] {
            let parts = ix.search(q, 8);
            let mut one = Group::new(8);
            ix.text.search(q, &mut |i, rank| {
                one.offer(i, rank, &|rank| ix.hit(i, rank, q));
            });
            assert_eq!(parts.count, one.count, "{q}");
            assert_eq!(parts.hits, one.hits, "{q}");
        }
        let best = ix.search("thua so 15", 3);
        assert_eq!(best.hits[0].1.label, "Thửa số 15");
        assert_eq!(best.hits[0].1.rank, 0);
        assert_eq!(best.hits[0].1.detail, "Thửa đất · #16");
    }
}
