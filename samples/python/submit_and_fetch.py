#!/usr/bin/env python3
"""Submit a map job to a RangeOrleans cluster over HTTP, follow it to the end, and read its output.

Standard library only (urllib, json): no pyarrow. The map's shards are Arrow IPC files, which need pyarrow
(pyarrow.ipc.open_file) to read; this example lists them from the job's manifest (with their SHA-256) and
reads embeddings through POST /v1/embed in JSON instead, which gives exactly the rows the shards hold.

    RANGE_API_URL=http://127.0.0.1:8080 RANGE_API_TOKEN=rng_... \\
    python3 submit_and_fetch.py --checkpoint /data/satclip.ckpt --out /data/maps/fib1000 --fibonacci 1000

Paths are the silos' (absolute, within the token's data roots). See docs/api.md.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.request

API = os.environ.get("RANGE_API_URL", "http://127.0.0.1:8080").rstrip("/")
TOKEN = os.environ.get("RANGE_API_TOKEN")


def request(method, path, body=None, accept="application/json"):
    """One call; returns the response. A refusal (problem details) is printed with the field it names, then exits 1."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    req.add_header("Accept", accept)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        return urllib.request.urlopen(req, timeout=600)
    except urllib.error.HTTPError as e:
        problem = json.loads(e.read() or b"{}")
        sys.exit(f"{method} {path}: {e.code} {problem.get('field', '')}: {problem.get('detail', e.reason)}")


def call(method, path, body=None):
    with request(method, path, body) as response:
        return json.loads(response.read())


def follow(job_id):
    """Reads the job's server-sent events until 'end'; returns the last status."""
    last = None
    with request("GET", f"/v1/jobs/{job_id}/events", accept="text/event-stream") as stream:
        event = None
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: ") and event == "status":
                last = json.loads(line[len("data: "):])
                status = last["status"]
                print(f"{job_id}: {last['state']} {status.get('doneShards', 0)}/{status.get('totalShards', 0)} shards, "
                      f"{status.get('donePoints', 0)}/{status.get('totalPoints', 0)} points", flush=True)
            elif event == "end":
                break
    return last


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="the model checkpoint, as the silos see it (absolute path or az://)")
    parser.add_argument("--model", default="satclip", help="satclip, range, range+ or sh")
    parser.add_argument("--out", required=True, help="the job's destination folder (absolute) or az://CONTAINER/PREFIX")
    parser.add_argument("--fibonacci", type=int, default=1000, help="points of the Fibonacci lattice to map")
    args = parser.parse_args()
    if not TOKEN:
        sys.exit("set RANGE_API_TOKEN (range api token add prints one)")

    model = {"checkpoint": args.checkpoint, "model": args.model}
    job = call("POST", "/v1/jobs", {
        "kind": "map",
        "spec": {"points": {"kind": "fibonacci", "fibonacciCount": args.fibonacci}, "model": model,
                 "destination": args.out, "shardDegrees": 90},
    })
    job_id = job["jobId"]
    print(f"submitted {job_id}")
    last = follow(job_id)
    if last is None or last["state"] != "completed":
        sys.exit(f"{job_id} ended {last and last['state']}: {last and last['status'].get('error')}")
    print(f"{job_id} completed")

    manifest = call("GET", f"/v1/jobs/{job_id}/manifest")
    print(f"model {manifest['manifest']['modelKind']} sha256 {manifest['manifest']['model']['sha256']}, "
          f"{manifest['manifest']['dimension']} dimensions, {manifest['manifest']['totalRows']} rows")
    for output in manifest["outputs"]:
        print(f"  {output['location']}  {output['rows']} rows  sha256 {output['sha256']}  (Arrow: read with pyarrow)")

    points = [[-0.1276, 51.5072], [139.6917, 35.6895]]
    embedded = call("POST", "/v1/embed", {"model": model, "points": points})
    for (lon, lat), row in zip(points, embedded["embeddings"]):
        print(f"embedding of ({lon}, {lat}): {embedded['dimension']} values, first {row[:3]}")


if __name__ == "__main__":
    main()
