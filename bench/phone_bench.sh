#!/bin/bash
# Phone extraction alone, Lodestar beside python3-phonenumbers' PhoneNumberMatcher
# (issue 3 target: >= 50x faster at equal or better recall on obfuscated numbers).
#
#   bench/phone_bench.sh [BIN_DIR]      # BIN_DIR holds lodestar and phone_bench (default build/release/bin)
#   Env: ADS (default 100000), SEED (default 1), RUNS (Lodestar runs, median taken; default 3),
#        REAL_REPEAT (Lodestar passes over the real ads per run, default 5)
#
# Generates ADS ads with `lodestar synth` (truth: the planted phones of each ad and
# whether they are written obfuscated), runs both tools on the same ads, one thread
# each, timing extraction alone (bench/phone_bench.cc, bench/phone_peer.py), and prints
# a markdown table: speed, recall and precision against the planted phones, overall
# and on the obfuscated ads. Then both run on the real ads in
# ../shared/data/ads/backpage-ca.jsonl: speed and agreement only (no truth there).
# Prints counts only: never a phone number or ad text.
# Needs: apt-get install python3-phonenumbers (run with /usr/bin/python3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/bin}
ads=${ADS:-100000}
seed=${SEED:-1}
runs=${RUNS:-3}
real_repeat=${REAL_REPEAT:-5}
py=/usr/bin/python3
for b in "$bin/lodestar" "$bin/phone_bench"; do
  [ -x "$b" ] || { echo "phone_bench.sh: $b not found; build it: ninja -C <build dir> lodestar phone_bench" >&2; exit 2; }
