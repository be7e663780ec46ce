//! What can be wrong with an input file, and where: typed, so that each is worded once in
//! each language (English for the command line and scripts, Vietnamese for the window).
//! Details that come from a library (a JSON parser's or CSV reader's own message, an operating
//! system error) are quoted as the library gives them, inside the planner's wording.

use crate::lang::Language;
use std::fmt;

/// Where in an input a problem was found.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// The whole file.
    File(String),
    /// A line of a file (1-based), with its column when known.
    Line {
        file: Option<String>,
        line: u64,
        column: Option<u64>,
    },
    /// The n-th feature (1-based), and where it lies when known.
    Feature { n: u64, pos: Option<Box<At>> },
    /// A part of a GeoJSON file that starts at `pos`.
    Part { part: Part, pos: Box<At> },
    /// The planning layer chosen as the target of an import.
    TargetLayer,
    /// The field mapping of an import into a planning layer.
    FieldMapping,
    /// The name given to a new reference layer.
    LayerName,
}

impl At {
    pub fn line(line: u64) -> At {
        At::Line {
            file: None,
            line,
            column: None,
        }
    }

    pub fn file_line(file: impl Into<String>, line: u64) -> At {
        At::Line {
            file: Some(file.into()),
            line,
            column: None,
        }
    }

    pub fn feature(n: u64) -> At {
        At::Feature { n, pos: None }
    }

    /// The file the place names, if it names one.
    pub fn file(&self) -> Option<&str> {
        match self {
            At::File(f) => Some(f),
            At::Line { file, .. } => file.as_deref(),
            At::Feature { pos, .. } => pos.as_ref().and_then(|p| p.file()),
            At::Part { pos, .. } => pos.file(),
            At::TargetLayer | At::FieldMapping | At::LayerName => None,
        }
    }

    pub fn text(&self, lang: Language) -> String {
        let vi = lang == Language::Vi;
        match self {
            At::File(f) => f.clone(),
            At::Line { file, line, column } => {
                let mut s = String::new();
                if let Some(f) = file {
                    s.push_str(f);
                    s.push(' ');
                }
                s.push_str(&if vi {
                    format!("dòng {line}")
                } else {
                    format!("line {line}")
                });
                if let Some(c) = column {
                    s.push_str(&if vi {
                        format!(" cột {c}")
                    } else {
                        format!(" column {c}")
                    });
                }
                s
            }
            At::Feature { n, pos } => {
                let head = if vi {
                    format!("đối tượng {n}")
                } else {
                    format!("feature {n}")
                };
                match pos {
                    Some(p) => format!("{head} ({})", p.text(lang)),
                    None => head,
                }
            }
            At::Part { part, pos } => format!("{} ({})", part.text(lang), pos.text(lang)),
            At::TargetLayer => (if vi { "lớp đích" } else { "target layer" }).into(),
            At::FieldMapping => (if vi {
                "ghép trường"
            } else {
                "field mapping"
            })
            .into(),
            At::LayerName => (if vi { "tên lớp" } else { "layer name" }).into(),
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Language::En))
    }
}

/// A part of a GeoJSON file, named in messages about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// The top-level object.
    Object,
    /// A member of the top-level object, by key.
    Member(String),
    /// The `type` member.
    TypeMember,
    /// The `crs` member.
    CrsMember,
    /// A feature.
    Feature,
    /// `,` or `]` after a feature.
    AfterFeature,
    /// A member name (a string key).
    MemberName,
    /// `,` or `}` after a member.
    CommaOrBrace,
    /// `:` after a member name.
    Colon,
    /// A member's value.
    Value,
}

impl Part {
    pub fn text(&self, lang: Language) -> String {
        let vi = lang == Language::Vi;
        let t = |v: &str, e: &str| if vi { v.to_string() } else { e.to_string() };
        match self {
            Part::Object => t("một đối tượng GeoJSON ({ … })", "a GeoJSON object ({ … })"),
            Part::Member(k) => {
                if vi {
                    format!("thành phần {k:?}")
                } else {
                    format!("member {k:?}")
                }
            }
            Part::TypeMember => t("thành phần type", "the type member"),
            Part::CrsMember => t("thành phần crs", "the crs member"),
            Part::Feature => t("một đối tượng", "a feature"),
            Part::AfterFeature => t(", hoặc ] sau một đối tượng", ", or ] after a feature"),
            Part::MemberName => t("tên một thành phần", "a member name"),
            Part::CommaOrBrace => t(", hoặc }", ", or }"),
            Part::Colon => t(":", ":"),
            Part::Value => t("một giá trị", "a value"),
        }
    }
}

