"""Object-store emulators for tests, each started on a free loopback port with a folder of its own,
waited for (bounded), and stopped by its PID: Microsoft's Azurite (npm, a dev dependency) and moto's S3
server (PyPI, a dev dependency). A test that needs one fails when it cannot start: never skipped, so CI
cannot pass without having run them."""

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 30
# Azurite's well-known development account (documented by Microsoft; it only ever opens its own emulator).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@dataclass(frozen=True)
class Emulator:
    kind: str  # PRIVATE_STORAGE's value: "s3" or "azure"
    environment: dict[str, str]  # the variables a deployment would set to use it

    def lookup(self, name: str, default: Any = None) -> Any:
        """Reads like django-environ's env(name, default=...), from this emulator's variables."""
        return self.environment.get(name, default)


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode} on start: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"{what} did not listen on 127.0.0.1:{port} within {START_SECONDS} s: {log.read_text()[-2000:]}")


@contextmanager
def _running(command: list[str], port: int, folder: Path, what: str) -> Iterator[None]:
    log = folder / "emulator.log"
    with log.open("wb") as output:
        try:
            process = subprocess.Popen(  # noqa: S603 - our own dev dependencies and arguments
                command, cwd=folder, stdout=output, stderr=subprocess.STDOUT
            )
        except OSError as missing:
            pytest.fail(f"{what} could not be started ({missing}); install the dev dependencies")
        try:
            _wait_for_port(process, port, log, what)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def moto_s3(folder: Path) -> Iterator[Emulator]:
    port = free_port()
    server = Path(sys.executable).with_name("moto_server")
    environment = {
        "AWS_STORAGE_BUCKET_NAME": f"private-{uuid.uuid4().hex[:12]}",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    with _running([str(server), "-H", "127.0.0.1", "-p", str(port)], port, folder, "moto's S3 server"):
        import boto3

        boto3.client(
            "s3",
            endpoint_url=environment["AWS_S3_ENDPOINT_URL"],
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(
            Bucket=environment["AWS_STORAGE_BUCKET_NAME"],
            CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
        )
        yield Emulator("s3", environment)


@contextmanager
def azurite_blob(folder: Path) -> Iterator[Emulator]:
    port = free_port()
    azurite = ROOT / "node_modules" / ".bin" / "azurite-blob"
    command = [
        str(azurite),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        str(folder),
        "--silent",
        "--skipApiVersionCheck",
        "--disableProductStyleUrl",
    ]
    connection = (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://127.0.0.1:{port}/{AZURITE_ACCOUNT};"
    )
    environment = {"AZURE_CONTAINER": f"private-{uuid.uuid4().hex[:12]}", "AZURE_CONNECTION_STRING": connection}
    with _running(command, port, folder, "Azurite"):
        from azure.storage.blob import BlobServiceClient

        BlobServiceClient.from_connection_string(connection).create_container(environment["AZURE_CONTAINER"])
        yield Emulator("azure", environment)


def object_names(emulator: Emulator) -> set[str]:
    """What the store holds, asked of it directly (not through the portal's storage)."""
    if emulator.kind == "s3":
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=emulator.environment["AWS_S3_ENDPOINT_URL"],
            region_name="eu-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        listed = client.list_objects_v2(Bucket=emulator.environment["AWS_STORAGE_BUCKET_NAME"])
        return {item["Key"] for item in listed.get("Contents", [])}
    from azure.storage.blob import BlobServiceClient

    service = BlobServiceClient.from_connection_string(emulator.environment["AZURE_CONNECTION_STRING"])
    container = service.get_container_client(emulator.environment["AZURE_CONTAINER"])
    return {blob.name for blob in container.list_blobs()}
