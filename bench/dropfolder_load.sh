#!/usr/bin/env bash
# Drop-folder backlog benchmark (not a test): drops COUNT distinct fax files into the inbox of
# `faxintake serve` at once (renames from a staging folder on the same file system) and
# measures, in two runs on fresh stores:
#   1. accept only (workers.faxes: 0, a queue that holds everything): files claimed, stored and
#      archived per second, and the service's peak RSS while the backlog drains;
#   2. with processing (2 workers) and a small queue (QUEUE_LIMIT): for WINDOW seconds, files
#      accepted and faxes processed per second, peak RSS, the largest queue depth seen, how
#      often the folder stopped claiming because the queue was full; then the service is
#      stopped mid-backlog and started again accept-only to take the rest.
# Each run ends by checking that every file was stored exactly once: archive entries, their
# distinct fax ids and the store's fax count all equal COUNT; nothing left in the inbox or work
# folder; nothing quarantined.
# The files are the TIFFs of samples/set, each with a distinct trailer after the TIFF data
# (readers ignore it; it makes the bytes, hence the fax ids, distinct).
#
# usage: bench/dropfolder_load.sh [COUNT] [QUEUE_LIMIT] [WINDOW_SECONDS]   (defaults: 1000 100 120)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000}
QUEUE_LIMIT=${2:-100}
WINDOW=${3:-120}
BIN=${FAXINTAKE_BIN:-./build/app/faxintake}
[ -x "$BIN" ] || { echo "build faxintake first (or set FAXINTAKE_BIN)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/faxintake-dropfolder-load.XXXXXX)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
unset FAXINTAKE_STORE_KEY

/usr/bin/python3 -u - "$BIN" "$WORK" "$COUNT" "$QUEUE_LIMIT" "$WINDOW" <<'PY'
import atexit, glob, os, re, shutil, signal, socket, subprocess, sys, time, urllib.request

binary, work, count, queue_limit, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
samples = sorted(glob.glob("samples/set/*.tif"))
assert samples, "no samples/set/*.tif"
sample_bytes = [open(p, "rb").read() for p in samples]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

def prepare(run):
    base = f"{work}/{run}"
    os.makedirs(f"{base}/config")
    for f in glob.glob("config/*"):
        if os.path.isfile(f): shutil.copy(f, f"{base}/config/")
    shutil.copy("config/faxintake.yaml", f"{base}/faxintake.yaml.orig")
    stage = f"{base}/stage"; os.makedirs(stage)
    for i in range(count):
        data = sample_bytes[i % len(sample_bytes)] + b"\0faxintake-load-%08d\0" % i
        with open(f"{stage}/load{i:06d}.tif", "wb") as out: out.write(data)
    return base

def write_config(base, workers, limit, port):
    p = f"{base}/config/faxintake.yaml"
    s = open(f"{base}/faxintake.yaml.orig").read()
    s = s.replace("path: var/store", f"path: {base}/store").replace("key_file: var/keys/store.key", f"key_file: {base}/store.key")
    s = s.replace("tokens_file: var/keys/", f"tokens_file: {base}/")
    s = s.replace("var/", f"{base}/var/")
    s = re.sub(r"settle_seconds: [0-9.]+", "settle_seconds: 0.5", s)
    s = re.sub(r"port: \d+", f"port: {port}", s)
    s = re.sub(r"faxes: \d+", f"faxes: {workers}", s)
    s = re.sub(r"queue_limit: \d+", f"queue_limit: {limit}", s)
    open(p, "w").write(s)

running = []  # services started here, stopped at exit whatever happens
atexit.register(lambda: [p.kill() for p in running if p.poll() is None])

def start(base, workers, limit):
    port = free_port()
    write_config(base, workers, limit, port)
    log = open(f"{base}/serve.log", "ab")
    proc = subprocess.Popen([binary, "--config", f"{base}/config/faxintake.yaml", "--log-level", "warn", "serve"],
                            stderr=log, stdout=log)
    running.append(proc)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1); break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit(f"the service did not start; see {base}/serve.log")
    return proc, port

def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try: proc.wait(timeout=120)
    except subprocess.TimeoutExpired: proc.kill(); proc.wait()

