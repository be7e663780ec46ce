//! Reading a style from QML: the subset qn-planner draws, the rest listed as ignored; bounded
//! before parsing (size, depth, entities).

use super::{GeomKind, PROPERTY, QmlError};
use crate::model::style::{
    Brush, Category, Class, Dash, LayerStyle, Method, Renderer, Shape, Symbol,
};

/// A style read from QML: the style, what was outside the supported subset, and whether the
/// whole style came from its custom property.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadStyle {
    pub style: LayerStyle,
    pub ignored: Vec<String>,
    pub lossless: bool,
}

/// Reads QML `text` for layer `layer` (named in messages) of `kind` whose fields are
/// `fields`; what QML does not say for this geometry (a point style's hatch) is taken from
/// `base`. Errors change nothing: not XML, not QML, a field the layer lacks, an unreadable
/// colour or number.
pub fn read(
    text: &str,
    layer: &str,
    kind: GeomKind,
    fields: &[String],
    base: &LayerStyle,
) -> Result<ReadStyle, QmlError> {
    let (style, ignored, property) = read_parts(text, layer, fields, base)?;
    if let Some(json) = property
        && let Ok(ours) = serde_json::from_str::<LayerStyle>(&json)
    {
        // Ours only while QGIS has not changed what QML holds of it.
        let again = super::write(&ours, kind, via_of(text).as_deref());
        if let Ok((projected, _, _)) = read_parts(&again, layer, fields, base)
            && projected == style
        {
            return Ok(ReadStyle {
                style: ours,
                ignored,
                lossless: true,
            });
        }
    }
    Ok(ReadStyle {
        style,
        ignored,
        lossless: false,
    })
}

/// The table a QML's expressions read fields through (see [`write`]), if any.
fn via_of(text: &str) -> Option<String> {
    let at = text
        .find("attribute(get_feature(&apos;")
        .map(|i| (i, 28))
        .or_else(|| text.find("attribute(get_feature('").map(|i| (i, 23)))?;
    let rest = &text[at.0 + at.1..];
    let end = rest.find(['\'', '&'])?;
    Some(rest[..end].to_string())
}

fn is_plain_field(a: &str) -> bool {
    !a.is_empty()
        && a.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ' ' || c == '-')
}

/// The field an attribute names: itself, a quoted `"field"`, or the field read through
/// `attribute(get_feature(…), 'field')` as our boundary styles write it.
pub fn field_of_attr(a: &str) -> Option<String> {
    let a = a.trim();
    if is_plain_field(a) {
        return Some(a.to_string());
    }
    if a.len() >= 2 && a.starts_with('"') && a.ends_with('"') && !a[1..a.len() - 1].contains('"') {
        return Some(a[1..a.len() - 1].to_string());
    }
    let inner = a
        .strip_prefix("attribute(get_feature(")?
        .strip_suffix("')")?;
    let at = inner.rfind(",'")?;
    let f = &inner[at + 2..];
    is_plain_field(f).then(|| f.to_string())
}

/// The expression by which a planning layer's boundary table reads `field` of its site.
pub fn boundary_attr(site_table: &str, field: &str) -> String {
    format!("attribute(get_feature('{site_table}','site_key',\"site_key\"),'{field}')")
}

type Parts = (LayerStyle, Vec<String>, Option<String>);

