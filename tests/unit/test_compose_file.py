"""docker-compose.yml cannot be run here (no Docker engine), so check what can be checked."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_service_has_an_image_and_its_dependencies_exist() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "elasticsearch", "kibana", "worker", "webhooks", "review-app"} <= set(services)
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


def test_the_weekly_report_runs_on_its_monday_schedule_and_emails_the_pdf() -> None:
    from datetime import UTC, datetime

    from reports.week import next_run

    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["weekly-report"]
    assert service["command"] == ["houserules", "report", "schedule", "--email"]
    assert "./council:/council:ro" in service["volumes"]
    # The schedule the command keeps: Monday 08:00 UK time, summer and winter.
    assert next_run(datetime(2026, 7, 1, tzinfo=UTC)) == datetime(2026, 7, 6, 7, tzinfo=UTC)
    assert next_run(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2026, 12, 7, 8, tzinfo=UTC)
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "COPY reports reports" in dockerfile and "libpango-1.0-0" in dockerfile


CONNECTORS = {"facebook", "instagram", "x", "youtube"}


def test_a_connector_starts_only_with_its_platforms_profile() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for platform in CONNECTORS:
        service = services[f"connector-{platform}"]
        assert service["profiles"] == [platform]
        assert service["command"] == ["houserules", "connect", platform]
    assert services["webhooks"]["profiles"] == ["webhooks"]
    always = {
        "kafka",
        "elasticsearch",
        "kibana",
        "dashboards",
        "worker",
        "retention",
        "review-app",
        "weekly-report",
    }
    assert {name for name, s in services.items() if "profiles" not in s} == always


def test_every_houserules_service_reads_the_councils_rules_and_registers_read_only() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    ours = {name: s for name, s in services.items() if "build" in s}
    assert {"worker", "retention", "review-app", "webhooks"} <= set(ours)
    for name, service in ours.items():
        assert "./council:/council:ro" in service["volumes"], name
        env = service["environment"]
        assert env["HOUSERULES_RULES_FILE"] == "/council/rules.yaml", name
        assert env["HOUSERULES_REGISTERS_DIR"] == "/council/registers", name
    assert (ROOT / "council" / "README.md").is_file()
