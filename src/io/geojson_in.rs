//! A streaming reader of GeoJSON FeatureCollections. The file is read in 1 MiB chunks; a
//! byte scanner finds where each element of `features` ends, and only that slice is parsed
//! (strings borrowed, coordinates straight into positions), so memory stays at one chunk
//! plus one feature however large the file is. Every error names the feature and its line.

use super::crs::Crs;
use super::feature::{ImportError, RawFeature, Value, bad};
use super::problem::{At, Coordinates, Part, Problem};
use crate::model::text::nfc;
use geo_types::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::io::Read;

const CHUNK: usize = 1 << 20;
const FIRST: usize = 64 << 10;
/// The largest single feature (or top-level member) read: 128 MiB of JSON, about three
/// million vertices. A larger one is refused with a message rather than read into memory.
pub const MAX_FEATURE_BYTES: usize = 128 << 20;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Start,
    Members { first: bool },
    Features { first: bool },
    Done,
}

/// Pulls the features of a FeatureCollection one at a time.
pub struct GeoJsonReader<R> {
    src: R,
    path: String,
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    /// Input bytes before `buf[0]`.
    base: u64,
    /// 1-based line of `buf[start]`, and the input offset where that line begins.
    line: u64,
    line_start: u64,
    state: State,
    count: u64,
    crs: Option<Crs>,
    typ: Option<String>,
}

impl<R: Read> GeoJsonReader<R> {
    /// A reader of `src`; `path` names the input in messages.
    pub fn new(src: R, path: &str) -> Self {
        GeoJsonReader {
            src,
            path: path.to_string(),
            buf: Vec::new(),
            start: 0,
            eof: false,
            base: 0,
            line: 1,
            line_start: 0,
            state: State::Start,
            count: 0,
            crs: None,
            typ: None,
        }
    }

