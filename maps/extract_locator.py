"""Makes maps/locator_countries.geojson, the locator inset of exported maps, from the npm
package world-atlas 2.0.2 (Natural Earth 1:50m admin-0 countries as TopoJSON, ISC licence; the
Natural Earth data is public domain). Run: npm pack world-atlas@2.0.2, untar, then
python3 extract_locator.py package/countries-50m.json > locator_countries.geojson"""
import json, sys

t = json.load(open(sys.argv[1]))
sc, tr = t["transform"]["scale"], t["transform"]["translate"]
arcs = []
for arc in t["arcs"]:
    x = y = 0
    pts = []
    for dx, dy in arc:
        x += dx
        y += dy
        pts.append((round(x * sc[0] + tr[0], 4), round(y * sc[1] + tr[1], 4)))
    arcs.append(pts)

def arc_pts(i):
    return arcs[i] if i >= 0 else list(reversed(arcs[~i]))

def ring(idxs):
    out = []
    for i in idxs:
        p = arc_pts(i)
        out.extend(p if not out else p[1:])
    return out

keep = {"Vietnam", "China", "Laos", "Cambodia", "Thailand", "Myanmar", "Philippines", "Malaysia"}
feats = []
for g in t["objects"]["countries"]["geometries"]:
    name = g["properties"]["name"]
    if name not in keep:
        continue
    polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
    coords = [[ring(r) for r in p] for p in polys]
    def inbox(p):
        xs = [c[0] for c in p[0]]
        ys = [c[1] for c in p[0]]
        return max(xs) >= 96 and min(xs) <= 118 and max(ys) >= 6 and min(ys) <= 26
    coords = [p for p in coords if inbox(p)]
    if coords:
        feats.append({"type": "Feature", "properties": {"name": name},
                      "geometry": {"type": "MultiPolygon", "coordinates": coords}})
print(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":")))
