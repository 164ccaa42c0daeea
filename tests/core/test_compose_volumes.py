"""docker-compose.yml keeps every folder the settings write people's data to on a named volume, so
recreating a container (a new image) loses no uploaded document, media file or copy of sent mail.

The settings are loaded in a fresh interpreter with the environment compose gives the app's
containers, so a new setting pointing somewhere else (or a changed default) is checked as deployed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
# Where the Dockerfile puts the project (WORKDIR): BASE_DIR inside the containers.
CONTAINER_ROOT = PurePosixPath("/app")

# Prints, as JSON, every folder or file the settings make the portal write people's data to.
_WRITTEN_PATHS_SCRIPT = """
import json
from django.conf import settings

paths = {"MEDIA_ROOT": settings.MEDIA_ROOT, "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT}
if settings.EMAIL_BACKEND in (
    "healthyplaces.core.mail.ConsoleAndFileEmailBackend", "django.core.mail.backends.filebased.EmailBackend"
):
    paths["EMAIL_FILE_PATH"] = settings.EMAIL_FILE_PATH
for alias, cache in settings.CACHES.items():
    if cache["BACKEND"].endswith("FileBasedCache"):
        paths[f"CACHES[{alias}]"] = cache["LOCATION"]
if settings.CELERY_BROKER_URL.startswith("filesystem://"):
    paths["CELERY_BROKER_FOLDER"] = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
for alias, database in settings.DATABASES.items():
    if database["ENGINE"].endswith("sqlite3"):
        paths[f"DATABASES[{alias}]"] = database["NAME"]
print(json.dumps({"BASE_DIR": str(settings.BASE_DIR), "paths": {k: str(v) for k, v in paths.items()}}))
"""


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def interpolate(value: object) -> str:
    """Compose's ${NAME:-default} with nothing set in the shell: the default."""
    return re.sub(r"\$\{[A-Z0-9_]+(?::?-([^}]*))?\}", lambda match: match.group(1) or "", str(value))


def app_services(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the portal's own image (web, worker, beat), not PostgreSQL or Redis."""
    return {name: service for name, service in document["services"].items() if "build" in service}


def named_volume_targets(document: dict[str, Any], service: dict[str, Any]) -> list[PurePosixPath]:
    named = set(document.get("volumes") or {})
    targets = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, _, rest = volume.partition(":")
            target = rest.split(":")[0]
        else:
            source, target = volume.get("source", ""), volume.get("target", "")
            if volume.get("type", "volume") != "volume":
                continue
        if source in named:
            targets.append(PurePosixPath(target))
    return targets


def written_paths(service: dict[str, Any]) -> dict[str, PurePosixPath]:
    """Each user-data path the settings give this service, as a path inside its container."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_")) and key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    }
    env.pop("HEALTHYPLACES_VAR_DIR", None)
    env |= {key: interpolate(value) for key, value in service["environment"].items()}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _WRITTEN_PATHS_SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    base_dir = Path(loaded["BASE_DIR"])
    paths = {}
    for name, value in loaded["paths"].items():
        path = Path(value)
        inside = path.is_relative_to(base_dir)
        paths[name] = CONTAINER_ROOT / path.relative_to(base_dir) if inside else PurePosixPath(value)
    return paths


def paths_off_volumes(document: dict[str, Any]) -> dict[str, list[str]]:
    """service -> the settings whose user data would be lost with the container."""
    missing: dict[str, list[str]] = {}
    for name, service in app_services(document).items():
        targets = named_volume_targets(document, service)
        for setting, path in written_paths(service).items():
            if not any(path == target or path.is_relative_to(target) for target in targets):
                missing.setdefault(name, []).append(f"{setting} ({path})")
    return missing


def test_every_path_the_settings_write_user_data_to_is_on_a_named_volume():
    document = compose()
    assert set(app_services(document)) == {"web", "worker", "beat"}

    assert paths_off_volumes(document) == {}


def test_the_check_notices_private_uploads_left_in_the_container():
    # The compose file as it was: application documents in the container's own filesystem.
    document = compose()
    for service in app_services(document).values():
        service["volumes"] = [volume for volume in service["volumes"] if not str(volume).startswith("private:")]

    missing = paths_off_volumes(document)

    assert set(missing) == {"web", "worker", "beat"}
    assert missing["web"] == ["PRIVATE_MEDIA_ROOT (/app/var/private)"]
