"""Times QGIS rendering one layer of a GeoPackage to a PNG 1600 px wide, in EPSG:5899,
for comparison with `qn-planner export` (see docs/benchmarks.md, "Drafting checks and huge polygons").

QT_QPA_PLATFORM=offscreen /usr/bin/python3 benches/qgis_render.py FILE.gpkg TABLE OUT.png  (Debian python3-qgis)
"""
import sys, time
from qgis.core import QgsApplication, QgsVectorLayer, QgsMapSettings, QgsMapRendererParallelJob, QgsMapRendererSequentialJob, QgsRectangle, QgsCoordinateReferenceSystem
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
t0 = time.time()
app = QgsApplication([], False); app.initQgis()
path, table, out = sys.argv[1], sys.argv[2], sys.argv[3]
t1 = time.time()
lyr = QgsVectorLayer(f"{path}|layername={table}", table, "ogr")
assert lyr.isValid()
lyr.renderer().symbol().setColor(QColor("#7a5195"))
ext = lyr.extent()
t2 = time.time()
ms = QgsMapSettings()
ms.setLayers([lyr])
ms.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:5899"))
ms.setBackgroundColor(QColor("white"))
w = 1600
from qgis.core import QgsCoordinateTransform, QgsProject
tr = QgsCoordinateTransform(lyr.crs(), ms.destinationCrs(), QgsProject.instance())
e = tr.transformBoundingBox(ext)
h = int(w * e.height() / e.width())
ms.setOutputSize(QSize(w, h))
ms.setExtent(e)
job = QgsMapRendererSequentialJob(ms) if len(sys.argv) > 4 else QgsMapRendererParallelJob(ms)
t3 = time.time()
job.start(); job.waitForFinished()
t4 = time.time()
job.renderedImage().save(out)
t5 = time.time()
print(f"init {t1-t0:.2f} s, open layer {t2-t1:.2f} s, render {w}x{h} {t4-t3:.2f} s, save {t5-t4:.2f} s, total {t5-t0:.2f} s")
