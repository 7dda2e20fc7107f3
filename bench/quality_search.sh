#!/bin/bash
# Rewrites the "## Search and analytics" section at the end of docs/quality.md:
# on generated corpora with truth (lodestar synth), per seed,
#  a) spikes: is the planted spike found (q, rate ratio and its CI), how many
#     other regions are flagged, against the false discoveries BH allows;
#  b) movement: recall of truth networks that travel (>= MIN_CITIES cities within
#     WINDOW days) among the networks `lodestar movement` returns, and precision
#     (returned networks whose ads' truth places span >= MIN_CITIES in a window);
#  c) terms: rank of the planted event terms among the salient terms of the spike
#     window (spike city and days vs the spike city over the year).
# Usage: bench/quality_search.sh [N] [LODESTAR_BIN]
#   N ads per corpus (default 30000); Env: SEEDS (default "2026 7 42 1234 99"), NO_WRITE=1 prints instead of writing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ads=${1:-30000}
bin=${2:-$root/build/release/bin/lodestar}
seeds=${SEEDS:-"2026 7 42 1234 99"}
if [ ! -x "$bin" ]; then
  echo "quality_search.sh: $bin is not an executable; build the lodestar target or pass its path as the 2nd argument" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for seed in $seeds; do
  d="$work/s$seed"
  mkdir -p "$d"
  echo "seed $seed: synth, ingest, link, analytics" >&2
  "$bin" synth --ads "$ads" --seed "$seed" --out "$d/ads.jsonl" --truth "$d/truth.jsonl" --quiet
  "$bin" ingest "$d/ads.jsonl" --db "$d/db" --quiet >/dev/null 2>&1
  "$bin" link --db "$d/db" --quiet > "$d/link.txt"
  "$bin" index --db "$d/db" >/dev/null 2>&1 || true
  "$bin" spikes --db "$d/db" --json > "$d/spikes.json"
  "$bin" movement --db "$d/db" --json > "$d/movement.json"
  "$bin" networks --db "$d/db" --json --min-size 2 > "$d/networks.json"
  # The terms slices need the spike's city, state and days from the truth.
  read -r city state start end < <(python3 - "$d/truth.jsonl" <<'PY'
import json, sys, datetime
days, place = set(), None
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["spike"]:
        days.add(t["posted"][:10])
        place = (t["city"].lower(), t["state"].lower())
end = (datetime.date.fromisoformat(max(days)) + datetime.timedelta(days=1)).isoformat()
print(place[0].replace(" ", "_"), place[1], min(days), end)
PY
)
  city=${city//_/ }
  "$bin" terms --db "$d/db" --a "after:$start before:$end city:\"$city\" state:$state" \
    --b "city:\"$city\" state:$state" --top 50 --json > "$d/terms.json"
  echo "after:$start before:$end city:\"$city\" state:$state" > "$d/terms_query.txt"
done
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$work" "$ads" "$seeds" "$commit" "$root/docs/quality.md" "${NO_WRITE:-0}" <<'PY'
import json, sys, datetime, collections, os
work, ads, seeds, commit, doc, no_write = sys.argv[1:7]
seeds = seeds.split()
out = []
p = out.append

def day_of(ts):
    return datetime.date.fromisoformat(ts[:10]).toordinal()

def max_cities_in_window(rows, window):
    # rows: (day, place) sorted by day; the most distinct places within `window` days (same rule as the query).
    best, lo, count = 0, 0, collections.Counter()
    for hi, (d, c) in enumerate(rows):
        count[c] += 1
        while d - rows[lo][0] >= window:
            count[rows[lo][1]] -= 1
            if count[rows[lo][1]] == 0:
                del count[rows[lo][1]]
            lo += 1
        best = max(best, len(count))
    return best

spike_rows, move_rows, term_rows = [], [], []
for seed in seeds:
    d = f"{work}/s{seed}"
    truth = [json.loads(l) for l in open(f"{d}/truth.jsonl")]
    by_id = {t["id"]: t for t in truth}
    # a) spikes
    sp = json.load(open(f"{d}/spikes.json"))
    spike_ads = [t for t in truth if t["spike"]]
    s_city, s_state = spike_ads[0]["city"].lower(), spike_ads[0]["state"].lower()
    s_days = sorted({day_of(t["posted"]) for t in spike_ads})
    alpha = sp["alpha"]
    cur = sp["current_days"]
    def is_planted(s):
        city, _, state = s["region"].partition(", ")
        if city != s_city or (state and state != s_state):
            return False
        lo, hi = day_of(s["peak_window"][0]), day_of(s["peak_window"][1])
        return lo <= s_days[-1] and hi >= s_days[0]
    planted = [s for s in sp["spikes"] if is_planted(s)]
    others = [s for s in sp["spikes"] if not is_planted(s)]
    # Significant region-days: a spike's start is its first significant day minus (current - 1).
    flagged_days = lambda s: day_of(s["end"]) - day_of(s["start"]) - (cur - 1) + 1
    sig_days = sum(flagged_days(s) for s in sp["spikes"])
    other_days = sum(flagged_days(s) for s in others)
    rank = next((i + 1 for i, s in enumerate(sp["spikes"]) if is_planted(s)), None)
    if planted:
        s = planted[0]
        ci = s["rate_ratio_ci95"]
        fmt_rr = lambda v: "inf" if v is None else f"{v:.1f}"
        found = (f"yes (rank {rank}), q = {s['q']:.1e}, {s['current']} vs {s['expected']:.1f} expected, "
                 f"rate ratio {fmt_rr(s['rate_ratio'])} [{fmt_rr(ci[0])}, {fmt_rr(ci[1])}]")
    else:
        found = "no"
    other_regions = len({s["region"] for s in others})
    spike_rows.append((seed, f"{s_city.title()}, {s_state.upper()} {datetime.date.fromordinal(s_days[0])} +{len(s_days)}d "
                             f"({len(spike_ads)} ads)", found, sp["tests"], sig_days, len(others), other_regions,
                       alpha * sig_days, alpha * sp["tests"], sp["count"], other_days))
    # b) movement
    mv = json.load(open(f"{d}/movement.json"))
    nmin, window = mv["min_cities"], mv["window_days"]
    nets = {n["id"]: n["ads"] for n in json.load(open(f"{d}/networks.json"))}
    truth_nets = collections.defaultdict(list)
    for t in truth:
        if t["network"]:
            truth_nets[t["network"]].append((day_of(t["posted"]), (t["city"], t["state"])))
    travelling = {n for n, rows in truth_nets.items() if max_cities_in_window(sorted(rows), window) >= nmin}
    returned = [n["network"] for n in mv["networks"]]
    mapped, truly_moving = set(), 0
    for nid in returned:
        members = [by_id[a] for a in nets.get(nid, []) if a in by_id]
        votes = collections.Counter(t["network"] for t in members)
        if votes:
            top, _ = votes.most_common(1)[0]
            if top:
                mapped.add(top)
        rows = sorted((day_of(t["posted"]), (t["city"], t["state"])) for t in members)
        truly_moving += max_cities_in_window(rows, window) >= nmin
    recall = len(mapped & travelling) / len(travelling) if travelling else float("nan")
    precision = truly_moving / len(returned) if returned else float("nan")
    # Precision by mapping: returned networks whose majority truth network travels;
    # and returned networks that mix ads of two or more truth networks (or background ads).
    map_ok = mixed = 0
    for nid in returned:
        members = [by_id[a] for a in nets.get(nid, []) if a in by_id]
        votes = collections.Counter(t["network"] for t in members)
        top = votes.most_common(1)[0][0] if votes else None
        map_ok += top in travelling
        mixed += len(votes) > 1
    move_rows.append((seed, len(truth_nets), len(travelling), len(returned), len(mapped & travelling), recall,
                      precision, map_ok / len(returned) if returned else float("nan"), nmin, window, mixed))
    # c) terms
    tr = json.load(open(f"{d}/terms.json"))
    planted_terms = sorted({w for t in spike_ads for w in t.get("event_terms", [])})
    ranked = [r["term"] for r in tr["terms_a"]]
    ranks = {w: (ranked.index(w) + 1 if w in ranked else None) for w in planted_terms}
    top10 = sum(1 for w in ranked[:10] if w in planted_terms)
    query = open(f"{d}/terms_query.txt").read().strip()
    term_rows.append((seed, query, tr["ads_a"], tr["ads_b"], ranks, top10, len(ranked), ranked[:5]))

p("## Search and analytics\n")
p(f"Regenerated by `bench/quality_search.sh {ads}` on {datetime.date.today()} at commit {commit} "
  f"(seeds {', '.join(seeds)}; each corpus `lodestar synth --ads {ads} --seed S`, ingested with extraction, "
  "linked with default parameters, then the analytics commands with their defaults and `--json`).\n")
p("### Spikes\n")
p("The planted spike: one US city, +150% of its volume over 3 days (synth). *Found* = a flagged spike in that city "
  "whose peak window overlaps the planted days. BH at level α bounds the expected share of false discoveries among "
  "the flagged region-days, so about α × flagged region-days false ones are allowed; α × tests is what testing "
  "without any correction would let through.\n")
p("| seed | planted spike | found | region-day tests | flagged region-days | other spikes (regions) | "
  "other region-days | FDR-allowed false region-days | α × tests | counting |")
p("|---|---|---|---|---|---|---|---|---|---|")
for r in spike_rows:
    p(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} ({r[6]}) | {r[10]} | {r[7]:.1f} | {r[8]:.0f} | {r[9]} |")
flagged, other = sum(r[4] for r in spike_rows), sum(r[10] for r in spike_rows)
found_n = sum(1 for r in spike_rows if r[2] != "no")
p(f"\nPlanted spike found in {found_n} of {len(spike_rows)} corpora. Pooled over the seeds, {other} of {flagged} flagged "
  f"region-days are outside the planted spike ({other / flagged if flagged else 0:.1%}; BH at α = {alpha} allows about α "
  "in expectation). Everything outside the planted spike is counted as false here, although the generator's "
  "networks do start and move, so some of those flags may be real arrivals. Inspected on 2026-11-26 (seed 7, "
  "Hartford, CT: 10 arrivals against 1.9 expected): several networks arriving in one week, one truth network split "
  "by linking into two Lodestar networks and so counted as two arrivals. The binomial null assumes independent "
  "(Poisson) arrivals; networks that loop back through a city and networks split by linking make arrival counts "
  "overdispersed, so BH here is somewhat anti-conservative.\n")
p("### Movement\n")
p(f"A truth network *travels* if its ads are in ≥ {move_rows[0][8]} distinct cities within {move_rows[0][9]} days "
  "(the same sliding-window rule as `lodestar movement`, applied to the truth places). Lodestar networks are mapped to "
  "truth networks by majority vote of their ads' truth `network`. Recall = travelling truth networks that some returned "
  "network maps to; precision = returned networks whose ads' truth places really span that many cities in a window; "
  "*precision (mapped)* is the stricter share whose majority truth network travels; *mixed* counts returned networks "
  "holding ads of more than one truth network (or background ads), i.e. linking merges.\n")
p("| seed | truth networks | travelling | returned | travelling found | recall | precision | precision (mapped) | mixed |")
p("|---|---|---|---|---|---|---|---|---|")
for r in move_rows:
    p(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.3f} | {r[6]:.3f} | {r[7]:.3f} | {r[10]} |")
p("\nInspected on 2026-11-26 at commit fbefb83, when recall was 0.84-0.90 (seed 2026, 24 travelling truth networks "
  "missed): 10 were one Lodestar network whose ads all got the place \"Downtown, MD\" (the extractor read the word "
  "\"downtown\" in a built-in template as a gazetteer place and preferred it to the stated location), 10 were split "
  "by linking into two or more networks each seen in fewer cities, and 4 were absorbed into a bigger network that "
  "maps to another truth network. The extraction and linking fixes since (a US/Canadian stated location keeps its "
  "region, phone-like WhatsApp handles no longer bridge networks) raised recall to the figures above; the misses "
  "left were not re-inspected.\n")
p("### Salient terms of the spike window\n")
p("`lodestar terms --a 'after:START before:END city:C state:S' --b 'city:C state:S' --top 50`: the spike days in the "
  "spike city against the spike city over the whole year. Each spike ad carries one planted event sentence "
  "(truth `event_terms`); the table gives the rank of each planted term among the slice's salient terms "
  "(— = not in the top 50) and how many of the top 10 are planted terms.\n")
p("| seed | ads in window / in city | planted term ranks | planted terms in top 10 | top 5 |")
p("|---|---|---|---|---|")
for r in term_rows:
    ranks = ", ".join(f"{w} {v if v else '—'}" for w, v in sorted(r[4].items(), key=lambda kv: kv[1] or 999))
    p(f"| {r[0]} | {r[2]} / {r[3]} | {ranks} | {r[5]} | {', '.join(r[7])} |")
p("")
text = "\n".join(out) + "\n"
if no_write == "1":
    print(text)
    sys.exit(0)
doc_text = open(doc).read()
marker = "\n## Search and analytics\n"
i = doc_text.find(marker)
if i >= 0:
    j = doc_text.find("\n## ", i + len(marker))
    rest = doc_text[j:] if j >= 0 else ""
    doc_text = doc_text[:i].rstrip("\n") + "\n\n" + text + rest.lstrip("\n")
else:
    doc_text = doc_text.rstrip("\n") + "\n\n" + text
open(doc + ".tmp", "w").write(doc_text)
os.replace(doc + ".tmp", doc)
print(text)
PY
