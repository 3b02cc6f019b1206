"""The limits of an HSDS import, the same for the page, the API and `manage.py import_hsds`.

They are far above any real directory file and far below what would hurt the server: the whole
of the demo's five partnerships exports to about 1 MB. A file past one is refused with a message
saying which, and nothing is written (see importer.py). They are checked before the expensive
step each guards: the size before reading, the depth before Python recurses into the document,
a zip's entry count and unpacked size before unpacking it (coproduce.core.archives).
"""

import json
from pathlib import Path, PurePosixPath
from typing import Any

from coproduce.core import archives
from coproduce.core.archives import UnsafeArchive, ZipLimits, open_zip, read_entries

MB = 1024 * 1024
# A JSON file; and all the files of a data package together, unpacked.
MAX_IMPORT_BYTES = 20 * MB
# An HSDS organisation with its services, their locations, addresses and attributes nests 12
# deep; our export's lists add two. Python itself gives up somewhere near 1,000.
MAX_DEPTH = 32
# Any text: a name, a description, a note kept in `extra`. Columns with a shorter length of
# their own (a name: 200) are checked against that too.
MAX_TEXT_LENGTH = 20_000
# Files in a data package: HSDS 3.0 has 26 tables and datapackage.json.
MAX_PACKAGE_FILES = 100
PACKAGE_ZIP_LIMITS = ZipLimits(entries=MAX_PACKAGE_FILES, unpacked_bytes=MAX_IMPORT_BYTES)

TOO_BIG = (
    f"The file is bigger than {MAX_IMPORT_BYTES // MB} MB. Split the directory into smaller files: "
    "each import adds to what is already there."
)
PACKAGE_TOO_BIG = (
    f"The data package is bigger than {MAX_IMPORT_BYTES // MB} MB. Split the directory into smaller packages."
)
ZIP_TOO_BIG = (
    f"The .zip file would unpack to more than {MAX_IMPORT_BYTES // MB} MB. Split the directory into smaller packages."
)
TOO_MANY_FILES = f"The .zip file holds more than {MAX_PACKAGE_FILES} files: an HSDS data package has about 30."
PACKAGE_TOO_MANY_FILES = (
    f"The data package holds more than {MAX_PACKAGE_FILES} files: an HSDS data package has about 30."
)
TOO_DEEP = f"The file is nested more than {MAX_DEPTH} levels deep: no HSDS document is. Check it is the right file."
NOT_OPENED = "The .zip file could not be opened."
NOT_READ = "The .zip file could not be read: it is damaged, or is not what it says it is."


def too_long(where: str, length: int) -> str:
    return f"{where}: {length:,} characters, more than the {MAX_TEXT_LENGTH:,} a text in the directory may have."


def nested_zip(name: str) -> str:
    return f"{name}: a .zip inside the .zip is not read. Unzip it and put its files in the package."


def outside(name: str) -> str:
    return f"{name}: a file name that points outside the package."


# Reading what an import is given ---------------------------------------------------------------
# Each function returns what it read and the problems found; with any problem, nothing else is read.

NUL = "The file holds a NUL character (\\u0000), which text cannot hold."


def parse_json(raw: bytes | str) -> tuple[Any, list[str]]:
    """The parsed document, or the problems: too big, not JSON, nested too deep (checked by
    Python's parser itself, which stops near 1,000 levels; `document_problems` does the rest)."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", errors="surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        return None, [TOO_BIG]
    try:
        return json.loads(raw), []
    except RecursionError:
        return None, [TOO_DEEP]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, [f"The file is not valid JSON: {error}."]


def document_problems(data: Any, root: str) -> list[str]:
    """Depth, NUL characters and texts too long, anywhere in a parsed document; `root` names the
    document's top in messages ("(document)", or "" when its items name themselves)."""
    problems: list[str] = []
    nul = False
    stack: list[tuple[Any, str, int]] = [(data, root, 1)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            nul = nul or "\x00" in value
            if len(value) > MAX_TEXT_LENGTH:
                problems.append(too_long(where or "(document)", len(value)))
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            return [TOO_DEEP]
        if isinstance(value, dict):
            children = [(item, f"{where}.{key}" if where else str(key), key) for key, item in value.items()]
        else:
            children = [(item, f"{where}[{index}]", "") for index, item in enumerate(value)]
        for item, path, key in reversed(children):
            if len(key) > MAX_TEXT_LENGTH:
                problems.append(too_long(f"{path} (its name)", len(key)))
            nul = nul or "\x00" in key
            stack.append((item, path, depth + 1))
    return ([NUL] if nul else []) + problems


def unzip_package(content: bytes) -> tuple[dict[str, bytes], list[str]]:
    """The files of a zipped data package by their own names (folders inside it are ignored, and
    so are hidden files such as macOS's "._" ones), within every limit."""
    if len(content) > MAX_IMPORT_BYTES:
        return {}, [TOO_BIG]
    try:
        with open_zip(content, PACKAGE_ZIP_LIMITS) as archive:
            zips = [info.filename for info in archive.infolist() if info.filename.lower().endswith(".zip")]
            if zips:
                return {}, [nested_zip(name) for name in zips]
            read = read_entries(archive, PACKAGE_ZIP_LIMITS, keep=lambda info: not _hidden(info.filename))
    except UnsafeArchive as unsafe:
        return {}, [_ZIP_MESSAGES[unsafe.reason](unsafe.name)]
    return {PurePosixPath(name.replace("\\", "/")).name: data for name, data in read.items()}, []


def read_folder(directory: Path) -> tuple[dict[str, bytes], list[str]]:
    """The files of a data package on disk (for the command), sized before any is read."""
    paths = sorted(path for path in directory.iterdir() if path.is_file() and not _hidden(path.name))
    if len(paths) > MAX_PACKAGE_FILES:
        return {}, [PACKAGE_TOO_MANY_FILES]
    if sum(path.stat().st_size for path in paths) > MAX_IMPORT_BYTES:
        return {}, [PACKAGE_TOO_BIG]
    return {path.name: path.read_bytes() for path in paths}, []


def package_problems(files: dict[str, bytes]) -> list[str]:
    """The limits again, for files handed over by any other way."""
    if len(files) > MAX_PACKAGE_FILES:
        return [PACKAGE_TOO_MANY_FILES]
    if sum(len(content) for content in files.values()) > MAX_IMPORT_BYTES:
        return [PACKAGE_TOO_BIG]
    return []


def _hidden(name: str) -> bool:
    return PurePosixPath(name.replace("\\", "/")).name.startswith(".")


_ZIP_MESSAGES = {
    archives.NOT_A_ZIP: lambda name: NOT_OPENED,
    archives.DAMAGED: lambda name: NOT_READ,
    archives.TOO_MANY_ENTRIES: lambda name: TOO_MANY_FILES,
    archives.TOO_BIG: lambda name: ZIP_TOO_BIG,
    archives.OUTSIDE: outside,
}
