"""`houserules dashboards install` against a local server speaking Kibana's saved objects
API (tests/fakes/kibana.py): idempotent import with overwrite, spaces, credentials from
settings that never appear in output, and a clear error for a wrong address, bad
credentials, a Kibana of another version, and objects Kibana would not take."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dashboards.kibana_api import Kibana, KibanaError
from dashboards.saved_objects import KIBANA_VERSION, ndjson, saved_objects
from dashboards.settings import KibanaSettings
from houserules.cli import main
from tests.fakes.kibana import FakeKibana
from tests.fakes.server import FakeServer, Reply, Request

PASSWORD = "kibana-s3cret-pw"


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    with FakeKibana(users={"elastic": PASSWORD}, spaces={"comms"}) as fake:
        yield fake  # type: ignore[misc]


def install(tmp_path: Path, *args: str, password: str = PASSWORD) -> Result:
    env = {
        "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
        "HOUSERULES_KIBANA__USERNAME": "elastic",
        "HOUSERULES_KIBANA__PASSWORD": password,
    }
    return CliRunner().invoke(main, ["dashboards", "install", *args], env=env)


def output(result: Result) -> str:
    return result.stdout + result.stderr


def test_install_imports_every_object_and_installing_again_replaces_them(
    tmp_path: Path, kibana: FakeKibana
) -> None:
    first = install(tmp_path, "--kibana", kibana.url)
    assert first.exit_code == 0, output(first)
    expected = {(o["type"], o["id"]) for o in saved_objects()}
    assert set(kibana.saved["default"]) == expected
    assert sum(1 for t, _ in expected if t == "dashboard") == 4
    assert f"installed {len(expected)} saved objects in Kibana 8.19.21" in first.stdout

    again = install(tmp_path, "--kibana", kibana.url, "--json")
    assert again.exit_code == 0, output(again)
    assert set(kibana.saved["default"]) == expected, "the same objects, not copies"
    imports = kibana.calls("POST", "/api/saved_objects/_import")
    assert [r.query.get("overwrite") for r in imports] == ["true", "true"]
    assert all(r.headers.get("kbn-xsrf") for r in imports)
    assert all("multipart/form-data" in r.headers["content-type"] for r in imports)
    assert PASSWORD not in output(first) + output(again)


def test_install_into_a_space_and_a_clear_error_for_a_space_that_does_not_exist(
    tmp_path: Path, kibana: FakeKibana
) -> None:
    done = install(tmp_path, "--kibana", kibana.url, "--space", "comms")
    assert done.exit_code == 0, output(done)
    assert kibana.saved["comms"] and not kibana.saved["default"]
    assert kibana.calls("POST", "/s/comms/api/saved_objects/_import")

    missing = install(tmp_path, "--kibana", kibana.url, "--space", "press-office")
    assert missing.exit_code == 2
    assert "has no space 'press-office': create it first" in missing.stderr
    bad = install(tmp_path, "--kibana", kibana.url, "--space", "../admin")
    assert bad.exit_code == 2 and "is not a Kibana space id" in bad.stderr


def test_bad_credentials_are_refused_clearly_without_printing_the_password(
    tmp_path: Path, kibana: FakeKibana
) -> None:
    result = install(tmp_path, "--kibana", kibana.url, password="wrong-password-123")
    assert result.exit_code == 2
    assert "refused the credentials (401)" in result.stderr
    assert "kibana.username and kibana.password" in result.stderr
    assert "wrong-password-123" not in output(result)
    assert not kibana.saved["default"]


def test_an_api_key_from_settings_is_sent_as_kibana_expects(tmp_path: Path) -> None:
    with FakeKibana(api_keys={"a2V5LWlkOmtleQ=="}) as kibana:
        env = {
            "HOUSERULES_DATA_DIR": str(tmp_path / "data"),
            "HOUSERULES_KIBANA__URL": kibana.url,
            "HOUSERULES_KIBANA__API_KEY": "a2V5LWlkOmtleQ==",
        }
        result = CliRunner().invoke(main, ["dashboards", "install"], env=env)
        assert result.exit_code == 0, output(result)
        assert kibana.saved["default"]
        assert "a2V5LWlkOmtleQ==" not in output(result)


def test_a_wrong_address_says_kibana_cannot_be_reached(tmp_path: Path) -> None:
    with FakeKibana() as stopped:
        url = stopped.url
    result = install(tmp_path, "--kibana", url.replace("http://", f"http://elastic:{PASSWORD}@"))
    assert result.exit_code == 2
    assert "cannot reach Kibana at " + url in result.stderr
    assert PASSWORD not in output(result), "credentials in the address are not echoed"


class NotKibana(FakeServer):
    def route(self, request: Request) -> Reply:
        return Reply(404, "<html><body>Not here</body></html>")


def test_an_address_that_is_not_kibana_is_named_as_such(tmp_path: Path) -> None:
    with NotKibana() as other:
        url = other.url
        result = install(tmp_path, "--kibana", url)
    assert result.exit_code == 2
    assert f"no Kibana answers at {url}: GET /api/status gave 404" in result.stderr


@pytest.mark.parametrize("version", ["8.18.2", "7.17.9", "10.0.0"])
def test_a_kibana_of_another_version_is_refused_before_anything_is_imported(
    tmp_path: Path, version: str
) -> None:
    with FakeKibana(version) as kibana:
        result = install(tmp_path, "--kibana", kibana.url)
        assert result.exit_code == 2
        assert f"is version {version}" in result.stderr
        assert f"saved objects for Kibana {KIBANA_VERSION}" in result.stderr
        assert not kibana.calls("POST")


@pytest.mark.parametrize("elasticsearch", ["8.18.3", "9.1.0"])
def test_a_kibana_beside_an_elasticsearch_of_another_version_is_refused_naming_both(
    tmp_path: Path, elasticsearch: str
) -> None:
    with FakeKibana("8.19.21", elasticsearch_version=elasticsearch) as kibana:
        result = install(tmp_path, "--kibana", kibana.url)
        assert result.exit_code == 2
        assert (
            f"is version 8.19.21, but its Elasticsearch is version {elasticsearch}:"
            " Kibana and Elasticsearch must be the same version" in result.stderr
        )
        assert not kibana.calls("POST"), "nothing is imported"


def test_a_kibana_whose_elasticsearch_is_down_says_so_before_importing(tmp_path: Path) -> None:
    with FakeKibana(elasticsearch_up=False) as kibana:
        result = install(tmp_path, "--kibana", kibana.url)
        assert result.exit_code == 2
        assert "cannot use its Elasticsearch (Waiting for Elasticsearch)" in result.stderr
        assert not kibana.calls("POST")


def test_kibana_beside_a_later_patch_or_minor_of_elasticsearch_takes_the_objects(
    tmp_path: Path,
) -> None:
    for elasticsearch in ("8.19.22", "8.20.0"):
        with FakeKibana("8.19.21", elasticsearch_version=elasticsearch) as kibana:
            result = install(tmp_path, "--kibana", kibana.url)
            assert result.exit_code == 0, output(result)


def test_a_later_kibana_of_the_same_or_next_major_takes_the_objects(tmp_path: Path) -> None:
    for version in ("8.19.21", "9.1.0"):
        with FakeKibana(version) as kibana:
            result = install(tmp_path, "--kibana", kibana.url)
            assert result.exit_code == 0, output(result)


def test_objects_kibana_will_not_take_are_each_named() -> None:
    objects = [o for o in saved_objects() if o["type"] != "index-pattern"]
    with FakeKibana() as kibana:
        with pytest.raises(KibanaError) as refused:
            Kibana(KibanaSettings(url=kibana.url)).install(ndjson(objects), KIBANA_VERSION)
        assert not kibana.saved["default"], "nothing is half-imported"
    message = str(refused.value)
    assert "did not import every object" in message
    assert (
        "search houserules-search-open_decisions refers to missing"
        " index-pattern houserules-data-view-queue" in message
    )


def test_kibana_refusing_the_import_request_is_reported_with_its_message() -> None:
    with FakeKibana() as kibana:
        kibana.fail_next(
            Reply(413, {"statusCode": 413, "error": "Payload Too Large", "message": "too big"}),
            path_contains="_import",
        )
        with pytest.raises(
            KibanaError, match="answered 413 when asked to import saved objects: too big"
        ):
            Kibana(KibanaSettings(url=kibana.url)).install(ndjson(saved_objects()), KIBANA_VERSION)
