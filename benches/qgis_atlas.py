"""Times QGIS's atlas making the same site sheets as `qn-planner atlas` (run by
`qn-bench-atlas`): an A4 landscape print layout with a title (the site's name), a map item driven
by the atlas at a fixed scale over the same base map (qn-planner's `maps/*.geojson`: land,
province, its inland boundary, the border) and every planning layer of the project, the site's
card as an expression label (name, kind, status, district, area, jobs, investment, source
paragraph), a scale bar, a north arrow and a locator map; one PDF for every feature of the
coverage layer.

QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_atlas.py FILE.gpkg LAYER OUT.pdf SCALE MAPS_DIR
(Debian's python3-qgis, QGIS 3.22)

Prints one line: init, load, export times (seconds), pages and the PDF's size.
"""
import os, sys, time
t0 = time.time()
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsPrintLayout,
                       QgsLayoutItemMap, QgsLayoutItemScaleBar, QgsLayoutItemLabel,
                       QgsLayoutItemPicture, QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes,
                       QgsLayoutExporter, QgsCoordinateReferenceSystem, QgsRectangle,
                       QgsLayoutItemPage, QgsLayoutItemMapOverview)
from qgis.PyQt.QtGui import QFont
app = QgsApplication([], False); app.initQgis()
path, coverage_name, out, scale, maps = (sys.argv[1], sys.argv[2], sys.argv[3],
                                          float(sys.argv[4]), sys.argv[5])
t1 = time.time()
project = QgsProject.instance()
crs = QgsCoordinateReferenceSystem("EPSG:5899")
project.setCrs(crs)
base = []
for f in ["qn_land", "qn_province", "qn_province_inland_boundary", "vn_cn_border"]:
    l = QgsVectorLayer(os.path.join(maps, f + ".geojson"), f, "ogr")
    if l.isValid():
        project.addMapLayer(l)
        base.append(l)
countries = QgsVectorLayer(os.path.join(maps, "locator_countries.geojson"), "countries", "ogr")
project.addMapLayer(countries)
planning = ["industrial_zones", "industrial_clusters", "proposed_clusters_boundary",
            "proposed_clusters", "craft_villages", "centre_plants"]
layers = []
coverage = None
for t in planning:
    l = QgsVectorLayer(f"{path}|layername={t}", t, "ogr")
    if not l.isValid():
        continue
    project.addMapLayer(l)
    layers.append(l)
    # The sheets: one per site of the layer (its point table holds the fields).
    if t == coverage_name:
        coverage = l
t2 = time.time()

layout = QgsPrintLayout(project)
layout.initializeDefaults()
layout.pageCollection().page(0).setPageSize("A4", QgsLayoutItemPage.Landscape)
mm = QgsUnitTypes.LayoutMillimeters
m = QgsLayoutItemMap(layout)
m.attemptMove(QgsLayoutPoint(10, 29, mm))
m.attemptResize(QgsLayoutSize(182, 162, mm))
m.setCrs(crs)
m.setLayers(list(reversed(layers)) + list(reversed(base)))
m.setExtent(QgsRectangle(360000, 2280000, 530000, 2400000))
m.setFrameEnabled(True)
m.setAtlasDriven(True)
m.setAtlasScalingMode(QgsLayoutItemMap.Fixed)
m.setScale(scale)
layout.addLayoutItem(m)
title = QgsLayoutItemLabel(layout)
title.setText('[% "name" %]')
title.setFont(QFont("Noto Sans", 18))
title.attemptMove(QgsLayoutPoint(10, 8, mm))
title.attemptResize(QgsLayoutSize(250, 12, mm))
layout.addLayoutItem(title)
card = QgsLayoutItemLabel(layout)
card.setText("\n".join([
    'Loại: [% "kind" %]', 'Trạng thái: [% "status" %]', 'Huyện (2006): [% "district_2006" %]',
    'Diện tích: [% round("area_ha", 1) %] ha', 'Lao động: [% "jobs" %]',
    'Vốn đầu tư: [% "investment_bn_vnd" %] tỷ đồng', 'Nguồn: [% "source_para" %]']))
card.setFont(QFont("Noto Sans", 8))
card.attemptMove(QgsLayoutPoint(197, 29, mm))
card.attemptResize(QgsLayoutSize(90, 70, mm))
card.setFrameEnabled(True)
layout.addLayoutItem(card)
loc = QgsLayoutItemMap(layout)
loc.attemptMove(QgsLayoutPoint(197, 104, mm))
loc.attemptResize(QgsLayoutSize(90, 60, mm))
loc.setLayers([countries])
loc.setExtent(QgsRectangle(100.5, 6.5, 117.5, 24.0))
loc.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
loc.setFrameEnabled(True)
layout.addLayoutItem(loc)
ov = QgsLayoutItemMapOverview("overview", loc)
ov.setLinkedMap(m)
loc.overviews().addOverview(ov)
bar = QgsLayoutItemScaleBar(layout)
bar.setStyle("Single Box")
bar.setLinkedMap(m)
bar.applyDefaultSize()
bar.attemptMove(QgsLayoutPoint(14, 178, mm))
layout.addLayoutItem(bar)
north = QgsLayoutItemPicture(layout)
north.setPicturePath(":/images/north_arrows/layout_default_north_arrow.svg")
north.attemptMove(QgsLayoutPoint(180, 31, mm))
north.attemptResize(QgsLayoutSize(10, 14, mm))
layout.addLayoutItem(north)
atlas = layout.atlas()
atlas.setCoverageLayer(coverage)
atlas.setPageNameExpression('"name"')
atlas.setEnabled(True)
t3 = time.time()
settings = QgsLayoutExporter.PdfExportSettings()
result, err = QgsLayoutExporter.exportToPdf(atlas, out, settings)
t4 = time.time()
if result != QgsLayoutExporter.Success:
    print("error", result, err)
    sys.exit(1)
print(f"init {t1 - t0:.2f} load {t2 - t1:.2f} layout {t3 - t2:.2f} export {t4 - t3:.2f} "
      f"pages {atlas.count()} pdf_bytes {os.path.getsize(out)} total {t4 - t0:.2f}")
