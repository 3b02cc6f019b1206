"""One set of limits for every HSDS import, whichever way it comes in: the page, the API and
`manage.py import_hsds`. A file past them is refused with a clear message and nothing is written;
nothing is read past them (a zip is checked before it is unpacked, and unpacked a piece at a time).

The limits (coproduce/directory/hsds/limits.py): 20 MB a file, and 20 MB for all the files of a
data package unpacked; at most 100 files in a package; nested at most 32 deep; a text at most
20,000 characters.
"""

import io
import json
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from coproduce.audit.models import AuditEvent
from coproduce.directory import models as directory
from coproduce.directory.hsds.importer import ImportRefused, import_hsds_json, import_hsds_tabular
from coproduce.directory.hsds.validate import STANDARD_DIR
from tests.personas import Personas

EXAMPLES = STANDARD_DIR / "hsds-3.0" / "examples"
MB = 1024 * 1024
TOO_DEEP = "The file is nested more than 32 levels deep: no HSDS document is. Check it is the right file."
TOO_BIG = (
    "The file is bigger than 20 MB. Split the directory into smaller files: each import adds to what is already there."
)
UNPACKS_TOO_BIG = "The .zip file would unpack to more than 20 MB. Split the directory into smaller packages."
TOO_MANY_FILES = "The .zip file holds more than 100 files: an HSDS data package has about 30."
COULD_NOT_OPEN = "The .zip file could not be opened."
COULD_NOT_READ = "The .zip file could not be read: it is damaged, or is not what it says it is."
MODELS = [
    directory.Taxonomy,
    directory.TaxonomyTerm,
    directory.DirectoryOrganisation,
    directory.Service,
    directory.Location,
    directory.Address,
    directory.ServiceAtLocation,
    directory.Contact,
    directory.Phone,
    directory.Schedule,
    directory.ServiceArea,
    directory.Attribute,
    AuditEvent,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def service_full() -> dict[str, Any]:
    return json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))


def package_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((EXAMPLES / "csv").iterdir())}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def nested(depth: int) -> bytes:
    return b'{"contents": ' + b"[" * depth + b"]" * depth + b"}"


