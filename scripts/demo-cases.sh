#!/bin/bash
# Case-side demo (issue 6): a demo hotline account files generated tips, two of
# them about phones seen in one ad network; the case they form is shown with the
# ad networks it links to. Usage: demo-cases.sh BIN STORE_DIR (linked store).
set -eu
bin=$1
store=$2
"$bin" users add demo_caseworker --role caseworker --org demo-hotline --db "$store" |
  sed 's/(shown once): .*/(shown once): <hidden>/'
# Two phones of one network with at least two ads each (from the link output).
read -r net p1 p2 <<<"$(python3 -c 'import json,sys
for line in open(sys.argv[1]):
    n = json.loads(line); p = [k[6:] for k, c in n["identifiers"].items() if k.startswith("phone:") and c >= 2]
    if len(p) >= 2: print(n["id"], p[0], p[1]); break' "$store/derived/link/networks.jsonl")"
tip() { "$bin" tips add --db "$store" --org demo-hotline "$@"; }
tip --channel call --text "A caller says her sister is kept in an apartment and advertised online; the number in the ads is $p1." \
  --location "Seattle, Washington"
tip --channel sms --text "Same situation as reported earlier, new number seen: $p2. Passports taken by the man who drives them." \
  --phone "$p1"
tip --channel web --text "Workers at a farm near Fresno are not paid and cannot leave." --exploitation labour
tip --channel chat --text "My friend is 16 and was moved to Houston last week by a man who holds her phone." --urgency high
case_id=$("$bin" tips list --db "$store" --json |
  python3 -c 'import json,sys; print(min(t["case_id"] for t in json.load(sys.stdin) if t["channel"] == "sms"))')
echo "-- case $case_id (network $net expected among its linked networks):"
"$bin" cases show "$case_id" --link-ads --db "$store" | python3 -c 'import json,sys; c=json.load(sys.stdin)
nets = ", ".join("%s (%d ads)" % (n["network_id"], n["ads"]) for n in c["linked_networks"])
print("tips:", len(c["tips"]), "| linked ads:", len(c["linked_ads"]), "| networks:", nets or "none")
g = c["tips"][0]["geocode"] or {}; print("first tip geocoded to:", g.get("city"), g.get("region"), g.get("country"))'