def metrics(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out

def rss_kb(pid, field):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"): return int(line.split()[1])
    except OSError:
        pass
    return 0

def entries(d):
    return os.listdir(d) if os.path.isdir(d) else []

def drop_all(base):
    t0 = time.time()
    for name in sorted(os.listdir(f"{base}/stage")):
        os.rename(f"{base}/stage/{name}", f"{base}/var/inbox/{name}")
    return t0

def check(base, port, label):
    archive = entries(f"{base}/var/archive")
    ids = {name.split("_", 2)[0] + "_" + name.split("_", 2)[1] for name in archive}
    m = metrics(port)
    stored = int(m.get("faxintake_store_faxes", -1))
    left = len(entries(f"{base}/var/inbox")) + len(entries(f"{base}/var/work"))
    quarantined = len(entries(f"{base}/var/quarantine"))
    lost = count - len(ids)
    duplicated = len(archive) - len(ids) + max(0, stored - count)
    ok = len(archive) == count and len(ids) == count and stored == count and left == 0 and quarantined == 0
    print(f"  [{label}] archived={len(archive)} distinct_fax_ids={len(ids)} store_faxes={stored} "
          f"left_in_inbox_or_work={left} quarantined={quarantined} lost={lost} duplicated={duplicated}: "
          + ("every file stored exactly once" if ok else "MISMATCH"))
    return ok

# ---------------------------------------------------------------- run 1: accept only
print(f"drop-folder backlog: {count} files ({len(samples)} sample TIFFs with distinct trailers), 2 cores")
base = prepare("accept")
proc, port = start(base, 0, count * 2)
t0 = drop_all(base)
peak_rss = 0
while len(entries(f"{base}/var/archive")) < count and time.time() - t0 < 900:
    peak_rss = max(peak_rss, rss_kb(proc.pid, "VmRSS")); time.sleep(0.1)
secs = time.time() - t0
peak_rss = max(peak_rss, rss_kb(proc.pid, "VmHWM"))
print(f"run 1, accept only (workers.faxes 0): {count} files claimed+stored+archived in {secs:.1f} s = "
      f"{count / secs:.0f} files/s (settle 0.5 s included); peak RSS {peak_rss / 1024:.0f} MB")
ok1 = check(base, port, "accept only")
stop(proc)

# ---------------------------------------------------------------- run 2: with processing
base = prepare("process")
proc, port = start(base, 2, queue_limit)
t0 = drop_all(base)
peak_rss, max_depth, last = 0, 0, time.time()
while time.time() - t0 < window:
    peak_rss = max(peak_rss, rss_kb(proc.pid, "VmRSS"))
    if time.time() - last >= 1:
        max_depth = max(max_depth, int(metrics(port).get("faxintake_queue_depth", 0))); last = time.time()
    time.sleep(0.1)
m = metrics(port)
secs = time.time() - t0
peak_rss = max(peak_rss, rss_kb(proc.pid, "VmHWM"))
accepted = len(entries(f"{base}/var/archive"))
# Completed faxes from the store (a result committed); pages are counted as OCR finishes.
processed = int(m.get("faxintake_store_faxes", 0) - m.get("faxintake_store_pending", 0))
pages = int(m.get("faxintake_pages_processed_total", 0))
busy_stops = int(sum(v for k, v in m.items() if k.startswith("faxintake_dropfolder_busy_stops_total")))
refused = int(m.get("faxintake_faxes_rejected_busy_total", 0))
quarantined = len(entries(f"{base}/var/quarantine"))
waiting = len(entries(f"{base}/var/inbox")) + len(entries(f"{base}/var/work"))
print(f"run 2, 2 workers, queue_limit {queue_limit}, window {secs:.0f} s: accepted {accepted} "
      f"({accepted / secs:.1f} files/s), processed {processed} faxes / {pages} pages "
      f"({processed / secs:.2f} faxes/s, {pages / secs:.2f} pages/s); largest queue depth {max_depth}; "
      f"accepts refused for a full queue {refused}, scans stopped {busy_stops}; "
      f"still waiting in inbox/work {waiting}; quarantined {quarantined}; "
      f"accounted for {accepted + waiting}/{count}; peak RSS {peak_rss / 1024:.0f} MB")
ok2 = accepted + waiting == count and quarantined == 0 and max_depth <= queue_limit
stop(proc)  # mid-backlog: the rest must still be taken, once
proc, port = start(base, 0, count * 2)
t1 = time.time()
while len(entries(f"{base}/var/archive")) < count and time.time() - t1 < 900: time.sleep(0.2)
print(f"  restarted accept-only: the remaining {count - accepted} taken in {time.time() - t1:.1f} s")
ok2 = check(base, port, "processing + restart") and ok2
stop(proc)
sys.exit(0 if ok1 and ok2 else 1)
PY
