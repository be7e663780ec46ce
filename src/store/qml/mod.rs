//! A layer's [`LayerStyle`] as QGIS QML, the form QGIS keeps in a GeoPackage's `layer_styles`
//! table and in `.qml` files: written (`write`) and read (`read`) here, in the store, because
//! the file's `layer_styles` table is QGIS's and holds QML.
//!
//! Written: the single-symbol, categorised and graduated renderers with one simple fill, line
//! or marker symbol layer per symbol, simple labels (field, size, colour, buffer, scale limit)
//! and the layer's scale range; plus the whole style as a custom property, so that what QML
//! cannot hold for one geometry (a point layer's hatch) survives a round trip. Read: the same
//! subset from any QGIS 3 QML; anything outside it is listed as ignored, and the custom
//! property is used only while the QGIS parts still say what it says (edited in QGIS, the
//! QGIS parts win).

use thiserror::Error;

mod read;
mod write;

pub use read::{ReadStyle, boundary_attr, colour, field_of_attr, read};
pub use write::write;

/// Which symbols a table's QML holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeomKind {
    Point,
    Line,
    Polygon,
}

impl GeomKind {
    /// From a GeoPackage geometry type name (POINT, MULTILINESTRING, …).
    pub fn of_gpkg_type(t: &str) -> GeomKind {
        let t = t.to_ascii_uppercase();
        if t.contains("POINT") {
            GeomKind::Point
        } else if t.contains("LINE") || t.contains("CURVE") && !t.contains("POLYGON") {
            GeomKind::Line
        } else {
            GeomKind::Polygon
        }
    }

