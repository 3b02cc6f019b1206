"""Which HSDS properties are columns of our models, and how their values convert.

Shared by the serialiser and the importer so that the two stay each other's inverse.

The rules that make import → export lossless (documented here once):

- A property we model is a column; every other property of an imported object is kept verbatim
  in the row's `extra` and merged back on export (extra keys never override columns).
- A modelled property that arrived empty (`null`, `""`, `[]`) is kept in `extra` as it came,
  so that export gives it back; a column that is empty is otherwise left out of the output.
- A value that does not fit its column exactly (a `valid_from` that is not an ISO date, a time
  like "9am", an age that is not a whole number) is kept in `extra` verbatim and the column is
  left empty: HSDS allows these strings, our columns do not.
- Reference properties (`service_id`, `organization_id`, `parent_id`, `taxonomy_id`…) are
  emitted only where the imported object had them (the key is remembered in `extra`), with the
  value of our foreign key; when the reference points at nothing we hold, the imported value
  is emitted unchanged. Objects nested in their parent do not repeat the parent's id.
"""

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.dateparse import parse_datetime

from coproduce.directory.models import (
    Address,
    Attribute,
    Contact,
    DirectoryOrganisation,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

STR = "str"
INT = "int"
FLOAT = "float"
DATE = "date"
TIME = "time"
DATETIME = "datetime"
UUID = "uuid"
NUMBER_TEXT = "number_text"  # an HSDS number kept in a text column (phone extension)
REF = "ref"  # a reference to another record: the column is the foreign key's attname


@dataclass(frozen=True)
class Field:
    key: str  # the HSDS property
    attr: str  # the model attribute (for REF: the foreign key's attname, like "service_id")
    kind: str = STR
    target: type[models.Model] | None = None  # REF only


def _ref(key: str, attr: str, target: type[models.Model]) -> Field:
    return Field(key, attr, REF, target)


def _strs(*names: str) -> list[Field]:
    return [Field(name, name) for name in names]


FIELDS: dict[type[models.Model], list[Field]] = {
    Taxonomy: [*_strs("name", "description", "uri"), Field("version", "taxonomy_version")],
    TaxonomyTerm: [
        *_strs("code", "name", "description"),
        Field("taxonomy", "taxonomy_name"),
        *_strs("language", "term_uri"),
        _ref("parent_id", "parent_id", TaxonomyTerm),
        _ref("taxonomy_id", "taxonomy_detail_id", Taxonomy),
    ],
    DirectoryOrganisation: [
        *_strs("name", "alternate_name", "description", "email", "website", "uri"),
        _ref("parent_organization_id", "parent_organization_id", DirectoryOrganisation),
    ],
    Service: [
        _ref("organization_id", "organization_id", DirectoryOrganisation),
        *_strs("name", "alternate_name", "description", "url", "email", "status", "application_process"),
        *_strs("eligibility_description", "fees_description"),
        Field("minimum_age", "minimum_age", INT),
        Field("maximum_age", "maximum_age", INT),
        Field("alert", "alert"),
        Field("last_modified", "last_modified", DATETIME),
    ],
    Location: [
        _ref("organization_id", "organization_id", DirectoryOrganisation),
        *_strs("location_type", "name", "alternate_name", "description", "transportation", "url"),
        Field("latitude", "latitude", FLOAT),
        Field("longitude", "longitude", FLOAT),
        *_strs("external_identifier", "external_identifier_type"),
    ],
    Address: [
        _ref("location_id", "location_id", Location),
        *_strs("attention", "address_1", "address_2", "city", "region", "state_province", "postal_code"),
        *_strs("country", "address_type"),
    ],
    ServiceAtLocation: [
        _ref("service_id", "service_id", Service),
        _ref("location_id", "location_id", Location),
        Field("description", "description"),
    ],
    Contact: [
        _ref("organization_id", "organization_id", DirectoryOrganisation),
        _ref("service_id", "service_id", Service),
        _ref("service_at_location_id", "service_at_location_id", ServiceAtLocation),
        _ref("location_id", "location_id", Location),
        *_strs("name", "title", "department", "email"),
    ],
    Phone: [
        _ref("location_id", "location_id", Location),
        _ref("service_id", "service_id", Service),
        _ref("organization_id", "organization_id", DirectoryOrganisation),
        _ref("contact_id", "contact_id", Contact),
        _ref("service_at_location_id", "service_at_location_id", ServiceAtLocation),
        Field("number", "number"),
        Field("extension", "extension", NUMBER_TEXT),
        *_strs("type", "description"),
    ],
    Schedule: [
        _ref("service_id", "service_id", Service),
        _ref("location_id", "location_id", Location),
        _ref("service_at_location_id", "service_at_location_id", ServiceAtLocation),
        Field("valid_from", "valid_from", DATE),
        Field("valid_to", "valid_to", DATE),
        *_strs("freq", "byday"),
        Field("opens_at", "opens_at", TIME),
        Field("closes_at", "closes_at", TIME),
        Field("description", "description"),
    ],
    ServiceArea: [
        _ref("service_id", "service_id", Service),
        *_strs("name", "description", "extent", "extent_type", "uri"),
    ],
    Attribute: [
        Field("link_id", "link_id", UUID),
        _ref("taxonomy_term_id", "taxonomy_term_id", TaxonomyTerm),
        *_strs("link_type", "link_entity", "value"),
    ],
}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def encode(kind: str, value: Any) -> Any:
    """A column value as HSDS JSON, or None when the column is empty."""
    if value is None or value == "":
        return None
    if kind in (DATE, TIME, DATETIME):
        return value.isoformat()
    if kind == UUID:
        return str(value)
    if kind == NUMBER_TEXT:
        return _number(value)
    return value


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


class DoesNotFit(ValueError):
    """The value is valid HSDS but our column cannot hold it exactly."""


def decode(field: Field, value: Any, model: type[models.Model]) -> Any:
    """An HSDS value for a column; raises DoesNotFit when it would not come back unchanged."""
    kind = field.kind
    if kind == STR:
        if not isinstance(value, str):
            raise DoesNotFit
        max_length = getattr(model._meta.get_field(field.attr), "max_length", None)
        if max_length is not None and len(value) > max_length:
            raise DoesNotFit
        return value
    if kind == INT:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise DoesNotFit
        if not 0 <= value <= 32767:
            raise DoesNotFit
        return int(value)
    if kind == FLOAT:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DoesNotFit
        return float(value)
    if kind == NUMBER_TEXT:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DoesNotFit
        text = str(value)
        if len(text) > 20 or _number(text) != value:
            raise DoesNotFit
        return text
    if kind == DATE:
        return _exactly(value, datetime.date.fromisoformat)
    if kind == TIME:
        return _exactly(value, datetime.time.fromisoformat)
    if kind == DATETIME:
        if not isinstance(value, str):
            raise DoesNotFit
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            raise DoesNotFit
        return parsed
    if kind == UUID:
        return _exactly(value, _uuid)
    raise AssertionError(kind)


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


def _exactly(value: Any, parse: Any) -> Any:
    if not isinstance(value, str):
        raise DoesNotFit
    try:
        parsed = parse(value)
    except ValueError as error:
        raise DoesNotFit from error
    back = str(parsed) if not hasattr(parsed, "isoformat") else parsed.isoformat()
    if back != value:
        raise DoesNotFit
    return parsed
