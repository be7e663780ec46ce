"""The geodiff anchor of the sync benchmark: two planners' 1,000 edits of the 200,000-parcel
layer (100 on the same field of the same records) merged locally by Mergin Maps' geodiff.

    python3 -m pip install --target /tmp/pygeodiff pygeodiff   # 2.3.2 here
    cargo bench --bench qn-bench-sync -- /tmp/bsync                      # writes /tmp/bsync/parcels.gpkg
    /usr/bin/python3 benches/geodiff_merge.py [/tmp/bsync/parcels.gpkg]

Prints the time of the two changesets and of the rebase, how many conflicts geodiff wrote to
its JSON file, and how many overlapping records the merged table resolved to one side.
"""
import sys, shutil, sqlite3, time, os, json
sys.path.insert(0, "/tmp/pygeodiff")
import pygeodiff
src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bsync/parcels.gpkg"
d = "/tmp/gd"; shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
base = f"{d}/base.gpkg"; a = f"{d}/a.gpkg"; b = f"{d}/b.gpkg"
# The parcels layer alone, as base.
shutil.copy(src, base)
for p in (a, b):
    shutil.copy(base, p)
def edit(path, fids, value):
    c = sqlite3.connect(path)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        c.create_function(fn, 1, lambda g: 0)
    c.executemany("UPDATE ref_thua_dat SET ghi_chu = ? WHERE fid = ?", [(f"{value} {f}", f) for f in fids])
    c.commit(); c.close()
edit(a, list(range(1, 101)) + list(range(101, 1001)), "Lan")
edit(b, list(range(1, 101)) + list(range(1001, 1901)), "Minh")
g = pygeodiff.GeoDiff()
t0 = time.time()
g.create_changeset(base, a, f"{d}/a.diff")
g.create_changeset(base, b, f"{d}/b.diff")
t1 = time.time()
shutil.copy(b, f"{d}/merged.gpkg")
t2 = time.time()
g.rebase(base, a, f"{d}/merged.gpkg", f"{d}/conflicts.json")
t3 = time.time()
n = 0
if os.path.exists(f"{d}/conflicts.json"):
    n = len(json.load(open(f"{d}/conflicts.json")).get("geodiff", []))
c = sqlite3.connect(f"{d}/merged.gpkg")
kept = c.execute("SELECT count(*) FROM ref_thua_dat WHERE fid <= 100 AND ghi_chu LIKE 'Minh%'").fetchone()[0]
print(f"geodiff {pygeodiff.__version__ if hasattr(pygeodiff,'__version__') else ''}: changesets {t1-t0:.2f} s, rebase {t3-t2:.2f} s, total {t1-t0+t3-t2:.2f} s; conflicts written to the JSON file: {n}; overlapping records now holding the local value: {kept} of 100 (the other side's value dropped from the table)")
