//! Data going in and out of a project, and what it is measured in: the VN-2000 and WGS 84
//! coordinate systems (`crs`), the embedded base map (`basemap`), the import readers
//! (`feature`: the feature and error types they share; `geojson_in`, `import`: GeoJSON, CSV and
//! other GeoPackages; `import_layer`: a file into a new reference layer, written through the
//! store; `import_sites`: features into a planning layer through a field mapping), what can be wrong with an input (`problem`) and
//! writing one layer out (`layer_export`: GeoJSON, CSV, GeoPackage).

pub mod basemap;
pub mod crs;
pub mod dxf;
pub mod encoding;
pub mod feature;
pub mod geojson_in;
pub mod import;
pub mod import_layer;
pub mod import_sites;
pub mod layer_export;
pub mod mif;
pub mod office;
pub mod prj;
pub mod problem;
pub mod qml_file;
pub mod shapefile;
pub mod shapefile_out;
pub mod table_out;
pub mod tsv;