def a_service_with_a_description_of(length: int) -> bytes:
    document = service_full()
    document["description"] = "Help with money. " * (length // 17) + "x" * (length % 17)
    return json.dumps(document).encode()


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


# Each way in: the file's name and content → the problems it was refused with (nothing imported).
Refusal = Callable[[str, bytes], list[str]]


@pytest.fixture
def through_the_page(personas: Personas, client_for: Callable[[str], Client]) -> Refusal:
    client = client_for("partnership_manager")

    def send(name: str, content: bytes) -> list[str]:
        response = client.post(reverse("web:directory_import"), {"file": upload(name, content)})
        assert response.status_code == 400
        return list(response.context["problems"])

    return send


@pytest.fixture
def through_the_api(personas: Personas, client_for: Callable[[str], Client]) -> Refusal:
    client = client_for("partnership_manager")

    def send(name: str, content: bytes) -> list[str]:
        response = client.post("/api/v1/directory/import", {"file": upload(name, content)})
        assert response.status_code == 400, response.content[:300]
        return list(response.json()["problems"])

    return send


@pytest.fixture
def through_the_command(db: None, tmp_path: Path) -> Refusal:
    def send(name: str, content: bytes) -> list[str]:
        path = tmp_path / name
        path.write_bytes(content)
        err = io.StringIO()
        with pytest.raises(CommandError, match=r"^Nothing was imported: \d+ problem\(s\)\.$"):
            call_command("import_hsds", str(path), stdout=io.StringIO(), stderr=err)
        return err.getvalue().splitlines()

    return send


WAYS_IN = ["through_the_page", "through_the_api", "through_the_command"]


@pytest.fixture(params=WAYS_IN)
def refused(request: pytest.FixtureRequest) -> Refusal:
    """Send a file one way in; assert nothing changed; the problems it was refused with."""
    send: Refusal = request.getfixturevalue(request.param)

    def check(name: str, content: bytes) -> list[str]:
        before = counts()
        problems = send(name, content)
        assert counts() == before
        return problems

    return check


# JSON ---------------------------------------------------------------------------------------


def test_json_nested_deeper_than_any_hsds_document_is_refused(refused: Refusal) -> None:
    assert refused("deep.json", nested(100_000)) == [TOO_DEEP]


def test_json_nested_a_little_too_deep_is_refused_too(refused: Refusal) -> None:
    assert refused("deep.json", nested(40)) == [TOO_DEEP]


@pytest.mark.django_db
def test_the_function_refuses_deep_json_it_is_given_parsed() -> None:
    document: Any = []
    for _ in range(5_000):
        document = [document]
    with pytest.raises(ImportRefused) as caught:
        import_hsds_json(document, actor=None)
    assert caught.value.problems == [TOO_DEEP]


def test_a_file_bigger_than_20_mb_is_refused_everywhere(refused: Refusal) -> None:
    # The command used to take this 25 MB description, which the page refused.
    assert refused("big.json", a_service_with_a_description_of(25 * MB)) == [TOO_BIG]


def test_a_text_longer_than_20000_characters_is_refused_everywhere(refused: Refusal) -> None:
    assert refused("long.json", a_service_with_a_description_of(20_001)) == [
        "(document).description: 20,001 characters, more than the 20,000 a text in the directory may have."
    ]


@pytest.mark.django_db
def test_a_text_of_20000_characters_is_imported() -> None:
    import_hsds_json(a_service_with_a_description_of(20_000), actor=None)

    assert len(directory.Service.objects.get().description) == 20_000


# Data packages --------------------------------------------------------------------------------


def test_a_long_cell_in_a_package_is_refused(refused: Refusal) -> None:
    files = package_files()
    files["services.csv"] = files["services.csv"].replace(b"Community Counselling", b"C" * 30_000)

    assert refused("package.zip", zipped(files)) == [
        "services.csv line 2: name: 30,000 characters, more than the 20,000 a text in the directory may have."
    ]


def test_a_cell_longer_than_python_reads_is_refused_too(refused: Refusal) -> None:
    files = package_files()
    files["services.csv"] = files["services.csv"].replace(b"Community Counselling", b"C" * 200_000)

    assert refused("package.zip", zipped(files)) == [
        "services.csv line 2: a cell is longer than the 20,000 characters a text in the directory may have."
    ]


def test_a_zip_that_would_unpack_past_the_limit_is_refused(refused: Refusal) -> None:
    files = package_files()
    # Each file is within 20 MB, but together they are 60 MB: this zip is about 60 KB.
    for number in range(3):
        files[f"padding-{number}.txt"] = b"\0" * (20 * MB - 1)

    assert refused("bomb.zip", zipped(files)) == [UNPACKS_TOO_BIG]


def test_a_zip_with_too_many_files_is_refused(refused: Refusal) -> None:
    files = package_files()
    files.update({f"note-{number}.txt": b"" for number in range(100)})

    assert refused("many.zip", zipped(files)) == [TOO_MANY_FILES]


def test_a_zip_inside_the_zip_is_refused(refused: Refusal) -> None:
    files = package_files()
    files["more.zip"] = zipped({"services.csv": files["services.csv"]})

    assert refused("nested.zip", zipped(files)) == [
        "more.zip: a .zip inside the .zip is not read. Unzip it and put its files in the package."
    ]


@pytest.mark.parametrize("name", ["../../services.csv", "/etc/services.csv", "C:/services.csv", "hsds\\..\\x.csv"])
def test_a_file_name_pointing_outside_the_package_is_refused(refused: Refusal, name: str) -> None:
    files = package_files()
    files[name] = files.pop("services.csv")

    assert refused("escape.zip", zipped(files)) == [f"{name}: a file name that points outside the package."]


def lying_about_its_size(content: bytes) -> bytes:
    """A zip of one file whose headers say it unpacks to 1 KB: it unpacks to `len(content)`."""
    archive = bytearray(zipped({"services.csv": content}))
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = archive.index(signature)
        struct.pack_into("<I", archive, at + size_at, 1024)
    return bytes(archive)


def test_a_zip_lying_about_its_size_is_refused(refused: Refusal) -> None:
    assert refused("liar.zip", lying_about_its_size(b"\0" * (50 * MB))) == [COULD_NOT_READ]


def test_a_broken_zip_is_refused(refused: Refusal) -> None:
    assert refused("broken.zip", b"PK\x03\x04 not really a zip") == [COULD_NOT_OPEN]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(zipped({f"big-{n}.csv": b"\0" * (19 * MB) for n in range(20)}), id="honest about 380 MB"),
        pytest.param(lying_about_its_size(b"\0" * (300 * MB)), id="lying about 300 MB"),
    ],
)
def test_a_zip_bomb_is_refused_without_unpacking_it(content: bytes) -> None:
    from coproduce.directory.hsds.importer import read_package_zip

    assert len(content) < 400_000
    tracemalloc.start()
    try:
        with pytest.raises(ImportRefused):
            read_package_zip(content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # It used to take 300 MB and more: now no more than a few pieces of a megabyte are read at once.
    assert peak < 4 * MB


@pytest.mark.django_db
def test_the_command_applies_the_same_limits_to_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    for name, content in package_files().items():
        (folder / name).write_bytes(content)
    (folder / "services.csv").write_bytes((folder / "services.csv").read_bytes() + b"\n" * (21 * MB))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_hsds", str(folder), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "The data package is bigger than 20 MB. Split the directory into smaller packages."
    ]
    assert directory.Service.objects.count() == 0


@pytest.mark.django_db
def test_a_good_zipped_package_still_imports_through_the_command(tmp_path: Path) -> None:
    path = tmp_path / "package.zip"
    path.write_bytes(zipped({f"hsds/{name}": content for name, content in package_files().items()}))

    call_command("import_hsds", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert directory.Service.objects.get().name == "Community Counselling"


@pytest.mark.django_db
def test_the_function_refuses_what_the_interfaces_refuse() -> None:
    with pytest.raises(ImportRefused) as caught:
        import_hsds_tabular({"services.csv": b"id,name\n" + b"x" * (21 * MB)}, actor=None)
    assert caught.value.problems == [
        "The data package is bigger than 20 MB. Split the directory into smaller packages."
    ]
