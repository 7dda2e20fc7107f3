#!/usr/bin/python3
"""Helper of bench/infoshield_bench.sh (our own code; nothing of InfoShield is imported).

  infoshield_ari.py to-csv ADS_JSONL OUT_CSV
      Writes InfoShield's input: a CSV with columns id,text, where text is the ad's title and body as
      `lodestar link` sees them (title + newline + body). Line breaks become spaces because InfoShield
      reads the CSV with a bare '\\n' line terminator and tokenises on whitespace anyway.

  infoshield_ari.py report --work DIR --n N --seed S --commit C
      Scores both tools against the planted templates in DIR/truth.jsonl and prints a Markdown table.
      Reads DIR/infoshield/ads_full_LSH_labels.csv (InfoShield's labels, -1 = unclustered),
      DIR/clusters.json (`lodestar clusters --json`), DIR/link-eval.json (`lodestar link-eval`) and the
      GNU time -v logs DIR/time-*.txt.

Truth grouping, as in `lodestar link-eval`: ads of one built-in template form one group; ads written
freely (template "free") are each their own group. Ads a tool leaves unclustered are singletons.
ARI is sklearn.metrics.adjusted_rand_score; pairwise precision/recall/F1 come from the pair confusion
matrix (pairs of ads put together by the tool vs pairs of ads sharing a template).
"""
import csv
import json
import os
import re
import sys


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


def to_csv(ads_path, out_path):
    try:
        src = open(ads_path, encoding="utf-8")
    except OSError as e:
        fail(f"{ads_path}: cannot open the ads file ({e.strerror}); run `lodestar synth` first")
    n = 0
    with src, open(out_path, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "text"])
        for line_no, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                ad = json.loads(line)
            except json.JSONDecodeError:
                fail(f"{ads_path}:{line_no}: not a JSON object; expected `lodestar synth` output")
            if "id" not in ad:
                fail(f"{ads_path}:{line_no}: ad has no id; expected `lodestar synth` output")
            text = (ad.get("title") or "") + "\n" + (ad.get("body") or "")
            w.writerow([ad["id"], re.sub(r"[\r\n]+", " ", text)])
            n += 1
    if n == 0:
        fail(f"{ads_path}: no ads")
    print(f"wrote {n} ads to {out_path}", file=sys.stderr)


def read_truth(path):
    ids, labels = [], []
    try:
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                t = json.loads(line)
                tpl = t.get("template")
                ids.append(t["id"])
                labels.append(f"t:{tpl}" if isinstance(tpl, str) and tpl != "free" else f"solo:{i}")
    except (OSError, ValueError, KeyError) as e:
        fail(f"{path}: cannot read the synth truth ({e}); rerun the benchmark")
    return ids, labels


def infoshield_labels(path):
    """id -> cluster label; ads labelled -1 are left out (unclustered)."""
    out, rows = {}, 0
    try:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, lineterminator="\n"):
                rows += 1
                if row["LSH label"] != "-1":
                    out[row["id"]] = "is:" + row["LSH label"]
    except (OSError, KeyError) as e:
        fail(f"{path}: cannot read InfoShield's labels ({e}); did its coarse stage finish?")
    return out, rows


def lodestar_labels(path):
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for c in json.load(f):
                for ad in c["ads"]:
                    out[ad] = "ls:" + str(c["id"])
    except (OSError, ValueError, KeyError) as e:
        fail(f"{path}: cannot read `lodestar clusters --json` output ({e})")
    return out


def score(ids, truth, found):
    from sklearn.metrics import adjusted_rand_score
    from sklearn.metrics.cluster import pair_confusion_matrix
    pred = [found.get(ad, f"solo:{i}") for i, ad in enumerate(ids)]
    ari = adjusted_rand_score(truth, pred)
    c = pair_confusion_matrix(truth, pred)  # [1][1]: together in both; [0][1]: only predicted; [1][0]: only true
    tp, fp, fn = float(c[1][1]), float(c[0][1]), float(c[1][0])
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    clusters = len(set(found[ad] for ad in ids if ad in found))
    clustered = sum(1 for ad in ids if ad in found)
    return {"ari": ari, "precision": p, "recall": r, "f1": f1, "clusters": clusters, "clustered": clustered}


