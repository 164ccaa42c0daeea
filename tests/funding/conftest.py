import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded documents go to a folder of the test's own, never var/private.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