/// Which coordinates of a GeoJSON geometry a problem is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Coordinates {
    /// A ring of a polygon.
    Ring,
    /// The coordinates of a geometry of this type.
    Of(&'static str),
}

impl Coordinates {
    fn text(&self, lang: Language) -> String {
        match (self, lang) {
            (Coordinates::Ring, Language::En) => "a polygon ring".into(),
            (Coordinates::Ring, Language::Vi) => "một vòng đa giác".into(),
            (Coordinates::Of(t), Language::En) => format!("{t} coordinates"),
            (Coordinates::Of(t), Language::Vi) => format!("toạ độ {t}"),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    // The file as a whole.
    UnknownKind(String),
    ChooseLayer(Vec<String>),
    NotGeoPackage,
    NoFeatureTable(String),
    Empty,
    EndsEarly,
    EndsAfterFeature(u64),
    EndsInside(Part),
    FeatureTruncated,
    Expected {
        what: Part,
        found: char,
    },
    TrailingAfterObject(char),
    FeaturesNotArray,
    NotFeatureCollection(String),
    NotAFeature(String),
    UnknownGeometryType(String),
    NeedsCoordinates(String),
    PointPosition,
    NeedsGeometries,
    NotPositions(Coordinates),
    WrongNesting(Coordinates),
    /// The JSON parser's own message about a feature.
    JsonDetail(String),
    UnreadCrsName(String),
    FeatureTooLarge {
        mb: u64,
        max_mb: u64,
    },
    /// The JSON parser's own message about a part of the file.
    Json {
        part: Part,
        detail: String,
    },
    // CSV.
    NoCoordinateColumns(Vec<String>),
    NoColumns {
        x: String,
        y: String,
    },
    NotANumber {
        name: String,
        text: String,
    },
    NotFinite {
        name: String,
        text: String,
    },
    /// The CSV reader's own message.
    Csv(String),
    // Geometry.
    NonFiniteCoordinate,
    RingTooShort(usize),
    RingNotClosed,
    LineTooShort,
    Collection,
    BadGeometry(crate::store::geom::GeomError),
    CoordinateOutside {
        crs: String,
        detail: String,
    },
    NotASite(String),
    // Import into a planning layer.
    LayerNotImportable(String),
    NoNameField,
    TooManySites(usize),
    EmptyName(String),
    /// A mapped field's value that the site field refuses.
    FieldRefused {
        field: String,
        reason: crate::model::validate::Refusal,
    },
    // A new reference layer.
    EmptyLayerName,
    LayerExists(String),
    ReadingThread(String),
    ReadingThreadFailed,
    // Office files (Shapefile, MapInfo, DXF).
    /// A Shapefile part that must sit beside the `.shp` (".shx", ".dbf") is missing.
    MissingPart(String),
    /// The file's header is not what its format says (the detail in English and Vietnamese).
    BadHeader {
        en: String,
        vi: String,
    },
    /// The record counts of the parts disagree.
    CountsDisagree {
        shp: u64,
        dbf: u64,
    },
    /// A record ends before its declared size (or the file ends inside it).
    RecordTruncated,
    /// A record's content contradicts itself (the detail in English and Vietnamese).
    BadRecord {
        en: String,
        vi: String,
    },
    /// A shape type qn-planner does not read (MultiPatch, a MIF object…).
    UnsupportedShape(String),
    /// The declared coordinate system is not one qn-planner reads.
    UnreadDeclaration(String),
    /// A MapInfo TAB (binary), which is read once saved as MIF.
    TabFile,
}

impl Problem {
    pub fn text(&self, lang: Language) -> String {
        if lang == Language::En {
            return self.english();
        }
        match self {
            Problem::UnknownKind(ext) => {
                format!(
                    "không đọc được loại tệp '.{ext}' (GeoJSON, CSV, GeoPackage, Shapefile, MapInfo MIF, DXF)"
                )
            }
            Problem::ChooseLayer(l) => format!("hãy chọn một lớp của tệp: {}", l.join(", ")),
            Problem::NotGeoPackage => "không phải GeoPackage (không có gpkg_contents)".into(),
            Problem::NoFeatureTable(l) => format!("không có bảng đối tượng {l:?}"),
            Problem::Empty => "tệp rỗng".into(),
            Problem::EndsEarly => "tệp kết thúc sớm (bị cắt cụt?)".into(),
            Problem::EndsAfterFeature(n) => {
                format!("tệp kết thúc sau đối tượng {n} (bị cắt cụt?)")
            }
            Problem::EndsInside(p) => format!("tệp kết thúc giữa {}", p.text(lang)),
            Problem::FeatureTruncated => "tệp kết thúc giữa đối tượng này (bị cắt cụt?)".into(),
            Problem::Expected { what, found } => {
                format!("cần {}, nhưng gặp {found:?}", what.text(lang))
            }
            Problem::TrailingAfterObject(c) => {
                format!("có {c:?} thừa sau khi đối tượng GeoJSON đã kết thúc")
            }
            Problem::FeaturesNotArray => "features phải là một danh sách".into(),
            Problem::NotFeatureCollection(t) => {
                format!("cần một FeatureCollection GeoJSON, nhưng gặp type {t:?}")
            }
            Problem::NotAFeature(t) => {
                format!("cần một đối tượng có type \"Feature\", nhưng gặp type {t:?}")
            }
            Problem::UnknownGeometryType(t) => format!("không biết kiểu hình học {t:?}"),
            Problem::NeedsCoordinates(t) => format!("{t} cần có \"coordinates\""),
            Problem::PointPosition => "toạ độ của Point phải là một vị trí [x, y]".into(),
            Problem::NeedsGeometries => "GeometryCollection cần có \"geometries\"".into(),
            Problem::NotPositions(c) => {
                format!("{} phải là một danh sách vị trí", c.text(lang))
            }
            Problem::WrongNesting(c) => format!("{} lồng mảng sai cấp", c.text(lang)),
            Problem::JsonDetail(d) => format!("JSON không hợp lệ ({d})"),
            Problem::UnreadCrsName(n) => format!(
                "thành phần crs ghi {n:?}, hệ mà qn-planner không đọc (EPSG:4326, 4756, 5899, 3405, 3406)"
            ),
            Problem::FeatureTooLarge { mb, max_mb } => format!(
                "lớn hơn {mb} MB; qn-planner đọc đối tượng tới {max_mb} MB (hãy chia nhỏ hoặc đơn giản hoá trước)"
            ),
            Problem::Json { part, detail } => {
                format!("{}: JSON không hợp lệ ({detail})", part.text(lang))
            }
            Problem::NoCoordinateColumns(h) => {
                format!("không thấy cột toạ độ trong {h:?} (đặt tên lon/lat hoặc x/y)")
            }
            Problem::NoColumns { x, y } => format!("không có cột {x:?} hoặc {y:?}"),
            Problem::NotANumber { name, text } => format!("{name} {text:?} không phải là số"),
            Problem::NotFinite { name, text } => {
                format!("{name} {text:?} không phải là số hữu hạn")
            }
            Problem::Csv(d) => format!("CSV không đọc được ({d})"),
            Problem::NonFiniteCoordinate => "có toạ độ không phải số hữu hạn".into(),
            Problem::RingTooShort(n) => {
                format!("một vòng đa giác có {n} điểm (cần ít nhất 4)")
            }
            Problem::RingNotClosed => {
                "một vòng đa giác không khép kín (điểm đầu và cuối khác nhau)".into()
            }
            Problem::LineTooShort => "một đường có ít hơn 2 điểm".into(),
            Problem::Collection => "không hỗ trợ tập hợp hình học (GeometryCollection)".into(),
            Problem::BadGeometry(e) => format!("hình học hỏng ({e})"),
            Problem::CoordinateOutside { crs, detail } => {
                format!("toạ độ nằm ngoài {crs} ({detail})")
            }
            Problem::NotASite(t) => {
                format!("{t} không thể là địa điểm: lớp quy hoạch chứa điểm và đa giác")
            }
            Problem::LayerNotImportable(l) => format!("không nhập được đối tượng vào {l}"),
            Problem::NoNameField => "hãy chọn trường trong tệp cho tên của địa điểm".into(),
            Problem::TooManySites(n) => {
                format!("hơn {n} đối tượng: tệp lớn như vậy hãy nhập làm lớp tham khảo")
            }
            Problem::EmptyName(f) => format!("trường {f:?} (tên) để trống"),
            Problem::FieldRefused { field, reason } => {
                format!("trường {field:?}: {}", reason.text(lang))
            }
            Problem::EmptyLayerName => "để trống".into(),
            Problem::LayerExists(n) => format!("đã có lớp tên {n:?}"),
            Problem::ReadingThread(e) => format!("không khởi động được luồng đọc ({e})"),
            Problem::ReadingThreadFailed => "luồng đọc bị lỗi".into(),
            Problem::MissingPart(p) => {
                format!("thiếu tệp {p} đi kèm (một Shapefile gồm .shp, .shx và .dbf cùng tên)")
            }
            Problem::BadHeader { vi, .. } => format!("phần đầu tệp hỏng: {vi}"),
            Problem::CountsDisagree { shp, dbf } => {
                format!("số bản ghi không khớp: .shp/.shx có {shp}, .dbf có {dbf}")
            }
            Problem::RecordTruncated => "bản ghi bị cắt cụt (tệp kết thúc giữa bản ghi)".into(),
            Problem::BadRecord { vi, .. } => format!("bản ghi hỏng: {vi}"),
            Problem::UnsupportedShape(t) => format!("không đọc được {t}"),
            Problem::TabFile => "qn-planner không đọc tệp MapInfo TAB (dạng nhị phân): hãy lưu thành MIF trong MapInfo (File → Save Copy As… MIF) hoặc chuyển bằng ogr2ogr -f \"MapInfo File\" -dsco FORMAT=MIF".into(),
            Problem::UnreadDeclaration(w) => format!(
                "hệ toạ độ khai báo trong tệp là {w}, hệ mà qn-planner không đọc; hãy chọn hệ toạ độ"
            ),
        }
    }

    /// The English wording (the command line's).
    fn english(&self) -> String {
        match self {
            Problem::UnknownKind(ext) => {
                format!("unknown kind of file '.{ext}' (GeoJSON, CSV, GeoPackage, Shapefile, MapInfo MIF, DXF)")
            }
            Problem::ChooseLayer(l) => format!("choose one of its layers: {}", l.join(", ")),
            Problem::NotGeoPackage => "not a GeoPackage (no gpkg_contents)".into(),
            Problem::NoFeatureTable(l) => format!("no feature table {l:?}"),
            Problem::Empty => "the file is empty".into(),
            Problem::EndsEarly => "the file ends early (truncated?)".into(),
            Problem::EndsAfterFeature(n) => {
                format!("the file ends after feature {n} (truncated?)")
            }
            Problem::EndsInside(p) => format!("the file ends inside {}", p.text(Language::En)),
            Problem::FeatureTruncated => "the file ends inside this feature (truncated?)".into(),
            Problem::Expected { what, found } => {
                format!("expected {}, found {found:?}", what.text(Language::En))
            }
            Problem::TrailingAfterObject(c) => {
                format!("unexpected {c:?} after the end of the GeoJSON object")
            }
            Problem::FeaturesNotArray => "features must be an array".into(),
            Problem::NotFeatureCollection(t) => {
                format!("expected a GeoJSON FeatureCollection, found type {t:?}")
            }
            Problem::NotAFeature(t) => {
                format!("expected an object of type \"Feature\", found type {t:?}")
            }
            Problem::UnknownGeometryType(t) => format!("unknown geometry type {t:?}"),
            Problem::NeedsCoordinates(t) => format!("a {t} needs \"coordinates\""),
            Problem::PointPosition => "Point coordinates must be one position [x, y]".into(),
            Problem::NeedsGeometries => "a GeometryCollection needs \"geometries\"".into(),
            Problem::NotPositions(c) => {
                format!("{} must be an array of positions", c.text(Language::En))
            }
            Problem::WrongNesting(c) => {
                format!("{} has the wrong nesting of arrays", c.text(Language::En))
            }
            Problem::JsonDetail(d) => d.clone(),
            Problem::UnreadCrsName(n) => format!(
                "the crs member names {n:?}, which qn-planner does not read (EPSG:4326, 4756, 5899, 3405, 3406)"
            ),
            Problem::FeatureTooLarge { mb, max_mb } => format!(
                "larger than {mb} MB; qn-planner reads features of up to {max_mb} MB (split or simplify it first)"
            ),
            Problem::Json { part, detail } => format!("{}: {detail}", part.text(Language::En)),
            Problem::NoCoordinateColumns(h) => {
                format!("no coordinate columns found among {h:?} (name them lon/lat or x/y)")
            }
            Problem::NoColumns { x, y } => format!("no column {x:?} or {y:?}"),
            Problem::NotANumber { name, text } => format!("{name} {text:?} is not a number"),
            Problem::NotFinite { name, text } => {
                format!("{name} {text:?} is not a finite number")
            }
            Problem::Csv(d) => d.clone(),
            Problem::NonFiniteCoordinate => "a coordinate is not a finite number".into(),
            Problem::RingTooShort(n) => {
                format!("a polygon ring has {n} positions (at least 4 needed)")
            }
            Problem::RingNotClosed => {
                "a polygon ring is not closed (first and last positions differ)".into()
            }
            Problem::LineTooShort => "a line has fewer than 2 positions".into(),
            Problem::Collection => "geometry collections are not supported".into(),
            Problem::BadGeometry(e) => e.to_string(),
            Problem::CoordinateOutside { crs, detail } => {
                format!("coordinate outside {crs}: {detail}")
            }
            Problem::NotASite(t) => {
                format!("a {t} cannot be a site: planning layers hold points and polygons")
            }
            Problem::LayerNotImportable(l) => format!("features cannot be imported into {l}"),
            Problem::NoNameField => "choose the source field that gives each site its name".into(),
            Problem::TooManySites(n) => {
                format!("more than {n} features: import a file this large as a reference layer")
            }
            Problem::EmptyName(f) => format!("field {f:?} (the name) is empty"),
            Problem::FieldRefused { field, reason } => format!("field {field:?}: {reason}"),
            Problem::EmptyLayerName => "is empty".into(),
            Problem::LayerExists(n) => format!("a layer called {n:?} already exists"),
            Problem::ReadingThread(e) => format!("cannot start a reading thread: {e}"),
            Problem::ReadingThreadFailed => "the reading thread failed".into(),
            Problem::MissingPart(p) => {
                format!("its {p} is missing (a Shapefile is a .shp, .shx and .dbf of one name)")
            }
            Problem::BadHeader { en, .. } => format!("bad header: {en}"),
            Problem::CountsDisagree { shp, dbf } => {
                format!("the record counts disagree: the .shp/.shx holds {shp}, the .dbf {dbf}")
            }
            Problem::RecordTruncated => "the record is truncated (the file ends inside it)".into(),
            Problem::BadRecord { en, .. } => format!("bad record: {en}"),
            Problem::UnsupportedShape(t) => format!("{t} is not read"),
            Problem::TabFile => "MapInfo TAB (binary) is not read: save it as MIF in MapInfo (File → Save Copy As… MIF) or convert it with ogr2ogr -f \"MapInfo File\" -dsco FORMAT=MIF".into(),
            Problem::UnreadDeclaration(w) => {
                format!("the file declares {w}, which qn-planner does not read; give --crs")
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_reads_in_both_languages() {
        let p = Problem::NotANumber {
            name: "lon".into(),
            text: "abc".into(),
        };
        assert_eq!(p.to_string(), "lon \"abc\" is not a number");
        assert_eq!(p.text(Language::Vi), "lon \"abc\" không phải là số");
        let at = At::Feature {
            n: 3,
            pos: Some(Box::new(At::Line {
                file: Some("a.geojson".into()),
                line: 2,
                column: Some(7),
            })),
        };
        assert_eq!(at.to_string(), "feature 3 (a.geojson line 2 column 7)");
        assert_eq!(
            at.text(Language::Vi),
            "đối tượng 3 (a.geojson dòng 2 cột 7)"
        );
    }
}