def gnu_time(path):
    """wall s, CPU s (user + sys), peak RSS KiB from a `/usr/bin/time -v` log."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        fail(f"{path}: missing timing log; the timed command did not run")

    def field(name):
        m = re.search(r"^\s*" + re.escape(name) + r":\s*(.+)$", text, re.M)
        if not m:
            fail(f"{path}: no '{name}' line; was the command run under /usr/bin/time -v?")
        return m.group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)"))


def report(work, n, seed, commit):
    ids, truth = read_truth(os.path.join(work, "truth.jsonl"))
    is_found, is_rows = infoshield_labels(os.path.join(work, "infoshield", "ads_full_LSH_labels.csv"))
    if is_rows != len(ids):
        print(f"warning: InfoShield labelled {is_rows} rows of {len(ids)} ads; the rest count as singletons",
              file=sys.stderr)
    iss = score(ids, truth, is_found)
    lss = score(ids, truth, lodestar_labels(os.path.join(work, "clusters.json")))
    # Cross-check our scoring against Lodestar's own (src/link/eval.cc): both must read the truth alike.
    try:
        own = json.load(open(os.path.join(work, "link-eval.json"), encoding="utf-8"))["templates"]["ari"]
        if abs(own - lss["ari"]) > 1e-6:
            print(f"warning: link-eval template ARI {own:.6f} differs from this script's {lss['ari']:.6f}",
                  file=sys.stderr)
    except (OSError, ValueError, KeyError):
        print("warning: no link-eval.json to cross-check the ARI", file=sys.stderr)

    is_t = gnu_time(os.path.join(work, "time-infoshield.txt"))
    ing = gnu_time(os.path.join(work, "time-ingest.txt"))
    lnk = gnu_time(os.path.join(work, "time-link.txt"))
    ls_t = (ing[0] + lnk[0], ing[1] + lnk[1], max(ing[2], lnk[2]))

    def row(name, t, s, ratio):
        ari = round(s["ari"], 3) + 0.0  # no "-0.000" for a score that is zero at this precision
        return (f"| {name} | {t[0]:.1f} | {t[1]:.1f} | {t[2] / 1024:.0f} MiB | {ari:.3f} | {s['precision']:.3f} "
                f"| {s['recall']:.3f} | {s['f1']:.3f} | {s['clusters']:,} / {s['clustered']:,} | {ratio} |")

    n_templated = sum(1 for t in truth if t.startswith("t:"))
    print(f"{n:,} ads from `lodestar synth --ads {n} --seed {seed}` ({n_templated:,} written from "
          f"{len(set(t for t in truth if t.startswith('t:')))} templates, the rest free text); commit {commit}.\n")
    print("| tool | wall s | CPU s | peak RSS | template ARI | pair precision | pair recall | pair F1 "
          "| clusters / ads clustered | speed-up (wall; CPU) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(row("InfoShield coarse (`infoshieldcoarse.py`)", is_t, iss, "1×"))
    ratio = f"{is_t[0] / ls_t[0]:.0f}×; {is_t[1] / ls_t[1]:.0f}×"
    print(row("Lodestar `ingest` + `link`", ls_t, lss, ratio))
    lnk_ratio = f"{is_t[0] / lnk[0]:.0f}×; {is_t[1] / lnk[1]:.0f}×"
    print(f"| (of which `ingest`, with extraction) | {ing[0]:.1f} | {ing[1]:.1f} | {ing[2] / 1024:.0f} MiB "
          f"| | | | | | |")
    print(f"| (of which `link`) | {lnk[0]:.1f} | {lnk[1]:.1f} | {lnk[2] / 1024:.0f} MiB | | | | | | {lnk_ratio} |")


def main(argv):
    if len(argv) == 4 and argv[1] == "to-csv":
        return to_csv(argv[2], argv[3])
    if len(argv) >= 2 and argv[1] == "report":
        opts = dict(zip(argv[2::2], argv[3::2]))
        if set(opts) != {"--work", "--n", "--seed", "--commit"}:
            fail("usage: infoshield_ari.py report --work DIR --n N --seed S --commit C")
        return report(opts["--work"], int(opts["--n"]), opts["--seed"], opts["--commit"])
    fail("usage: infoshield_ari.py to-csv ADS_JSONL OUT_CSV | report --work DIR --n N --seed S --commit C")


if __name__ == "__main__":
    main(sys.argv)
