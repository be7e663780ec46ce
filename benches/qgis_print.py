"""Times QGIS's print layout exporting an A4 landscape page of a qn-planner project (the
reference layers and the planning layers in the styles kept in the file's layer_styles table,
a legend, a scale bar and a title) to PNG at a given dpi and to PDF, for comparison with
`qn-planner export` (see docs/benchmarks.md, "Print with styles"; run by `qn-bench-print`).

QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_print.py FILE.gpkg OUT.png OUT.pdf DPI  (Debian python3-qgis)

Prints: init, load, png and pdf times (seconds), the PDF's size, and the renderer of each layer.
"""
import os, sys, time
t0 = time.time()
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsPrintLayout,
                       QgsLayoutItemMap, QgsLayoutItemLegend, QgsLayoutItemScaleBar,
                       QgsLayoutItemLabel, QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes,
                       QgsLayoutExporter, QgsCoordinateReferenceSystem, QgsRectangle,
                       QgsLayoutItemPage)
from qgis.PyQt.QtGui import QFont
app = QgsApplication([], False); app.initQgis()
path, png, pdf, dpi = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t1 = time.time()
from osgeo import ogr
ds = ogr.Open(path)
tables = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
ds = None
# Reference layers under the planning layers, as qn-planner draws them.
planning = ["residential_areas", "protected_areas", "centre_plants_boundary", "centre_plants",
            "craft_villages_boundary", "craft_villages", "proposed_clusters_boundary",
            "proposed_clusters", "industrial_clusters_boundary", "industrial_clusters",
            "industrial_zones_boundary", "industrial_zones"]
refs = [t for t in tables if t.startswith("ref_")]
project = QgsProject.instance()
layers = []
for t in refs + planning:
    l = QgsVectorLayer(f"{path}|layername={t}", t, "ogr")
    if not l.isValid():
        continue
    project.addMapLayer(l)
    layers.append(l)
    print("layer", t, l.renderer().type(), l.featureCount())
t2 = time.time()
layout = QgsPrintLayout(project)
layout.initializeDefaults()
page = layout.pageCollection().page(0)
page.setPageSize("A4", QgsLayoutItemPage.Landscape)
crs = QgsCoordinateReferenceSystem("EPSG:5899")
m = QgsLayoutItemMap(layout)
m.attemptMove(QgsLayoutPoint(8, 24, QgsUnitTypes.LayoutMillimeters))
m.attemptResize(QgsLayoutSize(205, 170, QgsUnitTypes.LayoutMillimeters))
m.setCrs(crs)
m.setLayers(list(reversed(layers)))
# The province's box in VN-2000 / TM-3 107°45' (as qn-planner frames it).
m.setExtent(QgsRectangle(360000, 2280000, 530000, 2400000))
m.setFrameEnabled(True)
layout.addLayoutItem(m)
title = QgsLayoutItemLabel(layout)
title.setText("Quy hoạch khu, cụm công nghiệp tỉnh Quảng Ninh")
title.setFont(QFont("Noto Sans", 20))
title.attemptMove(QgsLayoutPoint(8, 6, QgsUnitTypes.LayoutMillimeters))
title.attemptResize(QgsLayoutSize(220, 14, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(title)
legend = QgsLayoutItemLegend(layout)
legend.setLinkedMap(m)
legend.attemptMove(QgsLayoutPoint(218, 24, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(legend)
bar = QgsLayoutItemScaleBar(layout)
bar.setStyle("Single Box")
bar.setLinkedMap(m)
bar.applyDefaultSize()
bar.attemptMove(QgsLayoutPoint(12, 180, QgsUnitTypes.LayoutMillimeters))
layout.addLayoutItem(bar)
exporter = QgsLayoutExporter(layout)
t3 = time.time()
s = QgsLayoutExporter.ImageExportSettings()
s.dpi = dpi
r = exporter.exportToImage(png, s)
t4 = time.time()
ps = QgsLayoutExporter.PdfExportSettings()
ps.rasterizeWholeImage = False
r2 = exporter.exportToPdf(pdf, ps)
t5 = time.time()
assert r == QgsLayoutExporter.Success and r2 == QgsLayoutExporter.Success, (r, r2)
print(f"init {t1-t0:.2f} load {t2-t1:.2f} layout {t3-t2:.2f} png {t4-t3:.3f} pdf {t5-t4:.3f} "
      f"pdf_bytes {os.path.getsize(pdf)} total {t5-t0:.2f}")
app.exitQgis()
