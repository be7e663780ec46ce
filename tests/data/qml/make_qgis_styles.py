import sys
from qgis.core import *
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False); app.initQgis()
pl = QgsVectorLayer("Polygon?crs=EPSG:4326&field=status:string&field=area_ha:double&field=name:string", "poly", "memory")
pt = QgsVectorLayer("Point?crs=EPSG:4326&field=status:string&field=jobs:integer&field=name:string", "pts", "memory")
# categorised polygons
cats = []
for v, c in [("existing", "#d55e00"), ("planned", "#0072b2"), ("proposed", "#009e73")]:
    s = QgsFillSymbol.createSimple({"color": c, "outline_color": "#333333", "outline_width": "0.4", "style": "solid"})
    cats.append(QgsRendererCategory(v, s, "Hiện có" if v=="existing" else v))
s = QgsFillSymbol.createSimple({"color": "#999999", "style": "f_diagonal", "outline_style": "dash"})
cats.append(QgsRendererCategory("", s, "all other values"))
pl.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
ls = QgsPalLayerSettings(); ls.fieldName = "name"; ls.enabled = True
tf = QgsTextFormat(); tf.setSize(9); tf.setColor(QColor("#202020"))
b = QgsTextBufferSettings(); b.setEnabled(True); b.setSize(1.2); b.setColor(QColor("#ffffff")); tf.setBuffer(b)
ls.setFormat(tf); ls.scaleVisibility = True; ls.minimumScale = 250000; ls.maximumScale = 0
pl.setLabeling(QgsVectorLayerSimpleLabeling(ls)); pl.setLabelsEnabled(True)
pl.setScaleBasedVisibility(True); pl.setMinimumScale(2000000); pl.setMaximumScale(1000)
pl.saveNamedStyle("/tmp/qml/categorised_fill.qml")
# graduated
ramp = QgsGradientColorRamp(QColor("#fff5eb"), QColor("#7f2704"))
r = QgsGraduatedSymbolRenderer("area_ha")
r.setSourceSymbol(QgsFillSymbol.createSimple({"color": "#ff0000", "outline_color": "#444444"}))
r.setSourceColorRamp(ramp)
r.addClassRange(QgsRendererRange(0, 10, QgsFillSymbol.createSimple({"color": "#fff5eb"}), "0 - 10"))
r.addClassRange(QgsRendererRange(10, 50, QgsFillSymbol.createSimple({"color": "#fd8d3c"}), "10 - 50"))
r.addClassRange(QgsRendererRange(50, 200, QgsFillSymbol.createSimple({"color": "#7f2704"}), "50 - 200"))
r.setClassificationMethod(QgsClassificationQuantile())
pl.setRenderer(r); pl.setLabelsEnabled(False); pl.setScaleBasedVisibility(False)
pl.saveNamedStyle("/tmp/qml/graduated_fill.qml")
# single marker star
ms = QgsMarkerSymbol.createSimple({"name": "star", "color": "#e69f00", "size": "4", "outline_color": "#000000", "outline_width": "0.3"})
pt.setRenderer(QgsSingleSymbolRenderer(ms))
pt.saveNamedStyle("/tmp/qml/single_star.qml")
# categorised markers
cats = []
for v, shape, c in [("existing", "square", "#d55e00"), ("planned", "triangle", "#0072b2"), ("proposed", "diamond", "#009e73")]:
    cats.append(QgsRendererCategory(v, QgsMarkerSymbol.createSimple({"name": shape, "color": c, "size": "3"}), v))
pt.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
pt.saveNamedStyle("/tmp/qml/categorised_marker.qml")
# rule based
root = QgsRuleBasedRenderer.Rule(None)
rule = QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple({"color": "#ff00ff"}), 0, 0, "\"area_ha\" > 10")
root.appendChild(rule)
pl.setRenderer(QgsRuleBasedRenderer(root))
pl.setLabelsEnabled(True)
pl.saveNamedStyle("/tmp/qml/rule_based.qml")
print(Qgis.QGIS_VERSION)