    /// Input bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.base + self.start as u64
    }

    /// The system the `crs` member declares, once it has been read (it usually comes before
    /// `features`; [`Self::next_feature`] returning `None` means the whole object was read).
    pub fn declared(&self) -> Option<Crs> {
        self.crs
    }

    fn here(&self) -> At {
        let col = self.consumed() - self.line_start + 1;
        At::Line {
            file: Some(self.path.clone()),
            line: self.line,
            column: Some(col),
        }
    }

    fn io(&self, e: std::io::Error) -> ImportError {
        ImportError::Io {
            path: self.path.clone(),
            source: Box::new(e),
        }
    }

    /// Reads another chunk; false at the end of the input.
    fn more(&mut self) -> Result<bool, ImportError> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        // A small first read (most files opened to look at are small); then grow with the
        // pending value so a huge feature is not rescanned chunk by chunk.
        let want = if self.base == 0 && self.buf.is_empty() {
            FIRST
        } else {
            // Never more than one feature's limit and a chunk in memory.
            let pending = self.buf.len();
            CHUNK
                .max(pending)
                .min((MAX_FEATURE_BYTES + CHUNK).saturating_sub(pending))
                .max(CHUNK)
        };
        let len = self.buf.len();
        self.buf.resize(len + want, 0);
        let n = loop {
            match self.src.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(self.io(e));
                }
            }
        };
        self.buf.truncate(len + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn advance(&mut self, n: usize) {
        let s = &self.buf[self.start..self.start + n];
        if let Some(last) = memchr::memrchr(b'\n', s) {
            self.line += memchr::memchr_iter(b'\n', s).count() as u64;
            self.line_start = self.consumed() + last as u64 + 1;
        }
        self.start += n;
    }

    /// Skips white space; the next byte, or `None` at the end of the input.
    fn skip_ws(&mut self) -> Result<Option<u8>, ImportError> {
        loop {
            let s = &self.buf[self.start..];
            match s
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                Some(k) => {
                    self.advance(k);
                    return Ok(Some(self.buf[self.start]));
                }
                None => {
                    let k = s.len();
                    self.advance(k);
                    if !self.more()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// The length of the JSON value starting at `buf[start]`, reading more input as needed;
    /// `None` when the input ends inside it. Only brackets and strings are tracked: the
    /// slice is then parsed properly, which catches everything else.
    fn value_len(&mut self, at: &At) -> Result<Option<usize>, ImportError> {
        match self.value_len_unchecked(at)? {
            Some(n) if n > MAX_FEATURE_BYTES => Err(too_large(at)),
            n => Ok(n),
        }
    }

    fn value_len_unchecked(&mut self, at: &At) -> Result<Option<usize>, ImportError> {
        let mut i = 0usize;
        let mut depth = 0usize;
        let mut in_str = false;
        loop {
            let s = &self.buf[self.start..];
            while i < s.len() {
                if in_str {
                    match memchr::memchr2(b'"', b'\\', &s[i..]) {
                        None => i = s.len(),
                        Some(k) => {
                            i += k;
                            if s[i] == b'\\' {
                                i += 2;
                            } else {
                                in_str = false;
                                i += 1;
                                if depth == 0 {
                                    return Ok(Some(i));
                                }
                            }
                        }
                    }
                    continue;
                }
                match s[i] {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        if depth == 0 {
                            return Ok(Some(i));
                        }
                        depth -= 1;
                        if depth == 0 {
                            return Ok(Some(i + 1));
                        }
                    }
                    b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return Ok(Some(i)),
                    _ => {}
                }
                i += 1;
            }
            if i > MAX_FEATURE_BYTES {
                return Err(too_large(at));
            }
            if !self.more()? {
                let len = self.buf.len() - self.start;
                // A bare number or literal may end the input (it is then not valid here).
                return Ok((depth == 0 && !in_str && i == len && len > 0).then_some(len));
            }
        }
    }

    /// Parses the next JSON value of the top-level object as `T`.
    fn member<T: for<'de> Deserialize<'de>>(&mut self, what: Part) -> Result<T, ImportError> {
        let at = self.here();
        let whole = At::Part {
            part: what.clone(),
            pos: Box::new(at.clone()),
        };
        let Some(len) = self.value_len(&whole)? else {
            return Err(bad(at, Problem::EndsInside(what)));
        };
        let slice = &self.buf[self.start..self.start + len];
        let v = serde_json::from_slice::<T>(slice).map_err(|e| {
            bad(
                self.at_error(&e),
                Problem::Json {
                    part: what,
                    detail: message(&e),
                },
            )
        })?;
        self.advance(len);
        Ok(v)
    }

    /// Where a serde_json error on the slice at `buf[start]` happened, in the whole input.
    fn at_error(&self, e: &serde_json::Error) -> At {
        let col0 = self.consumed() - self.line_start;
        let (line, col) = match e.line() {
            0 | 1 => (self.line, col0 + e.column().max(1) as u64),
            l => (self.line + l as u64 - 1, e.column() as u64),
        };
        At::Line {
            file: Some(self.path.clone()),
            line,
            column: Some(col),
        }
    }

    fn expected(&self, what: Part, got: Option<u8>) -> ImportError {
        match got {
            None if self.count > 0 => bad(self.here(), Problem::EndsAfterFeature(self.count)),
            None => bad(self.here(), Problem::EndsEarly),
            Some(b) => bad(
                self.here(),
                Problem::Expected {
                    what,
                    found: char::from(b),
                },
            ),
        }
    }

    /// The next feature, `None` after the last one. After an error, stop reading.
    pub fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    while self.buf.len() - self.start < 3 && self.more()? {}
                    if self.buf[self.start..].starts_with(&[0xef, 0xbb, 0xbf]) {
                        self.advance(3);
                    }
                    match self.skip_ws()? {
                        Some(b'{') => {
                            self.advance(1);
                            self.state = State::Members { first: true };
                        }
                        None => return Err(bad(At::File(self.path.clone()), Problem::Empty)),
                        got => return Err(self.expected(Part::Object, got)),
                    }
                }
                State::Members { first } => {
                    match self.skip_ws()? {
                        Some(b'}') => {
                            self.advance(1);
                            self.state = State::Done;
                            if let Some(b) = self.skip_ws()? {
                                return Err(bad(
                                    self.here(),
                                    Problem::TrailingAfterObject(char::from(b)),
                                ));
                            }
                            if self.typ.as_deref() != Some("FeatureCollection") {
                                return Err(self.not_a_collection());
                            }
                            return Ok(None);
                        }
                        Some(b',') if !first => {
                            self.advance(1);
                            match self.skip_ws()? {
                                Some(b'"') => {}
                                got => return Err(self.expected(Part::MemberName, got)),
                            }
                        }
                        Some(b'"') if first => {}
                        got => {
                            return Err(self.expected(
                                if first {
                                    Part::MemberName
                                } else {
                                    Part::CommaOrBrace
                                },
                                got,
                            ));
                        }
                    }
                    let key: String = self.member(Part::MemberName)?;
                    match self.skip_ws()? {
                        Some(b':') => self.advance(1),
                        got => return Err(self.expected(Part::Colon, got)),
                    }
                    match self.skip_ws()? {
                        None => return Err(self.expected(Part::Value, None)),
                        Some(b) if key == "features" => {
                            if b != b'[' {
                                return Err(bad(self.here(), Problem::FeaturesNotArray));
                            }
                            if self
                                .typ
                                .as_deref()
                                .is_some_and(|t| t != "FeatureCollection")
                            {
                                return Err(self.not_a_collection());
                            }
                            self.advance(1);
                            self.state = State::Features { first: true };
                            continue;
                        }
                        Some(_) => {}
                    }
                    match key.as_str() {
                        "type" => self.typ = Some(self.member(Part::TypeMember)?),
                        "crs" => {
                            let at = self.here();
                            let v: serde_json::Value = self.member(Part::CrsMember)?;
                            let name = v
                                .pointer("/properties/name")
                                .and_then(|n| n.as_str())
                                .unwrap_or_default();
                            match Crs::parse(name) {
                                Some(c) => self.crs = Some(c),
                                None => {
                                    return Err(bad(at, Problem::UnreadCrsName(name.to_string())));
                                }
                            }
                        }
                        _ => {
                            let _: IgnoredAny = self.member(Part::Member(key.clone()))?;
                        }
                    }
                    self.state = State::Members { first: false };
                }
                State::Features { first } => {
                    match self.skip_ws()? {
                        Some(b']') => {
                            self.advance(1);
                            self.state = State::Members { first: false };
                            continue;
                        }
                        Some(b',') if !first => {
                            self.advance(1);
                            if self.skip_ws()?.is_none() {
                                return Err(self.expected(Part::Feature, None));
                            }
                        }
                        Some(_) if first => {}
                        got => return Err(self.expected(Part::AfterFeature, got)),
                    }
                    self.state = State::Features { first: false };
                    let n = self.count + 1;
                    let at = At::Feature {
                        n,
                        pos: Some(Box::new(self.here())),
                    };
                    let Some(len) = self.value_len(&at)? else {
                        return Err(bad(at, Problem::FeatureTruncated));
                    };
                    let slice = &self.buf[self.start..self.start + len];
                    let feature = match serde_json::from_slice::<FeatureIn>(slice) {
                        Ok(f) => f,
                        Err(e) => {
                            return Err(bad(
                                At::Feature {
                                    n,
                                    pos: Some(Box::new(self.at_error(&e))),
                                },
                                Problem::JsonDetail(message(&e)),
                            ));
                        }
                    };
                    let feature = feature.into_raw().map_err(|m| bad(at, m))?;
                    self.advance(len);
                    self.count = n;
                    return Ok(Some(feature));
                }
            }
        }
    }

    fn not_a_collection(&self) -> ImportError {
        bad(
            At::File(self.path.clone()),
            Problem::NotFeatureCollection(self.typ.clone().unwrap_or_default()),
        )
    }
}

