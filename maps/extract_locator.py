"""Makes maps/locator_countries.geojson, the locator inset of exported maps, from the npm
package world-atlas 2.0.2 (Natural Earth admin-0 countries as TopoJSON, ISC licence; the
Natural Earth data is public domain): the countries from the 1:50m file, and from the 1:10m
file the islands of Vietnam's two archipelagos, which the 1:50m file lacks: "Hoàng Sa" (every
island in 111-113 E, 15.5-17.3 N; Natural Earth's default view files them under China) and
"Trường Sa" (Natural Earth's "Spratly Is." feature). Run: npm pack world-atlas@2.0.2, untar,
then python3 extract_locator.py package/countries-50m.json package/countries-10m.json
> locator_countries.geojson"""
import json, sys


def read(path):
    t = json.load(open(path))
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
    return t, arcs


t, arcs = read(sys.argv[1])

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

# The archipelagos, from the 1:10m file.
t, arcs = read(sys.argv[2])


def centre(p):
    r = p[0]
    return sum(c[0] for c in r) / len(r), sum(c[1] for c in r) / len(r)


hoang_sa, truong_sa = [], []
for g in t["objects"]["countries"]["geometries"]:
    name = g["properties"]["name"]
    polys = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", [])
    for p in polys:
        coords = [ring(r) for r in p]
        if not coords or not coords[0]:
            continue
        x, y = centre(coords)
        if name == "Spratly Is.":
            truong_sa.append(coords)
        elif 111 <= x <= 113 and 15.5 <= y <= 17.3:
            hoang_sa.append(coords)
for name, coords in [("Hoàng Sa", hoang_sa), ("Trường Sa", truong_sa)]:
    feats.append({"type": "Feature", "properties": {"name": name},
                  "geometry": {"type": "MultiPolygon", "coordinates": coords}})
print(json.dumps({"type": "FeatureCollection", "features": feats}, separators=(",", ":"),
                 ensure_ascii=False))
