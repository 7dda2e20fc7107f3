#!/usr/bin/python3
"""The peer of bench/phone_bench.cc: python3-phonenumbers' PhoneNumberMatcher over the same ads.

    /usr/bin/python3 bench/phone_peer.py ADS.jsonl OUT.jsonl [--repeat N] [--region US]

Needs the Debian package python3-phonenumbers (hence /usr/bin/python3, not a pyenv
python). Reads every ad first, choosing title and body the way Lodestar's JSON
decoder does (first present of its candidate field names, see
src/ingest/field_names.cc), then times only the matcher loop on one thread and
writes one line per ad: {"id": "...", "phones": ["+1...", ...]} (E.164, in order of
appearance, duplicates dropped). Like Lodestar it runs over title and body
separately. Timing goes to stdout as one JSON object; interpreter start, imports,
reading and writing are outside it. No phone number or ad text is printed.
"""
import json
import sys
import time

try:
    import phonenumbers
except ImportError:
    sys.exit("error: python module phonenumbers missing; apt-get install python3-phonenumbers "
             "and run with /usr/bin/python3")

TITLE_NAMES = ("title", "headline", "subject", "name")
BODY_NAMES = ("body", "text", "content", "description", "extracted_text", "raw_text", "message", "post")
ID_NAMES = ("id", "_id", "ad_id", "doc_id", "post_id", "uuid", "uid")


def first_text(obj, names):
    for n in names:
        v = obj.get(n)
        if isinstance(v, str):
            return v
        if v is not None and not isinstance(v, (dict, list)):
            return str(v)
    return ""


def find(texts, region, fmt, e164):
    out = []
    for text in texts:
        if not text:
            continue
        for m in phonenumbers.PhoneNumberMatcher(text, region):
            v = fmt(m.number, e164)
            if v not in out:
                out.append(v)
    return out


def main(argv):
    args = argv[1:]
    repeat, region = 1, "US"
    while len(args) > 2:
        flag, value = args[-2], args[-1]
        if flag == "--repeat" and value.isdigit() and 1 <= int(value) <= 1000:
            repeat = int(value)
        elif flag == "--region" and len(value) == 2:
            region = value.upper()
        else:
            sys.exit(f"error: {flag} {value}: usage: phone_peer.py ADS.jsonl OUT.jsonl [--repeat N] [--region CC]")
        args = args[:-2]
    if len(args) != 2:
        sys.exit("usage: phone_peer.py ADS.jsonl OUT.jsonl [--repeat N] [--region CC]")
    src, dst = args

    ids, texts, bad = [], [], []
    t_load = time.monotonic()
    try:
        with open(src, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict):
                        raise ValueError("not an object")
                except ValueError:
                    ids.append(f"line:{lineno}")
                    texts.append(("", ""))
                    bad.append(True)
                    continue
                ad_id = first_text(obj, ID_NAMES)
                ids.append(ad_id if ad_id else f"line:{lineno}")
                texts.append((first_text(obj, TITLE_NAMES), first_text(obj, BODY_NAMES)))
                bad.append(False)
    except OSError as e:
        sys.exit(f"error: {src}: cannot read ({e.strerror}); give an existing JSON Lines file")
    load_s = time.monotonic() - t_load
    if not ids:
        sys.exit(f"error: {src}: no ads read; give a JSON Lines file with title/body fields")

    fmt, e164 = phonenumbers.format_number, phonenumbers.PhoneNumberFormat.E164
    find(("call 503 555 0100 or 503-724-3016",), region, fmt, e164)  # warm-up: metadata loads on first use
    found = []
    wall0, cpu0 = time.monotonic(), time.thread_time()
    for _ in range(repeat):
        found = [find(t, region, fmt, e164) for t in texts]
    wall_s, cpu_s = time.monotonic() - wall0, time.thread_time() - cpu0

    try:
        with open(dst, "w", encoding="utf-8") as out:
            for ad_id, phones, b in zip(ids, found, bad):
                rec = {"id": ad_id, "phones": phones}
                if b:
                    rec["error"] = "unreadable record"
                out.write(json.dumps(rec, separators=(",", ":")) + "\n")
    except OSError as e:
        sys.exit(f"error: {dst}: cannot write ({e.strerror}); check the directory exists and is writable")
    n = len(ids) * repeat
    print(json.dumps({"tool": "python3-phonenumbers " + phonenumbers.__version__, "ads": len(ids), "repeat": repeat,
                      "unreadable": sum(bad), "ads_with_phone": sum(1 for p in found if p),
                      "load_wall_s": round(load_s, 3), "extract_wall_s": round(wall_s, 3),
                      "extract_cpu_s": round(cpu_s, 3), "ads_per_cpu_s": round(n / cpu_s) if cpu_s > 0 else None}))


if __name__ == "__main__":
    main(sys.argv)