    fn symbol_type(self) -> &'static str {
        match self {
            GeomKind::Point => "marker",
            GeomKind::Line => "line",
            GeomKind::Polygon => "fill",
        }
    }

    fn qgis_number(self) -> u8 {
        match self {
            GeomKind::Point => 0,
            GeomKind::Line => 1,
            GeomKind::Polygon => 2,
        }
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum QmlError {
    #[error("not a QML style: the file is not XML ({0})")]
    NotXml(String),
    #[error("not a QML style: its root element is <{0}>, not <qgis>")]
    NotQml(String),
    #[error("the style uses the field \"{field}\", which layer {layer} does not have")]
    MissingField { field: String, layer: String },
    #[error("the style holds a colour that cannot be read: \"{0}\"")]
    BadColour(String),
    #[error("the style holds a {what} that cannot be read: \"{value}\"")]
    BadValue { what: String, value: String },
    #[error("not a QML style qn-planner reads: {0}")]
    Hostile(String),
}

impl QmlError {
    pub fn text(&self, lang: crate::lang::Language) -> String {
        use crate::lang::Language;
        match (self, lang) {
            (_, Language::En) => self.to_string(),
            (QmlError::NotXml(e), Language::Vi) => {
                format!("không phải kiểu dáng QML: tệp không phải XML ({e})")
            }
            (QmlError::NotQml(r), Language::Vi) => {
                format!("không phải kiểu dáng QML: phần tử gốc là <{r}>, không phải <qgis>")
            }
            (QmlError::MissingField { field, layer }, Language::Vi) => {
                format!("kiểu dáng dùng trường \"{field}\", lớp {layer} không có trường này")
            }
            (QmlError::BadColour(c), Language::Vi) => {
                format!("kiểu dáng có một màu không đọc được: \"{c}\"")
            }
            (QmlError::BadValue { what, value }, Language::Vi) => {
                format!("kiểu dáng có giá trị {what} không đọc được: \"{value}\"")
            }
            (QmlError::Hostile(why), Language::Vi) => {
                format!("không phải kiểu dáng QML mà qn-planner đọc: {why}")
            }
        }
    }
}

/// The custom property that carries the whole style.
const PROPERTY: &str = "qn-planner/style";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Layer;
    use crate::model::style::{
        Brush, Dash, LayerStyle, Method, Renderer, Shape, Value, categorise, graduate,
    };

    fn fields() -> Vec<String> {
        ["name", "status", "jobs"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn colours_as_qgis_writes_them() {
        assert_eq!(colour("213,94,0,77").unwrap(), [213, 94, 0, 77]);
        assert_eq!(
            colour("213,94,0,255,rgb:0.8,0.3,0,1").unwrap(),
            [213, 94, 0, 255]
        );
        assert_eq!(colour("#0072b2").unwrap(), [0, 0x72, 0xb2, 255]);
        assert!(colour("blue-ish").is_err());
        assert!(colour("300,0,0,255").is_err());
    }

    #[test]
    fn every_renderer_round_trips_for_every_geometry() {
        let base = LayerStyle::default_for(Layer::IndustrialClusters);
        let mut sym = base.main_symbol().clone();
        sym.brush = Brush::FDiagonal;
        sym.dash = Dash::DashDot;
        sym.shape = Shape::Star;
        let values = [
            Value::Text("proposed".into()),
            Value::Text("Hạ Long & \"Cẩm Phả\"".into()),
        ];
        let mut labelled = base.clone();
        labelled.labels.min_scale = Some(250_000.0);
        labelled.min_scale = Some(2_000_000.0);
        labelled.max_scale = Some(1_000.0);
        for renderer in [
            Renderer::Single(sym.clone()),
            categorise("status", &values, &sym),
            graduate(
                "jobs",
                &[1.0, 5.0, 30.0, 400.0],
                3,
                Method::Quantile,
                [[255, 245, 235], [127, 39, 4]],
                &sym,
            ),
        ] {
            for (kind, via) in [
                (GeomKind::Point, None),
                (GeomKind::Line, None),
                (GeomKind::Polygon, None),
                (GeomKind::Polygon, Some("industrial_clusters")),
            ] {
                let style = LayerStyle {
                    renderer: renderer.clone(),
                    ..labelled.clone()
                };
                let q = write(&style, kind, via);
                let back = read(&q, "t", kind, &fields(), &base).unwrap();
                assert!(back.lossless, "{kind:?}");
                assert!(back.ignored.is_empty(), "{:?}", back.ignored);
                assert_eq!(back.style, style);
                // Without our property, the QGIS parts alone say the same, within the
                // opacity's byte.
                let bare = q.replace(PROPERTY, "someone-else/style");
                let parts = read(&bare, "t", kind, &fields(), &base).unwrap();
                assert!(!parts.lossless);
                assert_eq!(parts.style.field(), style.field());
                assert_eq!(parts.style.legend().len(), style.legend().len());
                assert_eq!(parts.style.labels.min_scale, Some(250_000.0));
            }
        }
    }

    #[test]
    fn an_edit_in_qgis_wins_over_our_property() {
        let base = LayerStyle::default_for(Layer::IndustrialClusters);
        let q = write(&base, GeomKind::Polygon, None);
        let c = base.main_symbol().fill;
        let edited = q.replace(
            &format!("\"{},{},{},77\"", c[0], c[1], c[2]),
            "\"10,20,30,255\"",
        );
        assert_ne!(q, edited);
        let back = read(&edited, "t", GeomKind::Polygon, &fields(), &base).unwrap();
        assert!(!back.lossless);
        assert_eq!(back.style.main_symbol().fill, [10, 20, 30]);
        assert_eq!(back.style.main_symbol().opacity, 1.0);
    }

    #[test]
    fn bad_styles_are_refused_with_a_reason() {
        let base = LayerStyle::default_for(Layer::CraftVillages);
        let f = fields();
        assert!(matches!(
            read("not <xml", "t", GeomKind::Point, &f, &base),
            Err(QmlError::NotXml(_))
        ));
        assert_eq!(
            read("<sld/>", "t", GeomKind::Point, &f, &base),
            Err(QmlError::NotQml("sld".into()))
        );
        let style = LayerStyle {
            renderer: categorise(
                "district",
                &[Value::Text("Hạ Long".into())],
                base.main_symbol(),
            ),
            ..base.clone()
        };
        let q = write(&style, GeomKind::Point, None);
        assert_eq!(
            read(&q, "craft_villages", GeomKind::Point, &f, &base).unwrap_err(),
            QmlError::MissingField {
                field: "district".into(),
                layer: "craft_villages".into()
            }
        );
        let q = write(&base, GeomKind::Point, None).replace("0,158,115,255", "green");
        assert_eq!(
            read(&q, "t", GeomKind::Point, &f, &base).unwrap_err(),
            QmlError::BadColour("green".into())
        );
    }

    #[test]
    fn boundary_attributes_name_their_field() {
        let a = boundary_attr("industrial_clusters", "status");
        assert_eq!(field_of_attr(&a).as_deref(), Some("status"));
        assert_eq!(field_of_attr("\"jobs\"").as_deref(), Some("jobs"));
        assert_eq!(field_of_attr("jobs * 2"), None);
    }
}
