"""deploy/k8s renders (base and the production overlay) into manifests that Kubernetes' own schemas accept
(kubernetes-validate, offline) and that match what the services really use: images, ports, variables, health
paths. No cluster here: this is what can be known without one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import kubernetes_validate
import pytest
import yaml

from devstack import services
from tests.deploy import compose, service_env
from tests.deploy.kustomize_lite import build

ROOT = services.ROOT
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
SECRET_TEMPLATE = K8S / "secret.template.yaml"
KUBERNETES_VERSION = "1.30.0"  # the oldest minor version still supported by the big managed offerings
REPLICAS = {"rasa": 2, "actions": 2, "policy-api": 2, "handoff": 2, "voice": 1, "outreach": 1, "event-record": 1}
IMAGES = {"rasa": "rasa", "actions": "rasa"}  # the others run the app image
REFERENCE = re.compile(r"\$\((\w+)\)")
DATA_MOUNTS = {"policy-api": {"/var/lib/desk/materials"}}  # what a service writes and keeps, beside its caches
Resource = dict[str, Any]


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest) -> list[Resource]:
    return build(OVERLAYS[request.param])


@pytest.fixture(scope="module")
def production() -> list[Resource]:
    return build(OVERLAYS["production"])


def _of_kind(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def _container(deployment: Resource) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def _workloads(resources: list[Resource]) -> list[Resource]:
    return list(_of_kind(resources, "Deployment").values()) + list(_of_kind(resources, "Job").values())


def _secret_keys() -> set[str]:
    return set(yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))["stringData"])


def _as_compose(container: dict[str, Any]) -> dict[str, Any]:
    """The container in the shape compose.listen_port reads (its command and literal variables)."""
    return {"command": container.get("command", []),
            "environment": {name: item.get("value") for name, item in _env(container).items() if "value" in item}}


def _listen_port(name: str, container: dict[str, Any]) -> int:
    return compose.listen_port(name, _as_compose(container), service_env.env_use(name).defaults)


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl (with kustomize) is not installed")
@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_kustomize_itself_renders_the_same_manifests(overlay: str) -> None:
    result = subprocess.run(["kubectl", "kustomize", str(OVERLAYS[overlay])], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    theirs = {(r["kind"], r["metadata"]["name"]): r for r in yaml.safe_load_all(result.stdout) if r}
    ours = {(r["kind"], r["metadata"]["name"]): r for r in build(OVERLAYS[overlay])}
    assert ours == theirs


def test_every_manifest_is_valid_against_the_kubernetes_schemas(rendered: list[Resource]) -> None:
    for resource in rendered + [yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))]:
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{resource['kind']}/{resource['metadata']['name']}: {exc.message} at {list(exc.path)}")


def test_the_deployments_and_their_replicas(rendered: list[Resource]) -> None:
    deployments = _of_kind(rendered, "Deployment")
    assert {name: d["spec"]["replicas"] for name, d in deployments.items()} == REPLICAS


def test_each_deployment_runs_a_package_of_its_image(rendered: list[Resource]) -> None:
    for name, deployment in _of_kind(rendered, "Deployment").items():
        container = _container(deployment)
        image = IMAGES.get(name, "app")
        assert container["image"].split(":")[0].endswith(f"insurance-desk/{image}"), name
        dockerfile = (ROOT / "docker" / f"{image}.Dockerfile").read_text(encoding="utf-8")
        cmd = " ".join(yaml.safe_load(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1)))
        module = compose.module_of({"command": container.get("command")}, cmd)
        assert re.search(rf"^COPY {module.split('.')[0]} ", dockerfile, re.M), (name, module)


@pytest.mark.parametrize("name", sorted(REPLICAS))
def test_each_container_gets_every_variable_it_requires_and_only_those(name: str, production: list[Resource]) -> None:
    code = service_env.SERVICES[name]
    if not code.present():
        pytest.skip(f"{code.paths[0]}/ is not in this checkout")
    env = _env(_container(_of_kind(production, "Deployment")[name]))
    missing = service_env.required(name) - set(env)
    assert not missing, f"{name} reads {sorted(missing)}; its Deployment does not set them"
    if name == "rasa" and "${REDIS_HOST}" not in (ROOT / "bot" / "endpoints.docker.yml").read_text(encoding="utf-8"):
        return  # the addresses it is given are read only once endpoints.docker.yml takes them from the environment
    # Besides what it reads: parts that other variables are built from ($(POSTGRES_PASSWORD) in DATABASE_URL).
    parts = {ref for item in env.values() for ref in REFERENCE.findall(item.get("value", ""))}
    unread = set(env) - service_env.env_use(name).reads - service_env.THIRD_PARTY - parts
    assert not unread, f"{name} is given {sorted(unread)}, which nothing it runs reads"


def test_variables_come_from_the_config_map_and_the_secret_template(rendered: list[Resource]) -> None:
    config = _of_kind(rendered, "ConfigMap")["desk-config"]["data"]
    secret_keys, used = _secret_keys(), set()
    workloads = _of_kind(rendered, "Deployment") | _of_kind(rendered, "Job")
    for workload, resource in workloads.items():
        env = _env(_container(resource))
        for name, item in env.items():
            source = item.get("valueFrom", {})
            if "configMapKeyRef" in source:
                assert source["configMapKeyRef"]["key"] in config, (workload, name)
            if "secretKeyRef" in source:
                assert source["secretKeyRef"]["name"] == "desk-secrets"
                assert source["secretKeyRef"]["key"] in secret_keys, (workload, name)
                used.add(source["secretKeyRef"]["key"])
            # $(VAR) expands only variables defined before it in the same container.
            earlier = list(env)[:list(env).index(name)]
            for ref in REFERENCE.findall(item.get("value", "")):
                assert ref in earlier, (workload, name, ref)
    assert used == secret_keys  # the template names every secret used, and no other
    assert service_env.demo_secrets() <= secret_keys


def test_no_secret_is_written_in_the_manifests(rendered: list[Resource]) -> None:
    secrets_ = _secret_keys()
    assert not _of_kind(rendered, "Secret")  # created by the operator (secret.template.yaml), never rendered
    assert not secrets_ & set(_of_kind(rendered, "ConfigMap")["desk-config"]["data"])
    for workload in _workloads(rendered):
        for name, item in _env(_container(workload)).items():
            assert name not in secrets_ or "secretKeyRef" in item.get("valueFrom", {}), name


def test_ports_probes_and_services_match_what_each_service_listens_on(rendered: list[Resource]) -> None:
    services_ = _of_kind(rendered, "Service")
    health = service_env.health_paths()
    for name, deployment in _of_kind(rendered, "Deployment").items():
        container = _container(deployment)
        if name not in health:  # no HTTP port: outreach, event-record (exec probes)
            assert "ports" not in container and name not in services_
            assert container["livenessProbe"]["exec"]["command"], name
            continue
        port = _listen_port(name, container)
        assert container["ports"] == [{"name": "http", "containerPort": port}], name
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": health[name], "port": "http"}, (name, probe)
        service = services_[name]
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        assert service["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]


def test_every_address_a_container_calls_is_a_service_port(rendered: list[Resource]) -> None:
    ports = {name: s["spec"]["ports"][0]["port"] for name, s in _of_kind(rendered, "Service").items()}
    for name, deployment in _of_kind(rendered, "Deployment").items():
        literal = _as_compose(_container(deployment))["environment"]
        for variable, host, port in compose.urls_in(literal):
            assert ports.get(host) == port, f"{name}: {variable} -> {host}:{port}"


def test_app_services_listen_on_the_pod_address(rendered: list[Resource]) -> None:
    for name in ("policy-api", "handoff", "voice"):
        env = _as_compose(_container(_of_kind(rendered, "Deployment")[name]))["environment"]
        assert env[next(v for v in env if v.endswith("_HOST") and v != "REDIS_HOST")] == "0.0.0.0", name
    assert "0.0.0.0" in _container(_of_kind(rendered, "Deployment")["actions"])["command"]


def test_the_ingress_serves_only_the_front_doors_over_tls(rendered: list[Resource]) -> None:
    (ingress,) = _of_kind(rendered, "Ingress").values()
    rules = ingress["spec"]["rules"]
    assert [tls["hosts"] for tls in ingress["spec"]["tls"]] == [[rule["host"] for rule in rules]]
    paths = {(p["path"], p["backend"]["service"]["name"]) for rule in rules for p in rule["http"]["paths"]}
    assert paths == {("/twiml", "voice"), ("/media", "voice"), ("/agent-audio", "voice"), ("/", "handoff")}
    config = _of_kind(rendered, "ConfigMap")["desk-config"]["data"]
    assert config["DESK_PUBLIC_URL"] == f"https://{rules[0]['host']}"  # the URL Twilio signs is the Ingress's


def test_pods_run_unprivileged(rendered: list[Resource]) -> None:
    for workload in _workloads(rendered):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False and security["readOnlyRootFilesystem"] is True
            assert security["capabilities"]["drop"] == ["ALL"]
            # A read-only root: the caches and temporary files go to volumes, and the data a service keeps
            # (claim materials) to its own.
            data = DATA_MOUNTS.get(workload["metadata"]["name"], set())
            assert {m["mountPath"] for m in container["volumeMounts"]} == {"/tmp", "/home/desk"} | data


def _quantity(value: str) -> float:
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def test_every_container_has_requests_within_limits(rendered: list[Resource]) -> None:
    for workload in _workloads(rendered):
        resources = _container(workload)["resources"]
        for kind in ("cpu", "memory"):
            assert _quantity(resources["requests"][kind]) <= _quantity(resources["limits"][kind])
    # Sized from the voice bench's peak RSS (bench/results.json voice_peak_rss_mb): room for it.
    peak_mb = json.loads((ROOT / "bench" / "results.json").read_text())["voice_peak_rss_mb"]
    voice = _container(_of_kind(rendered, "Deployment")["voice"])["resources"]
    assert _quantity(voice["requests"]["memory"]) >= peak_mb * 2**20


def test_rasa_and_voice_scale_and_rasa_and_the_hub_survive_drains(rendered: list[Resource]) -> None:
    deployments = _of_kind(rendered, "Deployment")
    scalers = _of_kind(rendered, "HorizontalPodAutoscaler")
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scalers.values()} == {"rasa", "voice"}
    for scaler in scalers.values():
        target = deployments[scaler["spec"]["scaleTargetRef"]["name"]]
        assert scaler["spec"]["minReplicas"] == target["spec"]["replicas"]
        assert _container(target)["resources"]["requests"]["cpu"]  # CPU utilisation needs a request
    budgets = _of_kind(rendered, "PodDisruptionBudget")
    assert set(budgets) == {"rasa", "handoff"}
    for name, budget in budgets.items():
        assert budget["spec"]["selector"]["matchLabels"] == deployments[name]["spec"]["selector"]["matchLabels"]
        assert budget["spec"]["minAvailable"] < deployments[name]["spec"]["replicas"]


def test_the_init_job_runs_desk_init_with_the_first_supervisor(rendered: list[Resource]) -> None:
    (job,) = _of_kind(rendered, "Job").values()
    container = _container(job)
    assert container["command"] == ["python", "-m", "desk_init"]
    assert {"DATABASE_URL", "DESK_ADMIN_USER", "DESK_ADMIN_PASSWORD"} <= set(_env(container))


def test_production_uses_managed_stores_by_address(production: list[Resource]) -> None:
    workloads = set(_of_kind(production, "Deployment")) | set(_of_kind(production, "StatefulSet"))
    assert not workloads & {"postgres", "redis", "rabbitmq"}
    config = _of_kind(production, "ConfigMap")["desk-config"]["data"]
    for key in ("POSTGRES_HOST", "REDIS_HOST", "RABBITMQ_HOST"):
        assert "." in config[key], key  # a managed service's address, not an in-cluster name
    assert config["POSTGRES_SSLMODE"] == "require"
    assert all(r["metadata"].get("namespace") == "insurance-desk" for r in production if r["kind"] != "Namespace")
    images = {_container(d)["image"] for d in _of_kind(production, "Deployment").values()}
    assert all(":" in image and not image.endswith(":latest") for image in images)


def test_the_secret_template_places_no_usable_secret() -> None:
    """Its placeholders are refused by every service (service_auth.env_secrets) if applied unchanged."""
    from service_auth.env_secrets import problem

    values = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))["stringData"]
    assert all(problem(value) for value in values.values())


def test_the_kustomize_lite_merge_is_kubernetes_strategic_merge_for_our_patches() -> None:
    """Named lists (containers, env) merge by name; other lists (an Ingress's rules) are replaced."""
    from tests.deploy.kustomize_lite import merge

    base = {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "rules": [{"host": "a"}]}
    patched = merge(base, {"env": [{"name": "B", "value": "3"}], "rules": [{"host": "b"}]})
    assert patched == {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}], "rules": [{"host": "b"}]}


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    return all(labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", [])
               if e["operator"] == "In")


