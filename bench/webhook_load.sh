#!/usr/bin/env bash
# Webhook load benchmark (not a test): posts COUNT generic-upload webhook faxes (multipart,
# X-Faxintake-Signature HMAC-SHA256) as fast as THREADS clients can against `faxintake serve`,
# retrying each 503 after a short pause the way a gateway would, then checks that every fax
# was stored exactly once. Reports accepted per second and the 503s.
#
# usage: bench/webhook_load.sh [COUNT] [THREADS] [QUEUE_LIMIT]   (defaults: 1000 16 200)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000}
THREADS=${2:-16}
QUEUE_LIMIT=${3:-200}
BIN=${FAXINTAKE_BIN:-./build/app/faxintake}
[ -x "$BIN" ] || { echo "build faxintake first (or set FAXINTAKE_BIN)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/faxintake-webhook-load.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# A private copy of the configuration: store, inbox and spool under $WORK, port chosen free.
cp -r config "$WORK/config"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 - "$WORK" "$PORT" "$QUEUE_LIMIT" <<'PY'
import re, sys
work, port, limit = sys.argv[1:]
p = f"{work}/config/faxintake.yaml"
s = open(p).read()
s = s.replace("path: var/store", f"path: {work}/store").replace("key_file: var/keys/store.key", f"key_file: {work}/store.key")
s = s.replace("var/", f"{work}/var/")
s = re.sub(r"port: \d+", f"port: {port}", s)
s = re.sub(r"queue_limit: \d+", f"queue_limit: {limit}", s)
open(p, "w").write(s)
open(f"{work}/config/gateways.yaml", "w").write(f"""webhooks:
  public_base_url: http://127.0.0.1:{port}
  spool: {work}/var/webhooks
  retry_after_seconds: 1
  gateways:
    - name: inhouse
      type: generic
      secret_env: FAXINTAKE_LOAD_KEY
""")
PY
export FAXINTAKE_LOAD_KEY=load-test-key
unset FAXINTAKE_STORE_KEY
# Reading results back needs a token of the staff and export API.
TOKEN=$("$BIN" --config "$WORK/config/faxintake.yaml" add-token load-bench export 2>/dev/null)
"$BIN" --config "$WORK/config/faxintake.yaml" --log-level warn serve 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

/usr/bin/python3 - "$PORT" "$COUNT" "$THREADS" "$TOKEN" <<'PY'
import hashlib, hmac, http.client, json, sys, threading, time
port, count, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
token = sys.argv[4]
key = b"load-test-key"
lock = threading.Lock()
next_job = 0
fax_ids, dup_replies, busy, errors = {}, 0, 0, 0

def body_for(i):
    b = "loadb"
    pdf = f"%PDF-1.4 load test fax {i} ".encode() + bytes(2000)
    parts = [f"--{b}\r\nContent-Disposition: form-data; name=\"fax_id\"\r\n\r\nload-{i}\r\n".encode(),
             f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f{i}.pdf\"\r\n"
             f"Content-Type: application/pdf\r\n\r\n".encode() + pdf + b"\r\n",
             f"--{b}--\r\n".encode()]
    return b"".join(parts), f"multipart/form-data; boundary={b}"

def worker():
    global next_job, dup_replies, busy, errors
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while True:
        with lock:
            if next_job >= count: return
            i = next_job; next_job += 1
        body, ctype = body_for(i)
        sig = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        while True:
            try:
                conn.request("POST", "/v1/webhooks/inhouse", body, {"Content-Type": ctype, "X-Faxintake-Signature": sig})
                r = conn.getresponse(); data = r.read()
            except Exception:
                conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock: errors += 1
                time.sleep(0.05); continue
            if r.status == 503:
                with lock: busy += 1
                time.sleep(0.05); continue   # a gateway would wait Retry-After; faster here
            if r.status != 200:
                with lock: errors += 1
                print("unexpected", r.status, data[:200], file=sys.stderr); break
            reply = json.loads(data)
            with lock:
                if reply.get("duplicate"): dup_replies += 1
                fax_ids.setdefault(i, reply["fax_id"])
            break

start = time.time()
ts = [threading.Thread(target=worker) for _ in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
secs = time.time() - start

# Every fax readable back by its id (200 processed or 202 still processing), and the
# service's counters agree: COUNT new faxes, no duplicates.
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
missing = 0
for i, fid in fax_ids.items():
    conn.request("GET", f"/v1/faxes/{fid}", headers={"Authorization": f"Bearer {token}"}); r = conn.getresponse(); r.read()
    if r.status not in (200, 202): missing += 1
conn.request("GET", "/metrics"); metrics = conn.getresponse().read().decode()
def metric(name):
    for line in metrics.splitlines():
        if line.startswith(name + " "): return int(float(line.split()[1]))
    return -1
accepted = metric("faxintake_webhooks_faxes_accepted_total")
dups = metric("faxintake_webhooks_duplicates_total")
distinct = len(set(fax_ids.values()))
print(f"posted={count} answered_200={len(fax_ids)} distinct_fax_ids={distinct} seconds={secs:.2f} "
      f"accepted_per_s={len(fax_ids)/secs:.0f} http_503={busy} errors={errors} "
      f"duplicate_replies={dup_replies} service_accepted={accepted} service_duplicates={dups} unreadable={missing}")
ok = len(fax_ids) == count and distinct == count and accepted == count and missing == 0
print("every fax stored exactly once" if ok else "MISMATCH: see the figures above")
sys.exit(0 if ok else 1)
PY
