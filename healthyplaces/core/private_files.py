"""Private files (application documents): where they are kept and how they are handed out.

They are kept in settings.STORAGES["private"]: the folder PRIVATE_MEDIA_ROOT by default, or an S3-compatible
bucket or an Azure Blob container when PRIVATE_STORAGE says so, so that every web node sees the file any one
of them received. No file has a public URL. A view that has checked who is asking hands the file out with
private_file_response: streamed through the portal, or, when PRIVATE_FILES_SIGNED_URLS is on and the store
can sign, a redirect to a URL that works for PRIVATE_FILE_URL_SECONDS only.

A model whose rows own private files calls delete_private_files_with(Model) once (in its app's ready()), so
that however a row goes (removed by the group, erased, past retention) its object goes from the store too,
once the deleting transaction has committed."""

import functools
import os
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header


class LocalPrivateStorage(FileSystemStorage):
    """The embedded default: a folder read from settings when used (so tests can move it), with no URL:
    asking for one is a mistake, not a link."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o640)
        kwargs.setdefault("directory_permissions_mode", 0o750)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; they are served by an access-checked view")


class _PrivateFiles(LazyObject):
    """storages["private"], looked up when first used (as Django's default_storage is), and again after a
    test changes STORAGES: a FileField keeps the storage object it was given when its model was defined."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_files: Storage = _PrivateFiles()  # type: ignore[assignment]


def _forget_private_storage(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        private_files._wrapped = empty  # type: ignore[attr-defined]


setting_changed.connect(_forget_private_storage)


def _signing_parameters(storage: Storage, filename: str, content_type: str) -> dict[str, str] | None:
    """What each object store's signed URL needs to send the file as a download of the right type;
    None for a store that cannot sign (the local folder), whose files are streamed instead."""
    disposition = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    backend = storage.__class__.__module__  # through the lazy wrapper, the configured backend's class
    if backend == "storages.backends.s3":
        return {"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
    if backend == "storages.backends.azure_storage":
        return {"content_disposition": disposition, "content_type": content_type}
    return None


def private_file_url(name: str, *, filename: str, content_type: str) -> str | None:
    """A URL to the object that works for PRIVATE_FILE_URL_SECONDS, or None when files are streamed.
    Call only after checking that the person asking may have the file."""
    if not settings.PRIVATE_FILES_SIGNED_URLS:
        return None
    parameters = _signing_parameters(private_files, filename, content_type)
    if parameters is None:
        return None
    url: str = private_files.url(name, parameters=parameters, expire=settings.PRIVATE_FILE_URL_SECONDS)  # type: ignore[call-arg]
    return url


def private_file_response(file: models.fields.files.FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    """Hand out a private file to someone the caller has checked may have it: a short-lived signed URL
    when the store gives one and the portal is set to use them, otherwise the file streamed through the
    portal as a download that no browser will run or sniff as another type."""
    url = private_file_url(file.name or "", filename=filename, content_type=content_type)
    if url is not None:
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"
        return redirect
    try:
        # Opening a local file finds it missing; an Azure blob is first asked for when its size is read.
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    except (FileNotFoundError, ResourceNotFoundError) as missing:
        raise Http404("The file is missing") from missing
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _delete_objects_after_commit(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.FileField):
            stored = getattr(instance, field.attname)
            name, storage = stored.name, stored.storage
            if name:
                # After the commit: a rolled-back removal must not lose the file.
                transaction.on_commit(functools.partial(storage.delete, name))


def delete_private_files_with(model: type[models.Model]) -> None:
    """Whenever a row of model is deleted (one by one or in bulk), delete its files from the store."""
    post_delete.connect(
        _delete_objects_after_commit, sender=model, dispatch_uid=f"delete_private_files_{model._meta.label}"
    )


def private_store_prepare() -> str:
    """Make sure the configured store has its folder, bucket or container (private, as created by
    default); returns what it found or made, for the command's output."""
    backend = private_files.__class__.__module__
    storage: Any = private_files
    if backend == "storages.backends.s3":
        client = storage.connection.meta.client
        existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
        if storage.bucket_name in existing:
            return f"bucket {storage.bucket_name} exists"
        location = {"LocationConstraint": storage.region_name} if storage.region_name else None
        client.create_bucket(
            Bucket=storage.bucket_name, **({"CreateBucketConfiguration": location} if location else {})
        )
        return f"bucket {storage.bucket_name} created"
    if backend == "storages.backends.azure_storage":
        container = storage.service_client.get_container_client(storage.azure_container)
        if container.exists():
            return f"container {storage.azure_container} exists"
        container.create_container()
        return f"container {storage.azure_container} created"
    os.makedirs(storage.location, mode=0o750, exist_ok=True)
    return f"folder {storage.location} ready"
