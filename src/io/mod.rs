//! Reading and converting outside data: coordinate systems and the embedded base map.

pub mod basemap;
pub mod crs;
pub mod geojson_in;
pub mod import;
pub mod import_sites;
pub mod layer_export;
pub mod problem;