/// serde_json's message without its position (given in the whole input instead).
fn too_large(at: &At) -> ImportError {
    bad(
        at.clone(),
        Problem::FeatureTooLarge {
            mb: (MAX_FEATURE_BYTES >> 20) as u64,
            max_mb: (MAX_FEATURE_BYTES >> 20) as u64,
        },
    )
}

fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A string borrowed from the input when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(rename = "type", borrow)]
    typ: Str<'a>,
    #[serde(default, borrow)]
    geometry: Option<GeomIn<'a>>,
    #[serde(default)]
    properties: Option<Props>,
}

impl FeatureIn<'_> {
    fn into_raw(self) -> Result<RawFeature, Problem> {
        if self.typ.0 != "Feature" {
            return Err(Problem::NotAFeature(self.typ.0.to_string()));
        }
        Ok(RawFeature {
            geom: self.geometry.map(GeomIn::into_geo).transpose()?,
            attrs: self.properties.map(|p| p.0).unwrap_or_default(),
        })
    }
}

/// Properties in file order, keys and text in NFC; a repeated key keeps its last value.
struct Props(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Props {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Props;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of properties")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Props, A::Error> {
                let mut out: Vec<(String, Value)> = Vec::new();
                while let Some(k) = map.next_key::<Str>()? {
                    let v = map.next_value::<Prop>()?.0;
                    let k = nfc(&k.0);
                    match out.iter_mut().find(|(o, _)| *o == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Ok(Props(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// One property value; arrays and objects are kept as their JSON text.
struct Prop(Value);

impl<'de> Deserialize<'de> for Prop {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Prop;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a property value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Prop, E> {
                Ok(Prop(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Prop, E> {
                Ok(Prop(Value::Null))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Prop, E> {
                Ok(Prop(Value::Int(i64::from(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Prop, E> {
                Ok(Prop(Value::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Prop, E> {
                Ok(Prop(match i64::try_from(v) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Real(v as f64),
                }))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Prop, E> {
                Ok(Prop(Value::Real(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Prop, E> {
                Ok(Prop(Value::Text(nfc(v))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Prop, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Prop(Value::Text(nfc(&v.to_string()))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Prop, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Prop(Value::Text(nfc(&v.to_string()))))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct GeomIn<'a> {
    #[serde(rename = "type", borrow)]
    typ: Str<'a>,
    #[serde(default)]
    coordinates: Option<Coords>,
    #[serde(default, borrow)]
    geometries: Option<Vec<GeomIn<'a>>>,
}

/// Coordinates of any depth: a position, a list of positions, or a list of lists.
#[derive(Debug)]
enum Coords {
    Pos(Coord<f64>),
    Line(Vec<Coord<f64>>),
    List(Vec<Coords>),
}

/// The first element of a coordinate array decides what the array is.
enum First {
    Num(f64),
    Coords(Coords),
}

impl<'de> Deserialize<'de> for First {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = First;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or an array")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<First, E> {
                Ok(First::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<First, E> {
                Ok(First::Num(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<First, E> {
                Ok(First::Num(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<First, A::Error> {
                CoordsV.visit_seq(seq).map(First::Coords)
            }
        }
        d.deserialize_any(V)
    }
}

/// A position: at least two numbers (a third and fourth, z and m, are read and dropped).
struct Pos(Coord<f64>);

impl<'de> Deserialize<'de> for Pos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pos;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [x, y]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pos, A::Error> {
                let x = seq
                    .next_element::<f64>()?
                    .ok_or_else(|| de::Error::custom("a position needs two numbers"))?;
                position_rest(x, seq).map(Pos)
            }
        }
        d.deserialize_seq(V)
    }
}

fn position_rest<'de, A: SeqAccess<'de>>(x: f64, mut seq: A) -> Result<Coord<f64>, A::Error> {
    let y = seq
        .next_element::<f64>()?
        .ok_or_else(|| de::Error::custom("a position needs two numbers"))?;
    while seq.next_element::<f64>()?.is_some() {}
    Ok(Coord { x, y })
}

struct CoordsV;

impl<'de> Visitor<'de> for CoordsV {
    type Value = Coords;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of coordinates")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coords, A::Error> {
        match seq.next_element::<First>()? {
            None => Ok(Coords::List(Vec::new())),
            Some(First::Num(x)) => position_rest(x, seq).map(Coords::Pos),
            Some(First::Coords(Coords::Pos(p))) => {
                let mut line = Vec::with_capacity(seq.size_hint().unwrap_or(8) + 1);
                line.push(p);
                while let Some(Pos(p)) = seq.next_element::<Pos>()? {
                    line.push(p);
                }
                Ok(Coords::Line(line))
            }
            Some(First::Coords(c)) => {
                let mut list = vec![c];
                while let Some(c) = seq.next_element::<Coords>()? {
                    list.push(c);
                }
                Ok(Coords::List(list))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Coords {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(CoordsV)
    }
}

fn positions(c: Coords, what: Coordinates) -> Result<Vec<Coord<f64>>, Problem> {
    match c {
        Coords::Line(v) => Ok(v),
        Coords::List(v) if v.is_empty() => Ok(Vec::new()),
        _ => Err(Problem::NotPositions(what)),
    }
}

fn list(c: Coords, what: Coordinates) -> Result<Vec<Coords>, Problem> {
    match c {
        Coords::List(v) => Ok(v),
        // A list of one-position lists would read as a line of positions.
        _ => Err(Problem::WrongNesting(what)),
    }
}

fn ring(c: Coords) -> Result<LineString<f64>, Problem> {
    let r = positions(c, Coordinates::Ring)?;
    if r.len() < 4 {
        return Err(Problem::RingTooShort(r.len()));
    }
    if r.first() != r.last() {
        return Err(Problem::RingNotClosed);
    }
    Ok(LineString(r))
}

fn polygon(c: Coords) -> Result<Polygon<f64>, Problem> {
    let mut rings = list(c, Coordinates::Of("Polygon"))?.into_iter().map(ring);
    let Some(exterior) = rings.next().transpose()? else {
        return Ok(Polygon::new(LineString(Vec::new()), Vec::new()));
    };
    let holes = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, holes))
}

fn line(c: Coords) -> Result<LineString<f64>, Problem> {
    let l = positions(c, Coordinates::Of("LineString"))?;
    if l.len() < 2 {
        return Err(Problem::LineTooShort);
    }
    Ok(LineString(l))
}

impl GeomIn<'_> {
    fn into_geo(self) -> Result<Geometry<f64>, Problem> {
        let typ = self.typ.0;
        if typ == "GeometryCollection" {
            let parts = self
                .geometries
                .ok_or(Problem::NeedsGeometries)?
                .into_iter()
                .map(GeomIn::into_geo)
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Geometry::GeometryCollection(GeometryCollection(parts)));
        }
        let known = [
            "Point",
            "MultiPoint",
            "LineString",
            "MultiLineString",
            "Polygon",
            "MultiPolygon",
        ];
        if !known.contains(&typ.as_ref()) {
            return Err(Problem::UnknownGeometryType(typ.to_string()));
        }
        let c = self
            .coordinates
            .ok_or_else(|| Problem::NeedsCoordinates(typ.to_string()))?;
        Ok(match typ.as_ref() {
            "Point" => match c {
                Coords::Pos(p) => Geometry::Point(Point(p)),
                _ => return Err(Problem::PointPosition),
            },
            "MultiPoint" => Geometry::MultiPoint(MultiPoint(
                positions(c, Coordinates::Of("MultiPoint"))?
                    .into_iter()
                    .map(Point)
                    .collect(),
            )),
            "LineString" => Geometry::LineString(line(c)?),
            "MultiLineString" => Geometry::MultiLineString(MultiLineString(
                list(c, Coordinates::Of("MultiLineString"))?
                    .into_iter()
                    .map(line)
                    .collect::<Result<_, _>>()?,
            )),
            "Polygon" => Geometry::Polygon(polygon(c)?),
            _ => Geometry::MultiPolygon(MultiPolygon(
                list(c, Coordinates::Of("MultiPolygon"))?
                    .into_iter()
                    .map(polygon)
                    .collect::<Result<_, _>>()?,
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8], chunk: usize) -> Result<Vec<RawFeature>, ImportError> {
        // A reader handing out `chunk` bytes at a time, to cross every boundary.
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = GeoJsonReader::new(Slow(text, chunk), "t.geojson");
        let mut out = Vec::new();
        while let Some(f) = r.next_feature()? {
            out.push(f);
        }
        Ok(out)
    }

    const TEXT: &str = "\u{feff}{\"type\": \"FeatureCollection\", \"name\": \"x\", \"bbox\": [1, 2, 3, 4],\n \"features\": [\n  {\"type\": \"Feature\", \"id\": 7, \"properties\": {\"t\\u00ean\": \"H\\u1ea1 Long \\\"]}\", \"n\": 3, \"r\": 1.5, \"b\": true, \"o\": {\"a\": [1]}, \"z\": null},\n   \"geometry\": {\"coordinates\": [[[107, 21], [107.1, 21], [107.1, 21.1], [107, 21]]], \"type\": \"Polygon\"}},\n  {\"type\": \"Feature\", \"properties\": null, \"geometry\": {\"type\": \"MultiPoint\", \"coordinates\": [[1, 2, 3], [4, 5]]}},\n  {\"type\": \"Feature\", \"geometry\": null}\n ]\n}\n";

    #[test]
    fn reads_across_any_chunk_boundary() {
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            let fs = read_all(TEXT.as_bytes(), chunk).unwrap();
            assert_eq!(fs.len(), 3, "chunk {chunk}");
            assert_eq!(
                fs[0].attrs[0],
                ("tên".into(), Value::Text("Hạ Long \"]}".into()))
            );
            assert_eq!(fs[0].attrs[1], ("n".into(), Value::Int(3)));
            assert_eq!(fs[0].attrs[2], ("r".into(), Value::Real(1.5)));
            assert_eq!(fs[0].attrs[3], ("b".into(), Value::Int(1)));
            assert_eq!(
                fs[0].attrs[4],
                ("o".into(), Value::Text("{\"a\":[1]}".into()))
            );
            assert_eq!(fs[0].attrs[5], ("z".into(), Value::Null));
            let Some(Geometry::Polygon(p)) = &fs[0].geom else {
                panic!("{:?}", fs[0].geom)
            };
            assert_eq!(p.exterior().0.len(), 4);
            assert_eq!(p.exterior().0[1], Coord { x: 107.1, y: 21.0 });
            let Some(Geometry::MultiPoint(mp)) = &fs[1].geom else {
                panic!()
            };
            assert_eq!(mp.0[1], Point::new(4.0, 5.0));
            assert!(fs[2].geom.is_none() && fs[2].attrs.is_empty());
        }
    }

    #[test]
    fn errors_name_the_feature_and_its_line() {
        let bad = TEXT.replace("[4, 5]", "[4, \"5\"]");
        let e = read_all(bad.as_bytes(), 5).unwrap_err().to_string();
        assert!(e.starts_with("feature 2 (t.geojson line 5 column"), "{e}");
        let cut = &TEXT.as_bytes()[..200];
        let e = read_all(cut, 3).unwrap_err().to_string();
        assert!(e.contains("feature 1") && e.contains("truncated"), "{e}");
        let open = TEXT.replace("[107.1, 21.1], [107, 21]", "[107.1, 21.1], [107, 21.1]");
        let e = read_all(open.as_bytes(), 64).unwrap_err().to_string();
        assert!(e.contains("feature 1") && e.contains("not closed"), "{e}");
        let after = format!("{TEXT} x");
        let e = read_all(after.as_bytes(), 64).unwrap_err().to_string();
        assert!(e.contains("after the end"), "{e}");
        let e = read_all(br#"{"type":"Feature","geometry":null}"#, 64)
            .unwrap_err()
            .to_string();
        assert!(e.contains("FeatureCollection"), "{e}");
        let e = read_all(br#"{"type":"FeatureCollection","features":[1]}"#, 64)
            .unwrap_err()
            .to_string();
        assert!(e.contains("feature 1"), "{e}");
    }
}