done
"$py" -c 'import phonenumbers' 2>/dev/null ||
  { echo "phone_bench.sh: $py cannot import phonenumbers; apt-get install python3-phonenumbers" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/lodestar" synth --ads "$ads" --seed "$seed" --out "$work/ads.jsonl" --truth "$work/truth.jsonl" --quiet
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Lodestar takes seconds, the peer minutes: Lodestar runs RUNS times (median) so one burst of
# load from other users of the machine does not decide the ratio.
for _ in $(seq "$runs"); do
  "$bin/phone_bench" "$work/ads.jsonl" "$work/lodestar.jsonl" >> "$work/lodestar.time"
done
"$py" "$root/bench/phone_peer.py" "$work/ads.jsonl" "$work/peer.jsonl" > "$work/peer.time"
real="$root/../shared/data/ads/backpage-ca.jsonl"
if [ -f "$real" ]; then
  for _ in $(seq "$runs"); do
    "$bin/phone_bench" "$real" "$work/real-lodestar.jsonl" --repeat "$real_repeat" >> "$work/real-lodestar.time"
  done
  "$py" "$root/bench/phone_peer.py" "$real" "$work/real-peer.jsonl" > "$work/real-peer.time"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$py" - "$work" "$ads" "$seed" "$load_before" "$load_after" \
  "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import collections, datetime, json, os, platform, sys
work, ads, seed, load_before, load_after, commit = sys.argv[1:7]

def jsonl(name):
    with open(os.path.join(work, name)) as f:
        return [json.loads(l) for l in f if l.strip()]

def timing(name):
    """The run with the median extraction CPU time, plus the range over runs."""
    runs = sorted(jsonl(name), key=lambda t: t["extract_cpu_s"])
    t = dict(runs[len(runs) // 2])
    t["runs"] = len(runs)
    t["range"] = (runs[-1]["ads_per_cpu_s"], runs[0]["ads_per_cpu_s"])
    return t

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 2**20
print(f"Machine: {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB. Date: {datetime.datetime.now():%Y-%m-%d %H:%M}. "
      f"Commit: {commit}. Load average (1/5/15 min) before: {load_before}; after: {load_after}.\n")

truth = jsonl("truth.jsonl")
# Hub numbers (agency/booking lines, always written plainly) are shown by ads of many
# networks and background ads; a network's own numbers stay within that network.
groups = collections.defaultdict(set)
for t in truth:
    for p in t["phones"]:
        groups[p].add(t["network"] or t["id"])
hubs = {p for p, g in groups.items() if len(g) >= 3}
tr = {t["id"]: t for t in truth}

def score(pred, keep, drop_hubs=False, nanp_only=False):
    tp = fp = fn = 0
    for r in pred:
        t = tr.get(r["id"])
        if t is None or not keep(t):
            continue
        want = {p for p in t["phones"] if not (drop_hubs and p in hubs) and not (nanp_only and not p.startswith("+1"))}
        got = {p for p in r["phones"] if not (drop_hubs and p in hubs) and not (nanp_only and not p.startswith("+1"))}
        tp += len(want & got); fp += len(got - want); fn += len(want - got)
    return tp / max(tp + fn, 1), tp / max(tp + fp, 1), tp + fn

tools = [("Lodestar `phone_bench` (libphonenumber + de-obfuscating normaliser)", "lodestar"),
         ("python3-phonenumbers `PhoneNumberMatcher(text, \"US\")`", "peer")]
rows, res = [], {}
for label, key in tools:
    tm, pred = timing(f"{key}.time"), jsonl(f"{key}.jsonl")
    r_all, p_all, n_all = score(pred, lambda t: True)
    r_obf, p_obf, n_obf = score(pred, lambda t: t["obfuscated"], drop_hubs=True)
    r_pl, p_pl, _ = score(pred, lambda t: not t["obfuscated"])
    r_nanp, _, _ = score(pred, lambda t: t["obfuscated"], drop_hubs=True, nanp_only=True)
    res[key] = dict(tm=tm, r_all=r_all, p_all=p_all, r_obf=r_obf, p_obf=p_obf, r_pl=r_pl, p_pl=p_pl, r_nanp=r_nanp,
                    n_all=n_all, n_obf=n_obf)
    rows.append((label, key))
L, P = res["lodestar"], res["peer"]
n_obf_ads = sum(1 for t in truth if t["obfuscated"])
print(f"Generated ads: `lodestar synth --ads {ads} --seed {seed}`, {L['tm']['ads']:,} ads, "
      f"{L['tm']['text_bytes'] / L['tm']['ads']:.0f} bytes of title+body per ad; {L['n_all']:,} planted phones, "
      f"{n_obf_ads:,} ads ({n_obf_ads / len(truth):.0%}) with obfuscated numbers ({L['n_obf']:,} phones, "
      f"{len(hubs)} plainly written hub numbers left out of that subset). One thread each; extraction alone "
      f"(reading and writing untimed).\n")
print("| tool | ads/s (CPU) | CPU s | wall s | recall | precision | recall, obfuscated | precision, obfuscated | speed ratio |")
print("|---|---|---|---|---|---|---|---|---|")
for label, key in rows:
    x = res[key]
    ratio = x["tm"]["ads_per_cpu_s"] / P["tm"]["ads_per_cpu_s"]
    print(f"| {label} | {x['tm']['ads_per_cpu_s']:,.0f} | {x['tm']['extract_cpu_s']:.2f} | {x['tm']['extract_wall_s']:.2f} "
          f"| {x['r_all']:.3f} | {x['p_all']:.3f} | {x['r_obf']:.3f} | {x['p_obf']:.3f} | {ratio:.1f}× |")
print(f"\nPlainly written ads only: recall {L['r_pl']:.3f} (Lodestar) vs {P['r_pl']:.3f} (peer), precision "
      f"{L['p_pl']:.3f} vs {P['p_pl']:.3f}. Obfuscated, +1 numbers only (the peer "
      f"runs with region US, so national UK/Mexican numbers are out of its reach): recall {L['r_nanp']:.3f} vs "
      f"{P['r_nanp']:.3f}. Speed ratio by wall time: "
      f"{P['tm']['extract_wall_s'] / L['tm']['extract_wall_s']:.1f}×. Lodestar: median of {L['tm']['runs']} runs "
      f"(range {L['tm']['range'][0]:,.0f}–{L['tm']['range'][1]:,.0f} ads/s); the peer: one run.\n")

if os.path.exists(os.path.join(work, "real-lodestar.jsonl")):
    lt, pt = timing("real-lodestar.time"), timing("real-peer.time")
    lo_recs = jsonl("real-lodestar.jsonl")
    lo = {r["id"]: set(r["phones"]) for r in lo_recs}
    lo_obf = {(r["id"], p) for r in lo_recs for p, o in zip(r["phones"], r["obfuscated"]) if o}
    pe = {r["id"]: set(r["phones"]) for r in jsonl("real-peer.jsonl")}
    ids = lo.keys() & pe.keys()
    same = sum(1 for i in ids if lo[i] == pe[i])
    both = sum(len(lo[i] & pe[i]) for i in ids)
    only_l = sum(len(lo[i] - pe[i]) for i in ids)
    only_l_obf = sum(1 for i in ids for p in lo[i] - pe[i] if (i, p) in lo_obf)
    only_p = sum(len(pe[i] - lo[i]) for i in ids)
    # Of the peer-only numbers, those Lodestar found in some other ad (so it reads that number, just not there).
    lo_all = set().union(*lo.values()) if lo else set()
    only_p_known = sum(1 for i in ids for p in pe[i] - lo[i] if p in lo_all)
    print(f"Real ads: `../shared/data/ads/backpage-ca.jsonl`, {lt['ads']:,} ads, "
          f"{lt['text_bytes'] / lt['ads']:.0f} bytes of title+body per ad (Lodestar timed over "
          f"{lt['repeat']} passes per run, median of {lt['runs']} runs, range {lt['range'][0]:,.0f}–{lt['range'][1]:,.0f} "
          f"ads/s; the peer over {pt['repeat']} pass). No truth: speed and agreement only.\n")
    print("| tool | ads/s (CPU) | CPU s | ads with a phone | speed ratio |")
    print("|---|---|---|---|---|")
    for label, t in (("Lodestar", lt), ("python3-phonenumbers", pt)):
        print(f"| {label} | {t['ads_per_cpu_s']:,.0f} | {t['extract_cpu_s']:.2f} | {t['ads_with_phone']:,} | "
              f"{t['ads_per_cpu_s'] / pt['ads_per_cpu_s']:.1f}× |")
    print(f"\nAgreement: same phone set in {same:,} of {len(ids):,} ads ({same / max(len(ids), 1):.1%}); "
          f"(ad, phone) pairs found by both {both:,}, by Lodestar only {only_l:,} ({only_l_obf:,} of them written "
          f"disguised), by the peer only {only_p:,} ({only_p_known:,} of these numbers Lodestar finds in other ads).")
PY