fn read_parts(
    text: &str,
    layer: &str,
    fields: &[String],
    base: &LayerStyle,
) -> Result<Parts, QmlError> {
    guard(text)?;
    let doc = parse_xml(text).map_err(|e| QmlError::NotXml(e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name("qgis") {
        return Err(QmlError::NotQml(root.tag_name().name().to_string()));
    }
    let mut ignored: Vec<String> = Vec::new();
    let mut style = base.clone();
    let has_field = |f: &str| fields.iter().any(|x| x == f);
    let missing = |f: &str| QmlError::MissingField {
        field: f.to_string(),
        layer: layer.to_string(),
    };
    // The layer's scale range.
    if root.attribute("hasScaleBasedVisibilityFlag") == Some("1") {
        style.min_scale = num_attr(root, "minScale", "minimum scale")?.filter(|v| *v > 0.0);
        style.max_scale = num_attr(root, "maxScale", "maximum scale")?.filter(|v| *v > 0.0);
    } else if root.attribute("hasScaleBasedVisibilityFlag").is_some() {
        style.min_scale = None;
        style.max_scale = None;
    }
    if let Some(op) = child(root, "layerOpacity").and_then(|n| n.text())
        && op.trim().parse::<f64>().is_ok_and(|o| o < 1.0)
    {
        ignored.push(format!("layer opacity {}", op.trim()));
    }
    // The renderer.
    if let Some(r) = child(root, "renderer-v2") {
        let ty = r.attribute("type").unwrap_or("");
        let fallback = base.main_symbol().clone();
        let symbols = |r: roxmltree::Node<'_, '_>,
                       ignored: &mut Vec<String>|
         -> Result<Vec<(String, Symbol)>, QmlError> {
            let mut out = Vec::new();
            if let Some(ss) = child(r, "symbols") {
                for s in ss.children().filter(|c| c.has_tag_name("symbol")) {
                    let name = s.attribute("name").unwrap_or("").to_string();
                    out.push((name, read_symbol(s, &fallback, ignored)?));
                }
            }
            Ok(out)
        };
        let attr_field = |r: roxmltree::Node<'_, '_>| -> Result<Option<String>, QmlError> {
            let a = r.attribute("attr").unwrap_or("");
            match field_of_attr(a) {
                Some(f) if has_field(&f) => Ok(Some(f)),
                Some(f) => Err(missing(&f)),
                None => Ok(None),
            }
        };
        match ty {
            "singleSymbol" => {
                let syms = symbols(r, &mut ignored)?;
                if let Some((_, s)) = syms.into_iter().next() {
                    style.renderer = Renderer::Single(s);
                }
            }
            "categorizedSymbol" => match attr_field(r)? {
                None => ignored.push(format!(
                    "categorised renderer by the expression {}",
                    r.attribute("attr").unwrap_or("")
                )),
                Some(field) => {
                    let syms = symbols(r, &mut ignored)?;
                    let sym = |k: &str| named(&syms, k, &fallback);
                    let mut categories = Vec::new();
                    let mut other = None;
                    if let Some(cs) = child(r, "categories") {
                        for c in cs.children().filter(|c| c.has_tag_name("category")) {
                            let value = c.attribute("value").unwrap_or("").to_string();
                            if c.children().any(|v| v.has_tag_name("val")) {
                                ignored.push(format!(
                                    "a category of several values ({})",
                                    c.attribute("label").unwrap_or("")
                                ));
                                continue;
                            }
                            let cat = Category {
                                label: c.attribute("label").unwrap_or("").to_string(),
                                symbol: sym(c.attribute("symbol").unwrap_or("")),
                                shown: c.attribute("render") != Some("false"),
                                value,
                            };
                            if cat.value.is_empty() {
                                other = Some(cat);
                            } else {
                                categories.push(cat);
                            }
                        }
                    }
                    style.renderer = Renderer::Categorised {
                        field,
                        categories,
                        other,
                    };
                }
            },
            "graduatedSymbol" => match attr_field(r)? {
                None => ignored.push(format!(
                    "graduated renderer by the expression {}",
                    r.attribute("attr").unwrap_or("")
                )),
                Some(field) => {
                    if r.attribute("graduatedMethod") == Some("GraduatedSize") {
                        ignored.push("graduated sizes (the classes' symbols are used)".into());
                    }
                    let syms = symbols(r, &mut ignored)?;
                    let sym = |k: &str| named(&syms, k, &fallback);
                    let mut classes = Vec::new();
                    if let Some(rs) = child(r, "ranges") {
                        for c in rs.children().filter(|c| c.has_tag_name("range")) {
                            classes.push(Class {
                                lower: num_attr(c, "lower", "class bound")?.unwrap_or(0.0),
                                upper: num_attr(c, "upper", "class bound")?.unwrap_or(0.0),
                                label: c.attribute("label").unwrap_or("").to_string(),
                                symbol: sym(c.attribute("symbol").unwrap_or("")),
                                shown: c.attribute("render") != Some("false"),
                            });
                        }
                    }
                    let method = match child(r, "classificationMethod")
                        .and_then(|m| m.attribute("id"))
                        .or_else(|| child(r, "mode").and_then(|m| m.attribute("name")))
                    {
                        Some("Quantile") | Some("quantile") => Method::Quantile,
                        Some("EqualInterval") | Some("equal") | None => Method::EqualInterval,
                        Some(other) => {
                            ignored.push(format!(
                                "the {other} classification (the classes are kept as they are)"
                            ));
                            Method::EqualInterval
                        }
                    };
                    let ramp = match child(r, "colorramp") {
                        Some(cr) => {
                            let p = props(cr);
                            let get = |k: &str| -> Result<Option<[u8; 3]>, QmlError> {
                                p.iter()
                                    .find(|(n, _)| n == k)
                                    .map(|(_, v)| colour(v).map(|c| [c[0], c[1], c[2]]))
                                    .transpose()
                            };
                            let first = classes.first().map(|c| c.symbol.fill);
                            let last = classes.last().map(|c| c.symbol.fill);
                            [
                                get("color1")?.or(first).unwrap_or([255, 255, 255]),
                                get("color2")?.or(last).unwrap_or([0, 0, 0]),
                            ]
                        }
                        None => [
                            classes.first().map_or([255; 3], |c| c.symbol.fill),
                            classes.last().map_or([0; 3], |c| c.symbol.fill),
                        ],
                    };
                    style.renderer = Renderer::Graduated {
                        field,
                        method,
                        ramp,
                        classes,
                    };
                }
            },
            "RuleRenderer" => ignored.push("rule-based renderer".into()),
            "" => ignored.push("a renderer without a type".into()),
            other => ignored.push(format!("{} renderer", renderer_name(other))),
        }
    }
    // Labels.
    let enabled = root.attribute("labelsEnabled") == Some("1");
    match child(root, "labeling") {
        Some(l) if l.attribute("type") == Some("simple") => {
            let settings = child(l, "settings");
            let ts = settings.and_then(|s| child(s, "text-style"));
            match ts {
                Some(ts)
                    if ts.attribute("isExpression") == Some("1")
                        && field_of_attr(ts.attribute("fieldName").unwrap_or("")).is_none() =>
                {
                    ignored.push(format!(
                        "the label expression {}",
                        ts.attribute("fieldName").unwrap_or("")
                    ));
                }
                Some(ts) => {
                    let raw = ts.attribute("fieldName").unwrap_or("");
                    let f = field_of_attr(raw).unwrap_or_else(|| raw.to_string());
                    if !f.is_empty() && !has_field(&f) {
                        return Err(missing(&f));
                    }
                    let lab = &mut style.labels;
                    lab.field = (enabled && !f.is_empty()).then_some(f);
                    if let Some(size) = num_attr(ts, "fontSize", "label size")? {
                        lab.size_pt = (size
                            * unit_to_mm(
                                ts.attribute("fontSizeUnit").unwrap_or("Point"),
                                &mut ignored,
                            )
                            / 0.352_778) as f32;
                    }
                    if let Some(c) = ts.attribute("textColor") {
                        let c = colour(c)?;
                        lab.colour = [c[0], c[1], c[2]];
                    }
                    if let Some(b) = child(ts, "text-buffer") {
                        let draw = b.attribute("bufferDraw") == Some("1");
                        let size = num_attr(b, "bufferSize", "label buffer size")?.unwrap_or(1.0)
                            * unit_to_mm(
                                b.attribute("bufferSizeUnits").unwrap_or("MM"),
                                &mut ignored,
                            );
                        lab.halo_mm = if draw { size as f32 } else { 0.0 };
                        if let Some(c) = b.attribute("bufferColor") {
                            let c = colour(c)?;
                            lab.halo_colour = [c[0], c[1], c[2]];
                        }
                    }
                    let rendering = settings.and_then(|s| child(s, "rendering"));
                    lab.min_scale = match rendering {
                        Some(r) if r.attribute("scaleVisibility") == Some("1") => {
                            num_attr(r, "scaleMax", "label scale")?.filter(|v| *v > 0.0)
                        }
                        _ => None,
                    };
                }
                None => {}
            }
        }
        Some(l) => {
            ignored.push(format!(
                "{} labels",
                match l.attribute("type") {
                    Some("rule-based") => "rule-based",
                    Some(t) => t,
                    None => "untyped",
                }
            ));
        }
        None => {
            if root.attribute("labelsEnabled") == Some("0") {
                style.labels.field = None;
            }
        }
    }
    if root.attribute("labelsEnabled") == Some("0") {
        style.labels.field = None;
    }
    // Our whole style, if it is there.
    let property = child(root, "customproperties").and_then(|cp| {
        cp.descendants()
            .find(|n| {
                (n.has_tag_name("Option") && n.attribute("name") == Some(PROPERTY))
                    || (n.has_tag_name("property") && n.attribute("key") == Some(PROPERTY))
            })
            .and_then(|n| n.attribute("value"))
            .map(str::to_string)
    });
    Ok((style, ignored, property))
}

/// The most a QML may be: QGIS writes styles of kilobytes, nested a dozen elements deep,
/// with no entity of their own.
const MAX_BYTES: usize = 32 << 20;
const MAX_DEPTH: usize = 256;
const MAX_NODES: u32 = 2_000_000;

/// Refuses, before any parsing, what only a hostile file holds: a size no style has, an
/// entity declaration (QGIS never writes one; 20,000 uses of a 50 KB entity would unpack to
/// a gigabyte), elements nested deeper than [`MAX_DEPTH`] (a parser or a walk over them
/// would run out of stack).
fn guard(text: &str) -> Result<(), QmlError> {
    if text.len() > MAX_BYTES {
        return Err(QmlError::Hostile(format!(
            "{} MB, more than any style",
            text.len() >> 20
        )));
    }
    if text.contains("<!ENTITY") {
        return Err(QmlError::Hostile(
            "it declares entities (QGIS never writes any)".into(),
        ));
    }
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        match b.get(at + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'!') | Some(b'?') => {}
            _ => {
                // An element opens; "/>" closes it at once.
                let end = memchr::memchr(b'>', &b[at..]).map_or(b.len(), |e| at + e);
                if end == 0 || b.get(end.wrapping_sub(1)) != Some(&b'/') {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(QmlError::Hostile(format!(
                            "its elements are nested more than {MAX_DEPTH} deep"
                        )));
                    }
                }
            }
        }
        i = at + 1;
    }
    Ok(())
}