def test_from_outside_the_desk_only_the_front_doors_accept_connections(rendered: list[Resource]) -> None:
    policies = list(_of_kind(rendered, "NetworkPolicy").values())
    assert any(p["spec"]["podSelector"] == {} and "ingress" not in p["spec"] for p in policies)  # deny by default
    for name, deployment in _of_kind(rendered, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        sources = [source for p in policies if _selects(p["spec"]["podSelector"], labels)
                   for rule in p["spec"].get("ingress", []) for source in rule["from"]]
        outside = [s for s in sources if "namespaceSelector" in s]
        assert bool(outside) == (name in ("handoff", "voice")), name
        # Inside: the desk's own pods only.
        for source in sources:
            if "podSelector" in source:
                assert source["podSelector"] == {"matchLabels": {"app.kubernetes.io/part-of": "insurance-desk"}}
                assert all(source["podSelector"]["matchLabels"].items() <= d["spec"]["template"]["metadata"]
                           ["labels"].items() for d in _of_kind(rendered, "Deployment").values())


def test_claim_materials_are_on_one_volume_that_every_policy_api_replica_shares(rendered: list[Resource]) -> None:
    """A photo uploaded through one policy-API pod must be there for the review and download on another: the
    files go to a ReadWriteMany claim (not the read-only image, not a pod's own emptyDir)."""
    deployment = _of_kind(rendered, "Deployment")["policy-api"]
    assert deployment["spec"]["replicas"] > 1
    container = _container(deployment)
    directory = _env(container)["MATERIALS_DIR"]["value"]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == directory)
    assert not mount.get("readOnly", False)
    volume = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"])
    claim = _of_kind(rendered, "PersistentVolumeClaim")[volume["persistentVolumeClaim"]["claimName"]]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]


def test_the_retention_job_runs_nightly_one_at_a_time_with_the_materials(rendered: list[Resource]) -> None:
    """Retention is a duty (PIPL), not an operator's memory: a CronJob runs `python -m retention` every night, never
    two at once, unprivileged, with what the job reads and the claim materials' shared volume."""
    cron = _of_kind(rendered, "CronJob")["retention"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid" and len(cron["spec"]["schedule"].split()) == 5
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["command"] == ["python", "-m", "retention"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    env = _env(container)
    assert {"DATABASE_URL", "RASA_EVENTS_URL", "RASA_URL", "RASA_JWT_SECRET", "RASA_CHANNEL_SECRET",
            "MATERIALS_DIR"} <= set(env)
    assert all(item["valueFrom"]["secretKeyRef"]["key"] in _secret_keys()
               for item in env.values() if "secretKeyRef" in item.get("valueFrom", {}))
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == env["MATERIALS_DIR"]["value"])
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    assert volume["persistentVolumeClaim"]["claimName"] == "claim-materials"
