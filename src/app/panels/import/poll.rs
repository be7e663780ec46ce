//! The import window's workers, polled each frame: the scan of a file, the sites read for a
//! planning layer (added in one edit), the reference layer written aside (brought in by one
//! edit); each finished import says where the map can go to show it.

use super::*;

impl ImportCtx<'_> {
    pub(super) fn poll_import(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.st.scanning {
            match rx.try_recv() {
                Ok((csv, tables, Ok(found))) => {
                    self.st.csv = csv;
                    match &found.source {
                        Source::Gpkg { layer, .. }
                        | Source::Shapefile {
                            member: Some(layer),
                            ..
                        } => self.st.layer = layer.clone(),
                        _ => {}
                    }
                    self.st.gpkg_layers = tables;
                    self.st.crs = found.scan.crs().unwrap_or(Crs::Wgs84);
                    self.st.crs_picked = false;
                    let stem = match &found.source {
                        Source::Gpkg { layer, .. } => layer.clone(),
                        Source::Shapefile {
                            member: Some(m), ..
                        } => Path::new(m)
                            .file_stem()
                            .map(|n| crate::model::text::nfc(&n.to_string_lossy()))
                            .unwrap_or_default(),
                        s => s
                            .path()
                            .file_stem()
                            .map(|n| crate::model::text::nfc(&n.to_string_lossy()))
                            .unwrap_or_default(),
                    };
                    self.st.name = self.st.name_hint.take().unwrap_or(stem);
                    let fields: Vec<String> =
                        found.scan.fields.iter().map(|(n, _)| n.clone()).collect();
                    self.st.mapping = default_mapping(&fields);
                    self.st.found = Some(found);
                    self.st.scanning = None;
                }
                Ok((csv, tables, Err(e))) => {
                    self.st.csv = csv;
                    self.st.gpkg_layers = tables;
                    self.st.last = Some(Err(e));
                    self.st.scanning = None;
                }
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100))
                }
                Err(TryRecvError::Disconnected) => self.st.scanning = None,
            }
        }
        if let Some(reading) = &self.st.reading_sites {
            let layer = reading.layer;
            match reading.rx.try_recv() {
                Ok(Ok(read)) => {
                    self.st.reading_sites = None;
                    let n = read.sites.len();
                    let lang = self.lang;
                    // One edit: one transaction, one undo step.
                    let message = format!(
                        "{n} {} {} ({})",
                        tr(lang, "đối tượng vào lớp", "features into"),
                        layer.name(lang),
                        tr(lang, "Hoàn tác để bỏ", "Undo takes them out")
                    );
                    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                    for s in &read.sites {
                        if let Some(r) = s.geom.as_ref().and_then(geo::BoundingRect::bounding_rect)
                        {
                            b = [
                                b[0].min(r.min().x),
                                b[1].min(r.min().y),
                                b[2].max(r.max().x),
                                b[3].max(r.max().y),
                            ];
                        }
                    }
                    let zoom = if b[0] <= b[2] {
                        ImportedZoom::Area(b)
                    } else {
                        ImportedZoom::Nothing
                    };
                    self.out.push(Command::Edit {
                        edit: crate::edit::Edit::insert_many(layer, read.sites),
                        merge: None,
                        then: Then::Imported { message, zoom },
                    });
                }
                Ok(Err(e)) => {
                    self.st.reading_sites = None;
                    self.st.last = Some(Err(e));
                }
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100))
                }
                Err(TryRecvError::Disconnected) => self.st.reading_sites = None,
            }
        }
        if let Some(run) = &self.st.running {
            match run.rx.try_recv() {
                Ok(r) => {
                    self.st.running = None;
                    match r {
                        // The rows are in the file, outside the project; this edit brings
                        // them in (undo sets them aside again, redo brings them back).
                        Ok((message, aside)) => self.out.push(Command::Edit {
                            edit: crate::edit::Edit::ReferenceLayer {
                                table: aside.table.clone(),
                                bring_back: Some(Box::new(aside.clone())),
                            },
                            merge: None,
                            then: Then::Imported {
                                message,
                                zoom: ImportedZoom::Table(aside.table),
                            },
                        }),
                        Err(e) => {
                            eprintln!("qn-planner: import: {e}");
                            self.st.last = Some(Err(e));
                        }
                    }
                }
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100))
                }
                Err(TryRecvError::Disconnected) => {
                    self.st.running = None;
                    self.st.last = Some(Err("the import stopped unexpectedly".into()));
                }
            }
        }
    }
}