/// QML starts with a DOCTYPE, which the parser refuses unless told.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            nodes_limit: MAX_NODES,
        },
    )
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.is_element() && c.has_tag_name(tag))
}

/// The symbol named `k` among `syms`, else `fallback`.
fn named(syms: &[(String, Symbol)], k: &str, fallback: &Symbol) -> Symbol {
    syms.iter()
        .find(|(n, _)| n == k)
        .map_or_else(|| fallback.clone(), |(_, s)| s.clone())
}

fn renderer_name(t: &str) -> &str {
    match t {
        "pointDisplacement" => "point displacement",
        "pointCluster" => "point cluster",
        "heatmapRenderer" => "heatmap",
        "invertedPolygonRenderer" => "inverted polygon",
        "25dRenderer" => "2.5 D",
        "nullSymbol" => "no-symbol",
        "mergedFeatureRenderer" => "merged feature",
        other => other,
    }
}

/// Millimetres per unit of a QGIS render unit.
fn unit_to_mm(unit: &str, ignored: &mut Vec<String>) -> f64 {
    match unit {
        "MM" | "" => 1.0,
        "Point" => 0.352_778,
        "Inch" => 25.4,
        "Pixel" => 25.4 / 96.0,
        other => {
            let note = format!("sizes in {other} units (read as millimetres)");
            if !ignored.contains(&note) {
                ignored.push(note);
            }
            1.0
        }
    }
}

