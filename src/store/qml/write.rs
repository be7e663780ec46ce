//! Writing a style as QML.

use super::{GeomKind, PROPERTY, boundary_attr};
use crate::model::style::{Category, LayerStyle, Renderer, Symbol};
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            c => o.push(c),
        }
    }
    o
}

fn rgba(c: [u8; 3], a: u8) -> String {
    format!("{},{},{},{a}", c[0], c[1], c[2])
}

fn alpha(opacity: f32) -> u8 {
    (f64::from(opacity.clamp(0.0, 1.0)) * 255.0).round() as u8
}

/// One symbol as QML: `<symbol>` with its one simple symbol layer.
fn write_symbol(out: &mut String, name: &str, s: &Symbol, kind: GeomKind) {
    let outline = rgba([s.outline[0], s.outline[1], s.outline[2]], s.outline[3]);
    let w = format!("{}", s.outline_mm);
    let props: Vec<(&str, String)> = match kind {
        GeomKind::Polygon => vec![
            ("border_width_map_unit_scale", "3x:0,0,0,0,0,0".into()),
            ("color", rgba(s.fill, alpha(s.opacity))),
            ("joinstyle", "bevel".into()),
            ("offset", "0,0".into()),
            ("offset_map_unit_scale", "3x:0,0,0,0,0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", outline),
            ("outline_style", s.dash.qgis().into()),
            ("outline_width", w),
            ("outline_width_unit", "MM".into()),
            ("style", s.brush.qgis().into()),
        ],
        GeomKind::Line => vec![
            ("capstyle", "square".into()),
            ("joinstyle", "bevel".into()),
            ("line_color", outline),
            ("line_style", s.dash.qgis().into()),
            ("line_width", w),
            ("line_width_unit", "MM".into()),
            ("offset", "0".into()),
            ("offset_unit", "MM".into()),
        ],
        GeomKind::Point => vec![
            ("angle", "0".into()),
            ("color", rgba(s.fill, 255)),
            ("horizontal_anchor_point", "1".into()),
            ("joinstyle", "bevel".into()),
            ("name", s.shape.qgis().into()),
            ("offset", "0,0".into()),
            ("offset_unit", "MM".into()),
            ("outline_color", outline),
            ("outline_style", s.dash.qgis().into()),
            ("outline_width", w),
            ("outline_width_unit", "MM".into()),
            ("scale_method", "diameter".into()),
            ("size", format!("{}", s.size_mm)),
            ("size_unit", "MM".into()),
            ("vertical_anchor_point", "1".into()),
        ],
    };
    let class = match kind {
        GeomKind::Polygon => "SimpleFill",
        GeomKind::Line => "SimpleLine",
        GeomKind::Point => "SimpleMarker",
    };
    let _ = write!(
        out,
        r#"      <symbol type="{}" name="{}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="{class}" enabled="1" locked="0" pass="0">
          <Option type="Map">
"#,
        kind.symbol_type(),
        esc(name)
    );
    for (k, v) in &props {
        let _ = writeln!(
            out,
            r#"            <Option type="QString" name="{k}" value="{}"/>"#,
            esc(v)
        );
    }
    out.push_str("          </Option>\n");
    for (k, v) in &props {
        let _ = writeln!(out, r#"          <prop k="{k}" v="{}"/>"#, esc(v));
    }
    out.push_str("        </layer>\n      </symbol>\n");
}

/// A classified renderer's `<symbols>` (numbered as its categories or ranges) and its
/// `<source-symbol>`.
fn write_symbols(out: &mut String, style: &LayerStyle, kind: GeomKind) {
    out.push_str("    <symbols>\n");
    for (i, s) in style.symbols().into_iter().enumerate() {
        write_symbol(out, &i.to_string(), s, kind);
    }
    out.push_str("    </symbols>\n    <source-symbol>\n");
    write_symbol(out, "0", style.main_symbol(), kind);
    out.push_str("    </source-symbol>\n");
}

/// The QML of `style` for a table of `kind`. With `via`, the table's features take their
/// fields from their site in table `via` (a planning layer's boundary table reads them through
/// `site_key`): the renderer and labels use expressions that reach them.
pub fn write(style: &LayerStyle, kind: GeomKind, via: Option<&str>) -> String {
    let mut out = String::new();
    let scaled = style.min_scale.is_some() || style.max_scale.is_some();
    let _ = writeln!(
        out,
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16-Białowieża" styleCategories="Symbology|Labeling|Rendering|CustomProperties" hasScaleBasedVisibilityFlag="{}" minScale="{}" maxScale="{}" labelsEnabled="{}">"#,
        u8::from(scaled),
        style.min_scale.unwrap_or(0.0),
        style.max_scale.unwrap_or(0.0),
        u8::from(style.labels.field.is_some())
    );
    let attr_of = |field: &str| match via {
        Some(v) => esc(&boundary_attr(v, field)),
        None => esc(field),
    };
    match &style.renderer {
        Renderer::Single(s) => {
            out.push_str(r#"  <renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">
    <symbols>
"#);
            write_symbol(&mut out, "0", s, kind);
            out.push_str("    </symbols>\n");
        }
        Renderer::Categorised {
            field,
            categories,
            other,
        } => {
            let _ = writeln!(
                out,
                r#"  <renderer-v2 type="categorizedSymbol" attr="{}" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">
    <categories>"#,
                attr_of(field)
            );
            let all: Vec<&Category> = categories.iter().chain(other.iter()).collect();
            for (i, c) in all.iter().enumerate() {
                let _ = writeln!(
                    out,
                    r#"      <category symbol="{i}" value="{}" label="{}" render="{}"/>"#,
                    esc(&c.value),
                    esc(&c.label),
                    c.shown
                );
            }
            out.push_str("    </categories>\n");
            write_symbols(&mut out, style, kind);
        }
        Renderer::Graduated {
            field,
            method,
            ramp,
            classes,
        } => {
            let _ = writeln!(
                out,
                r#"  <renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" forceraster="0" symbollevels="0" enableorderby="0" referencescale="-1">
    <ranges>"#,
                attr_of(field)
            );
            for (i, c) in classes.iter().enumerate() {
                let _ = writeln!(
                    out,
                    r#"      <range symbol="{i}" lower="{}" upper="{}" label="{}" render="{}"/>"#,
                    c.lower,
                    c.upper,
                    esc(&c.label),
                    c.shown
                );
            }
            out.push_str("    </ranges>\n");
            write_symbols(&mut out, style, kind);
            let (a, b) = (rgba(ramp[0], 255), rgba(ramp[1], 255));
            let _ = write!(
                out,
                r#"    <colorramp type="gradient" name="[source]">
      <Option type="Map">
        <Option type="QString" name="color1" value="{a}"/>
        <Option type="QString" name="color2" value="{b}"/>
        <Option type="QString" name="discrete" value="0"/>
        <Option type="QString" name="rampType" value="gradient"/>
      </Option>
      <prop k="color1" v="{a}"/>
      <prop k="color2" v="{b}"/>
      <prop k="discrete" v="0"/>
      <prop k="rampType" v="gradient"/>
    </colorramp>
    <classificationMethod id="{}">
      <symmetricMode enabled="0" symmetrypoint="0" astride="0"/>
      <labelFormat format="%1 - %2" trimtrailingzeroes="1" labelprecision="4"/>
      <parameters>
        <Option/>
      </parameters>
      <extraInformation/>
    </classificationMethod>
"#,
                method.qgis()
            );
        }
    }
    out.push_str("    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n");
    if let Some(f) = &style.labels.field {
        let l = &style.labels;
        let (min, vis) = match l.min_scale {
            Some(m) => (m, 1),
            None => (0.0, 0),
        };
        let _ = writeln!(
            out,
            r#"  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" isExpression="{}" fontFamily="Noto Sans" fontSize="{}" fontSizeUnit="Point" textColor="{}" textOpacity="1" fontWeight="50" fontItalic="0" namedStyle="Regular" multilineHeight="1">
        <text-buffer bufferDraw="{}" bufferSize="{}" bufferSizeUnits="MM" bufferColor="{}" bufferOpacity="1" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
      </text-style>
      <placement placement="0" priority="5" dist="1" distUnits="MM"/>
      <rendering scaleVisibility="{vis}" scaleMin="0" scaleMax="{min}" obstacle="1" displayAll="0" drawLabels="1"/>
    </settings>
  </labeling>"#,
            attr_of(f),
            u8::from(via.is_some()),
            l.size_pt,
            rgba(l.colour, 255),
            u8::from(l.halo_mm > 0.0),
            l.halo_mm,
            rgba(l.halo_colour, 255),
        );
    }
    let json = serde_json::to_string(style).unwrap_or_default();
    let _ = writeln!(
        out,
        r#"  <customproperties>
    <Option type="Map">
      <Option type="QString" name="{PROPERTY}" value="{}"/>
    </Option>
  </customproperties>
  <layerGeometryType>{}</layerGeometryType>
</qgis>"#,
        esc(&json),
        kind.qgis_number()
    );
    out
}
