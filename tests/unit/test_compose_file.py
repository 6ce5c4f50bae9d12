"""docker-compose.yml cannot be run here (no Docker engine), so check what can be checked."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_service_has_an_image_and_its_dependencies_exist() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "elasticsearch", "kibana", "worker", "webhooks"} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for port in service.get("ports", []):
            assert isinstance(port, str) and port.startswith("127.0.0.1:"), (name, port)
    for name in compose.get("volumes", {}):
        assert any(
            str(v).startswith(f"{name}:") for s in services.values() for v in s.get("volumes", [])
        ), f"volume {name} is not used"


def test_the_image_is_built_from_a_dockerfile_that_exists() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    build = compose["services"]["worker"]["build"]
    assert (ROOT / build["context"] / build["dockerfile"]).is_file()


def test_retention_runs_every_day() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = " ".join(compose["services"]["retention"]["command"])
    assert "houserules retention" in command and "sleep 86400" in command