fn num_attr(n: roxmltree::Node<'_, '_>, attr: &str, what: &str) -> Result<Option<f64>, QmlError> {
    match n.attribute(attr) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| QmlError::BadValue {
                what: what.into(),
                value: v.into(),
            }),
    }
}

/// A QGIS colour: "r,g,b,a" (perhaps followed by more, as newer QGIS writes) or "#rrggbb".
pub fn colour(v: &str) -> Result<[u8; 4], QmlError> {
    let bad = || QmlError::BadColour(v.to_string());
    let t = v.trim();
    if let Some(h) = t.strip_prefix('#') {
        let byte = |i: usize| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok());
        return match (h.len(), byte(0), byte(2), byte(4)) {
            (6, Some(r), Some(g), Some(b)) => Ok([r, g, b, 255]),
            (8, Some(a), Some(r), Some(g)) => Ok([r, g, byte(6).ok_or_else(bad)?, a]),
            _ => Err(bad()),
        };
    }
    let parts: Vec<&str> = t.split(',').collect();
    if parts.len() < 3 {
        return Err(bad());
    }
    let p = |i: usize| -> Result<u8, QmlError> {
        parts
            .get(i)
            .map(|s| s.trim())
            .unwrap_or("255")
            .parse::<u8>()
            .map_err(|_| bad())
    };
    Ok([p(0)?, p(1)?, p(2)?, p(3)?])
}

