"""Where a location is on the map: WGS84 latitude and longitude in decimal degrees, as HSDS 3.0 has them.

One set of rules for the staff page, the import and the database (a check constraint in the
migration): a latitude from -90 to 90, a longitude from -180 to 180, and both or neither, since
half a point places nothing. The UK's bounding box is only a hint: a service may be abroad, or
online with a postal address there, so a point outside it is kept and the person is asked to check.
"""

from typing import Any

LATITUDE_RANGE = (-90.0, 90.0)
LONGITUDE_RANGE = (-180.0, 180.0)
# Roughly the UK with its islands (Scilly to Shetland, Fermanagh to Lowestoft).
UK_LATITUDES = (49.8, 60.9)
UK_LONGITUDES = (-8.7, 1.8)

LATITUDE_OUT_OF_RANGE = "Enter a latitude from -90 to 90, in decimal degrees, like 56.1165."
LONGITUDE_OUT_OF_RANGE = "Enter a longitude from -180 to 180, in decimal degrees, like -3.1584."
LATITUDE_MISSING = "Enter the latitude too, or leave both empty."
LONGITUDE_MISSING = "Enter the longitude too, or leave both empty."


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def coordinate_errors(latitude: float | None, longitude: float | None) -> dict[str, list[str]]:
    """What is wrong with a point, by field ("latitude", "longitude"); empty when it is fine or both are empty."""
    errors: dict[str, list[str]] = {}
    if latitude is not None and not (_is_number(latitude) and LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]):
        errors["latitude"] = [LATITUDE_OUT_OF_RANGE]
    if longitude is not None and not (_is_number(longitude) and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]):
        errors["longitude"] = [LONGITUDE_OUT_OF_RANGE]
    if latitude is None and longitude is not None:
        errors.setdefault("latitude", [LATITUDE_MISSING])
    if longitude is None and latitude is not None:
        errors.setdefault("longitude", [LONGITUDE_MISSING])
    return errors


def outside_uk(latitude: float | None, longitude: float | None) -> bool:
    """Whether a (valid) point lies outside the UK's box: worth a second look, never a refusal."""
    if latitude is None or longitude is None:
        return False
    return not (UK_LATITUDES[0] <= latitude <= UK_LATITUDES[1] and UK_LONGITUDES[0] <= longitude <= UK_LONGITUDES[1])
