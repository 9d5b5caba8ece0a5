"""The part of kustomize our manifests use, in Python, so the tests render them with no binary to download:
`resources` (files and directories with a kustomization.yaml), `namespace`, `images` and strategic-merge
`patches`. Any other kustomization key is refused, so a new feature cannot slip past the tests unrendered;
where `kubectl kustomize` is installed, the tests check both renderings agree."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass"}
Resource = dict[str, Any]


def _documents(path: Path) -> list[Resource]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def merge(base: Any, patch: Any) -> Any:
    """Strategic merge as our patches need it: maps merge, lists of named items merge by name, other lists
    are replaced (as for Kubernetes' atomic lists such as an Ingress's rules)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and patch and all(
            isinstance(item, dict) and "name" in item for item in base + patch):
        by_name = {item["name"]: item for item in base}
        merged_list = [merge(by_name[item["name"]], item) if item["name"] in by_name else copy.deepcopy(item)
                       for item in patch]
        patched = {item["name"] for item in patch}
        return [item for item in base if item["name"] not in patched] + merged_list
    return copy.deepcopy(patch)


def _containers(resource: Resource) -> list[dict[str, Any]]:
    spec = resource.get("spec", {})
    if "jobTemplate" in spec:  # a CronJob: its Job's pod
        spec = spec["jobTemplate"].get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", []) + pod.get("initContainers", [])


def _set_image(resource: Resource, images: list[dict[str, str]]) -> None:
    for container in _containers(resource):
        name, _, tag = container["image"].partition(":")
        for image in images:
            if image["name"] == name:
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag or 'latest')}"


def build(directory: Path) -> list[Resource]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unsupported = set(kustomization) - SUPPORTED
    if unsupported:
        raise ValueError(f"{directory}: kustomize_lite does not render {sorted(unsupported)}")
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        resources += build(path) if path.is_dir() else _documents(path)
    for patch_entry in kustomization.get("patches", []):
        for patch in _documents(directory / patch_entry["path"]):
            targets = [r for r in resources if r["kind"] == patch["kind"]
                       and r["metadata"]["name"] == patch["metadata"]["name"]]
            if len(targets) != 1:
                raise ValueError(f"patch {patch_entry['path']} matches {len(targets)} resources")
            index = resources.index(targets[0])
            resources[index] = merge(targets[0], patch)
    for resource in resources:
        if "namespace" in kustomization and resource["kind"] not in CLUSTER_SCOPED:
            resource["metadata"]["namespace"] = kustomization["namespace"]
        _set_image(resource, kustomization.get("images", []))
    return resources