/// The properties of a symbol layer or ramp: `<Option type="Map">` children, else `<prop>`.
fn props(n: roxmltree::Node<'_, '_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(m) = n
        .children()
        .find(|c| c.has_tag_name("Option") && c.attribute("type") == Some("Map"))
    {
        for o in m.children().filter(|c| c.has_tag_name("Option")) {
            if let (Some(k), Some(v)) = (o.attribute("name"), o.attribute("value")) {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    for p in n.children().filter(|c| c.has_tag_name("prop")) {
        if let (Some(k), Some(v)) = (p.attribute("k"), p.attribute("v"))
            && !out.iter().any(|(n, _)| n == k)
        {
            out.push((k.to_string(), v.to_string()));
        }
    }
    out
}

fn read_symbol(
    s: roxmltree::Node<'_, '_>,
    fallback: &Symbol,
    ignored: &mut Vec<String>,
) -> Result<Symbol, QmlError> {
    let mut sym = fallback.clone();
    let sym_alpha = num_attr(s, "alpha", "symbol opacity")?
        .unwrap_or(1.0)
        .clamp(0.0, 1.0);
    let mut used: Vec<&str> = Vec::new();
    for l in s.children().filter(|c| c.has_tag_name("layer")) {
        let class = l.attribute("class").unwrap_or("");
        if l.attribute("enabled") == Some("0") {
            continue;
        }
        let note = |what: String, ignored: &mut Vec<String>| {
            if !ignored.contains(&what) {
                ignored.push(what);
            }
        };
        // Any simple layer gives what it holds (a fill QML on a point layer still gives its
        // colours); one of each class, the rest reported.
        let kind = match class {
            "SimpleFill" => GeomKind::Polygon,
            "SimpleLine" => GeomKind::Line,
            "SimpleMarker" => GeomKind::Point,
            _ => {
                note(format!("{class} symbol layers"), ignored);
                continue;
            }
        };
        if used.contains(&class) {
            note(
                format!("a second {class} symbol layer in one symbol"),
                ignored,
            );
            continue;
        }
        used.push(class);
        let p = props(l);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let number = |k: &str, what: &str| -> Result<Option<f64>, QmlError> {
            get(k)
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| QmlError::BadValue {
                            what: what.into(),
                            value: v.into(),
                        })
                })
                .transpose()
        };
        if let Some(dd) = l
            .children()
            .find(|c| c.has_tag_name("data_defined_properties"))
            && dd.descendants().any(|o| {
                o.attribute("name") == Some("active") && o.attribute("value") == Some("true")
            })
        {
            note("data-defined properties".into(), ignored);
        }
        let (colour_key, width_key, style_key, unit_key) = match kind {
            GeomKind::Line => ("line_color", "line_width", "line_style", "line_width_unit"),
            _ => (
                "outline_color",
                "outline_width",
                "outline_style",
                "outline_width_unit",
            ),
        };
        if let Some(c) = get(colour_key) {
            let mut c = colour(c)?;
            c[3] = (f64::from(c[3]) * sym_alpha).round() as u8;
            sym.outline = c;
        }
        if let Some(w) = number(width_key, "line width")? {
            sym.outline_mm = (w * unit_to_mm(get(unit_key).unwrap_or("MM"), ignored)) as f32;
        }
        if let Some(d) = get(style_key) {
            match Dash::from_qgis(d) {
                Some(d) => sym.dash = d,
                None => note(format!("the {d} line style (drawn solid)"), ignored),
            }
        }
        match kind {
            GeomKind::Polygon => {
                if let Some(c) = get("color") {
                    let c = colour(c)?;
                    sym.fill = [c[0], c[1], c[2]];
                    sym.opacity = (f64::from(c[3]) / 255.0 * sym_alpha) as f32;
                }
                if let Some(b) = get("style") {
                    match Brush::from_qgis(b) {
                        Some(b) => sym.brush = b,
                        None => note(format!("the {b} fill style (filled solid)"), ignored),
                    }
                }
            }
            GeomKind::Point => {
                if let Some(c) = get("color") {
                    let c = colour(c)?;
                    sym.fill = [c[0], c[1], c[2]];
                }
                if let Some(n) = get("name") {
                    match Shape::from_qgis(n) {
                        Some(s) => sym.shape = s,
                        None => note(format!("the {n} marker (drawn as a circle)"), ignored),
                    }
                }
                if let Some(size) = number("size", "marker size")? {
                    sym.size_mm =
                        (size * unit_to_mm(get("size_unit").unwrap_or("MM"), ignored)) as f32;
                }
            }
            GeomKind::Line => {}
        }
    }
    Ok(sym)
}
