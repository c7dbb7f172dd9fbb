# Parses infra/k8s/*.yaml and checks the fields Kubernetes requires of what they use (no kubeconform here):
#   python3 scripts/check-k8s-manifests.py infra/k8s/*.yaml
import sys, yaml
errors = []
def need(obj, path, where):
    cur = obj
    for key in path.split('.'):
        if not isinstance(cur, dict) or key not in cur:
            errors.append(f"{where}: missing {path}"); return None
        cur = cur[key]
    return cur
for f in sys.argv[1:]:
    for i, doc in enumerate(yaml.safe_load_all(open(f))):
        if doc is None: continue
        w = f"{f}#{i} {doc.get('kind')}"
        for p in ("apiVersion", "kind", "metadata.name"): need(doc, p, w)
        kind = doc.get("kind")
        if kind == "Deployment":
            sel = need(doc, "spec.selector.matchLabels", w); labels = need(doc, "spec.template.metadata.labels", w)
            if sel and labels and any(labels.get(k) != v for k, v in sel.items()): errors.append(f"{w}: selector does not match template labels")
            vols = {v["name"]: v for v in doc["spec"]["template"]["spec"].get("volumes", [])}
            for c in need(doc, "spec.template.spec.containers", w) or []:
                for p in ("name", "image"): need(c, p, w)
                ports = {p.get("name"): p for p in c.get("ports", [])}
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    if probe in c:
                        port = need(c[probe], "httpGet.port", w + " " + probe); need(c[probe], "httpGet.path", w + " " + probe)
                        if isinstance(port, str) and port not in ports: errors.append(f"{w}: {probe} port {port} is not a named container port")
                for m in c.get("volumeMounts", []):
                    if m["name"] not in vols: errors.append(f"{w}: volumeMount {m['name']} has no volume")
                    for p in ("name", "mountPath"): need(m, p, w)
                lim = c.get("resources", {}).get("limits", {})
                print(f"{w} container {c['name']}: probes {[p for p in ('startupProbe','livenessProbe','readinessProbe') if p in c]}, limits {lim}")
            for v in vols.values():
                if "persistentVolumeClaim" in v: need(v, "persistentVolumeClaim.claimName", w)
        if kind == "PersistentVolumeClaim":
            need(doc, "spec.accessModes", w); need(doc, "spec.resources.requests.storage", w)
        if kind == "Service":
            need(doc, "spec.ports", w)
print("\n".join(errors) or "ok: no missing required field")
sys.exit(1 if errors else 0)
